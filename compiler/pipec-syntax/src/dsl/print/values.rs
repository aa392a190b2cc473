//! Printing values: strings (quoted with canonical escapes, or as a `"""` text block when
//! written as one and representable), numbers (a float always shows a `.` or an exponent, so
//! it stays a float), words, lists and inline maps; raw expressions and types as written.

use super::Printer;
use crate::dsl::ast::{Raw, StrForm, StrLit, Value};

impl Printer<'_> {
    /// A value in a constraint, a default, a list or a binding.
    pub(super) fn value(&mut self, value: &Value) -> String {
        match value {
            Value::Str(lit) => self.str_lit(lit),
            Value::Int(n, _) => n.to_string(),
            Value::Float(f, _) => float(*f),
            Value::Bool(b, _) => b.to_string(),
            Value::Null(_) => "null".to_owned(),
            Value::Word(word) => word.text.clone(),
            Value::List(items, _) => {
                let parts: Vec<String> = items.iter().map(|v| self.value(v)).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Map(entries, _) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", key(&k.text), self.value(v)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Value::Block(settings, _) => {
                let parts: Vec<String> = settings
                    .iter()
                    .map(|s| match &s.value {
                        Some(v) => format!("{}: {}", key(&s.key.text), self.value(v)),
                        None => format!("{}: true", key(&s.key.text)),
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Value::Raw(raw) => self.raw(raw),
        }
    }

    /// A setting's value: several values are written `a, b` (the parser reads them as a
    /// list, as it reads `[a, b]`).
    pub(super) fn setting_value(&mut self, value: &Value) -> String {
        match value {
            Value::List(items, _)
                if items.len() >= 2
                    && items.iter().all(|v| {
                        !matches!(v, Value::List(..) | Value::Map(..) | Value::Block(..))
                    }) =>
            {
                let parts: Vec<String> = items.iter().map(|v| self.value(v)).collect();
                parts.join(", ")
            }
            other => self.value(other),
        }
    }

    /// A string literal, in the form it was written in when that form can hold its value.
    pub(super) fn str_lit(&mut self, lit: &StrLit) -> String {
        if lit.form == StrForm::Block && block_can_hold(&lit.value) {
            let indent = "    ".repeat(self.depth + 1);
            let mut text = String::from("\"\"\"\n");
            for line in lit.value.split('\n') {
                if !line.is_empty() {
                    text.push_str(&indent);
                    text.push_str(line);
                }
                text.push('\n');
            }
            text.push_str(&indent);
            text.push_str("\"\"\"");
            return text;
        }
        quote(&lit.value)
    }

    /// An expression, condition or type: as written, trimmed. Comments inside it are part
    /// of its text.
    pub(super) fn raw(&mut self, raw: &Raw) -> String {
        self.verbatim.push(raw.span);
        raw.text.trim().to_owned()
    }
}

/// Whether a `"""` text block can hold `value` exactly.
pub fn block_can_hold(value: &str) -> bool {
    !value.contains("\"\"\"") && !value.contains('\r') && !value.is_empty()
}

/// `"..."` with the DSL's escapes.
#[must_use]
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float that reads back as a float: `1.0`, `0.15`, `1e300`.
#[must_use]
pub fn float(f: f64) -> String {
    let text = format!("{f:?}");
    if text.contains(['.', 'e', 'E']) || !f.is_finite() {
        text
    } else {
        format!("{text}.0")
    }
}

/// A map key: bare when it is a name, quoted otherwise.
fn key(text: &str) -> String {
    let is_name = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if is_name {
        text.to_owned()
    } else {
        quote(text)
    }
}
