//! Canonical YAML: block mappings and sequences (two-space indentation, sequences indented
//! under their key), `{}` and `[]` for empty collections, scalars in the plainest style that
//! reads back as the same value.

use std::fmt::Write as _;

use crate::Document;
use crate::node::{NodeKind, NodeRef};
use crate::yaml::resolve_plain;

/// The document as YAML text, ending with a newline.
#[must_use]
pub fn to_yaml(doc: &Document) -> String {
    let mut out = String::new();
    block(&mut out, doc.root(), 0, false);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Write `node` as a block at `indent`. `inline` means the cursor is already on a line
/// (after `- ` or at the document start) where the node's first line goes.
fn block(out: &mut String, node: NodeRef<'_>, indent: usize, inline: bool) {
    match node.kind() {
        NodeKind::Map(entries) if !entries.is_empty() => {
            let mut first = true;
            for (key, value) in node.as_map().into_iter().flat_map(|m| m.entries()) {
                if !(first && inline) {
                    pad(out, indent);
                }
                first = false;
                write_key(out, key);
                out.push(':');
                value_after_key(out, value, indent);
            }
        }
        NodeKind::Seq(items) if !items.is_empty() => {
            let mut first = true;
            for item in node.as_seq().into_iter().flatten() {
                if !(first && inline) {
                    pad(out, indent);
                }
                first = false;
                out.push('-');
                match item.kind() {
                    NodeKind::Map(e) if !e.is_empty() => {
                        out.push(' ');
                        block(out, item, indent + 2, true);
                    }
                    NodeKind::Seq(i) if !i.is_empty() => {
                        out.push(' ');
                        block(out, item, indent + 2, true);
                    }
                    _ => {
                        out.push(' ');
                        scalar(out, item, indent + 2);
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            if !inline {
                pad(out, indent);
            }
            scalar(out, node, indent + 2);
            out.push('\n');
        }
    }
}

/// The value of a mapping entry, after its `key:`.
fn value_after_key(out: &mut String, value: NodeRef<'_>, indent: usize) {
    match value.kind() {
        NodeKind::Map(e) if !e.is_empty() => {
            out.push('\n');
            block(out, value, indent + 2, false);
        }
        NodeKind::Seq(i) if !i.is_empty() => {
            out.push('\n');
            block(out, value, indent + 2, false);
        }
        _ => {
            out.push(' ');
            scalar(out, value, indent + 2);
            out.push('\n');
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn write_key(out: &mut String, key: NodeRef<'_>) {
    match key.kind() {
        NodeKind::Str(text, _) if !text.contains('\n') => string(out, text, 0, false),
        NodeKind::Map(_) | NodeKind::Seq(_) => {
            // Collection keys do not occur in pipelines; write them as flow JSON, which
            // YAML reads back as the same collection.
            out.push_str(&super::json::to_json_compact(key));
        }
        _ => scalar(out, key, 0),
    }
}

/// A scalar (or an empty collection) on the current line; `indent` is where the lines of
/// a `|` block go.
fn scalar(out: &mut String, node: NodeRef<'_>, indent: usize) {
    match node.kind() {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        NodeKind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        NodeKind::Float(f) => float(out, f),
        NodeKind::Str(text, _) => string(out, text, indent, true),
        NodeKind::Map(_) => out.push_str("{}"),
        NodeKind::Seq(_) => out.push_str("[]"),
    }
}

/// A float as YAML 1.2 core schema reads it back: `Debug` keeps `.0` or an exponent.
fn float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str(".nan");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
    } else {
        let _ = write!(out, "{f:?}");
    }
}

/// A string: plain when that reads back as the same string, a `|` block for multi-line
/// text (when `block_ok`), double-quoted otherwise.
fn string(out: &mut String, text: &str, indent: usize, block_ok: bool) {
    if plain_ok(text) {
        out.push_str(text);
    } else if block_ok && literal_ok(text) {
        literal(out, text, indent);
    } else {
        double_quoted(out, text);
    }
}

/// Whether `text` written plain (in block context, as a value or a key) is read back as
/// this same string.
fn plain_ok(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let last = text.chars().next_back().unwrap_or(first);
    let starts_badly = matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | ' '
    );
    !starts_badly
        && last != ' '
        && last != ':'
        && !text.contains(": ")
        && !text.contains(" #")
        && text.chars().all(|c| c == ' ' || printable(c))
        && matches!(resolve_plain(text), NodeKind::Str(..))
}

/// Characters a YAML scalar may hold literally (no tabs: they are escaped, to keep the
/// output free of them).
fn printable(c: char) -> bool {
    matches!(c, '\u{21}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// Whether `text` can be a `|` block: several lines, nothing that needs escaping, and a
/// first line that does not start with a space (which would need an indentation
/// indicator).
fn literal_ok(text: &str) -> bool {
    text.contains('\n')
        && !text.starts_with(' ')
        && text.chars().all(|c| c == '\n' || c == ' ' || printable(c))
}

fn literal(out: &mut String, text: &str, indent: usize) {
    let body = text.trim_end_matches('\n');
    let trailing = text.len() - body.len();
    out.push('|');
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
    }
    // With `+`, the extra newlines are kept as empty lines.
    for _ in 1..trailing {
        out.push('\n');
    }
}

fn double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == ' ' || printable(c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
}
