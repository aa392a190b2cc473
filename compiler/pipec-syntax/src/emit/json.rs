//! Pretty JSON (two-space indentation, keys in document order), as `serde_json` would write
//! it. JSON has only string keys: other scalar keys are written as their text.

use std::fmt::Write as _;

use crate::Document;
use crate::node::{NodeKind, NodeRef};

/// The document as pretty JSON text, ending with a newline.
#[must_use]
pub fn to_json(doc: &Document) -> String {
    let mut out = String::new();
    value(&mut out, doc.root(), 0, true);
    out.push('\n');
    out
}

/// One node as compact JSON (no newlines).
pub fn to_json_compact(node: NodeRef<'_>) -> String {
    let mut out = String::new();
    value(&mut out, node, 0, false);
    out
}

fn value(out: &mut String, node: NodeRef<'_>, indent: usize, pretty: bool) {
    let newline = |out: &mut String, indent: usize| {
        if pretty {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
        }
    };
    match node.kind() {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        NodeKind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        NodeKind::Float(f) if f.is_finite() => {
            let _ = write!(out, "{f:?}");
        }
        // JSON cannot hold infinities or NaN.
        NodeKind::Float(_) => out.push_str("null"),
        NodeKind::Str(text, _) => string(out, text),
        NodeKind::Seq([]) => out.push_str("[]"),
        NodeKind::Map([]) => out.push_str("{}"),
        NodeKind::Seq(_) => {
            out.push('[');
            for (i, item) in node.as_seq().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent + 2);
                value(out, item, indent + 2, pretty);
            }
            newline(out, indent);
            out.push(']');
        }
        NodeKind::Map(_) => {
            out.push('{');
            for (i, (key, item)) in node
                .as_map()
                .into_iter()
                .flat_map(|m| m.entries())
                .enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent + 2);
                match key.kind() {
                    NodeKind::Str(text, _) => string(out, text),
                    NodeKind::Map(_) | NodeKind::Seq(_) => string(out, &to_json_compact(key)),
                    _ => string(out, &key.scalar_text().unwrap_or_default()),
                }
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                value(out, item, indent + 2, pretty);
            }
            newline(out, indent);
            out.push('}');
        }
    }
}

fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
