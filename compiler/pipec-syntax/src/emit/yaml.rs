//! Canonical YAML: block mappings and sequences (two-space indentation, sequences indented
//! under their key), `{}` and `[]` for empty collections, scalars in the plainest style that
//! reads back as the same value; comments of the source, when given, beside the nodes they
//! belong to.

use std::fmt::Write as _;

use super::comments::{Leading, Placed, SourceComment};
use crate::Document;
use crate::node::{NodeKind, NodeRef};
use crate::yaml::resolve_plain;

/// The document as YAML text, ending with a newline.
#[must_use]
pub fn to_yaml(doc: &Document) -> String {
    to_yaml_with_comments(doc, "", &[])
}

/// The document as YAML text with `comments` of `src`, the text it was parsed from (YAML or
/// `.pipe`), kept beside the nodes they belong to ([`Placed`]); `comments` are in source
/// order.
#[must_use]
pub fn to_yaml_with_comments(doc: &Document, src: &str, comments: &[SourceComment]) -> String {
    let mut emitter = Emitter {
        out: String::new(),
        comments: Placed::new(doc, src, comments),
    };
    emitter.block(doc.root(), 0, false);
    let rest = emitter.comments.take_rest();
    emitter.leading(rest, 0);
    let mut out = emitter.out;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The text so far and the comments not written yet.
struct Emitter {
    out: String,
    comments: Placed,
}

impl Emitter {
    /// Write `node` as a block at `indent`. `inline` means the cursor is already on a line
    /// (after `- ` or at the document start) where the node's first line goes.
    fn block(&mut self, node: NodeRef<'_>, indent: usize, inline: bool) {
        match node.kind() {
            NodeKind::Map(entries) if !entries.is_empty() => {
                let mut first = true;
                for (key, value) in node.as_map().into_iter().flat_map(|m| m.entries()) {
                    if !(first && inline) {
                        let comments = self.comments.take_leading(key.span().start);
                        self.leading(comments, indent);
                        pad(&mut self.out, indent);
                    }
                    first = false;
                    write_key(&mut self.out, key);
                    self.out.push(':');
                    self.value_after_key(key, value, indent);
                }
            }
            NodeKind::Seq(items) if !items.is_empty() => {
                let mut first = true;
                for item in node.as_seq().into_iter().flatten() {
                    if !(first && inline) {
                        let mut comments = self.comments.take_leading(item.span().start);
                        // The item's first key is written on the `- ` line.
                        if let Some((key, _)) = item.as_map().and_then(|m| m.entries().next()) {
                            comments.extend(self.comments.take_leading(key.span().start));
                        }
                        self.leading(comments, indent);
                        pad(&mut self.out, indent);
                    }
                    first = false;
                    self.out.push('-');
                    match item.kind() {
                        NodeKind::Map(e) if !e.is_empty() => {
                            self.out.push(' ');
                            self.block(item, indent + 2, true);
                        }
                        NodeKind::Seq(i) if !i.is_empty() => {
                            self.out.push(' ');
                            self.block(item, indent + 2, true);
                        }
                        _ => {
                            self.out.push(' ');
                            self.scalar_line(item, indent, None);
                        }
                    }
                }
            }
            _ => {
                if !inline {
                    pad(&mut self.out, indent);
                }
                self.scalar_line(node, indent, None);
            }
        }
    }

    /// The value of a mapping entry, after its `key:`.
    fn value_after_key(&mut self, key: NodeRef<'_>, value: NodeRef<'_>, indent: usize) {
        match value.kind() {
            NodeKind::Map(e) if !e.is_empty() => {
                self.trailing(key.span().end);
                self.out.push('\n');
                self.block(value, indent + 2, false);
            }
            NodeKind::Seq(i) if !i.is_empty() => {
                self.trailing(key.span().end);
                self.out.push('\n');
                self.block(value, indent + 2, false);
            }
            _ => {
                self.out.push(' ');
                // A comment after `key: |` (the key ends last before it on its line).
                self.scalar_line(value, indent, Some(key.span().end));
            }
        }
    }

    /// A scalar, its trailing comment and the line's end; `indent` is the indentation of
    /// the line it is on, `key_end` where its key ends in the source.
    fn scalar_line(&mut self, node: NodeRef<'_>, indent: usize, key_end: Option<u32>) {
        let from = self.out.len();
        scalar(&mut self.out, node, indent + 2);
        let comment = self
            .comments
            .take_trailing(node.span().end)
            .or_else(|| key_end.and_then(|end| self.comments.take_trailing(end)));
        if let Some(comment) = comment {
            if self.out[from..].contains('\n') {
                // After a `|` block a comment cannot share the last line: it would be text.
                self.out.push('\n');
                pad(&mut self.out, indent);
            } else {
                self.out.push_str("  ");
            }
            self.out.push_str(&comment);
        }
        self.out.push('\n');
    }

    /// The comment ending the line of the scalar ending at `end`, if any.
    fn trailing(&mut self, end: u32) {
        if let Some(comment) = self.comments.take_trailing(end) {
            self.out.push_str("  ");
            self.out.push_str(&comment);
        }
    }

    /// Comments on lines of their own at `indent`.
    fn leading(&mut self, comments: Vec<Leading>, indent: usize) {
        for comment in comments {
            if comment.blank_before && !self.out.is_empty() && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
            pad(&mut self.out, indent);
            self.out.push_str(&comment.text);
            self.out.push('\n');
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
