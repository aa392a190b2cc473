//! A small ordered JSON tree and its pretty printer (two-space indentation, as
//! `pipec_syntax::emit::to_json` writes), for the normalized form: object keys keep the
//! order they are inserted in.

use std::fmt::Write as _;

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `null`.
    Null,
    /// `true`, `false`.
    Bool(bool),
    /// A number as written (already valid JSON).
    Number(String),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<J>),
    /// An object, in order.
    Object(Vec<(String, J)>),
}

impl J {
    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Pretty JSON text ending with a newline.
#[must_use]
pub fn pretty(value: &J) -> String {
    let mut out = String::new();
    write(&mut out, value, 0);
    out.push('\n');
    out
}

fn write(out: &mut String, value: &J, indent: usize) {
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(n),
        J::Str(s) => string(out, s),
        J::Array(items) if items.is_empty() => out.push_str("[]"),
        J::Object(entries) if entries.is_empty() => out.push_str("{}"),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent + 2);
                write(out, item, indent + 2);
            }
            newline(out, indent);
            out.push(']');
        }
        J::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent + 2);
                string(out, key);
                out.push_str(": ");
                write(out, item, indent + 2);
            }
            newline(out, indent);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, indent: usize) {
    out.push('\n');
    out.push_str(&" ".repeat(indent));
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
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
