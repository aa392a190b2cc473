//! Python source pieces: string literals, names, JSON values as Python literals, and IR
//! types as the annotations DSPy reads back to the same type (`Optional[int]` is built as
//! `Union[int, None]`, which DSPy renders as `Union[int, NoneType]`, as pipec does).

use std::collections::BTreeSet;

use pipec_ir::{LiteralValue, Type};

/// Python's hard keywords (never valid as a name or attribute).
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A Python string literal (double quotes; UTF-8 kept, control characters escaped).
#[must_use]
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            // Line and paragraph separators end a line in some tools; keep them escaped.
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `snake_case` or `kebab-case` as `CamelCase`.
#[must_use]
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(['_', '-', ' ']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'P');
    }
    out
}

/// A float as a Python literal.
#[must_use]
pub fn float(value: f64) -> String {
    if value.is_nan() {
        "float(\"nan\")".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "float(\"inf\")"
        } else {
            "float(\"-inf\")"
        }
        .into()
    } else {
        // Rust's `{:?}` prints the shortest round-trip digits, always with a `.` or an
        // exponent, which Python reads as the same float.
        format!("{value:?}")
    }
}

/// A JSON value (as text) as a Python literal; text that is not JSON is a string.
#[must_use]
pub fn json_literal(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => value_literal(&value),
        Err(_) => string(text),
    }
}

/// A JSON value as a Python literal.
#[must_use]
pub fn value_literal(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => float(f),
            _ => n.to_string(),
        },
        Value::String(s) => string(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(value_literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k), value_literal(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Names a type annotation needs imported: `typing` names, modules.
#[derive(Debug, Default)]
pub struct Imports {
    /// `from typing import ...`.
    pub typing: BTreeSet<&'static str>,
    /// `import ...` (datetime, decimal, uuid, pathlib).
    pub modules: BTreeSet<String>,
}

/// A type as a Python annotation DSPy turns back into the same type.
#[must_use]
pub fn annotation(ty: &Type, imports: &mut Imports) -> String {
    match ty {
        Type::Any => {
            imports.typing.insert("Any");
            "Any".into()
        }
        Type::Str => "str".into(),
        Type::Int => "int".into(),
        Type::Float => "float".into(),
        Type::Bool => "bool".into(),
        Type::Bytes => "bytes".into(),
        Type::Complex => "complex".into(),
        Type::NoneType | Type::NoneValue => "None".into(),
        Type::List(t) => format!("list[{}]", annotation(t, imports)),
        Type::Dict(k, v) => format!(
            "dict[{}, {}]",
            annotation(k, imports),
            annotation(v, imports)
        ),
        Type::Set(t) => format!("set[{}]", annotation(t, imports)),
        Type::FrozenSet(t) => format!("frozenset[{}]", annotation(t, imports)),
        Type::Tuple(items) if items.is_empty() => "tuple[()]".into(),
        Type::Tuple(items) => format!("tuple[{}]", list(items, imports)),
        Type::VarTuple(t) => format!("tuple[{}, ...]", annotation(t, imports)),
        Type::Bare(c) => c.name().into(),
        Type::Generic(c, args) => format!("{}[{}]", c.name(), list(args, imports)),
        Type::Optional(t) => {
            imports.typing.insert("Union");
            format!("Union[{}, None]", annotation(t, imports))
        }
        Type::Union(members) => {
            imports.typing.insert("Union");
            format!("Union[{}]", list(members, imports))
        }
        Type::Literal(values) => {
            imports.typing.insert("Literal");
            let values: Vec<String> = values.iter().map(literal_value).collect();
            format!("Literal[{}]", values.join(", "))
        }
        Type::Named(n) => n.clone(),
        Type::External(e) => {
            let module = e.path.rsplit_once('.').map_or(e.path.as_str(), |(m, _)| m);
            if module != "dspy" {
                imports.modules.insert(module.to_owned());
            }
            e.path.clone()
        }
        Type::Record(fields) => {
            imports.typing.insert("Any");
            let _ = fields;
            "dict[str, Any]".into()
        }
    }
}

fn list(types: &[Type], imports: &mut Imports) -> String {
    let items: Vec<String> = types.iter().map(|t| annotation(t, imports)).collect();
    items.join(", ")
}

/// A `Literal[...]` value as Python source.
fn literal_value(value: &LiteralValue) -> String {
    match value {
        LiteralValue::Str(s) => string(s),
        LiteralValue::Ellipsis => "...".into(),
        other => other.display(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_python_needs() {
        assert_eq!(string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(string("é\u{1}"), "\"é\\x01\"");
    }

    #[test]
    fn names_and_values() {
        assert_eq!(camel("rag_qa"), "RagQa");
        assert_eq!(camel("9lives"), "P9lives");
        assert_eq!(
            json_literal(r#"{"a": [1, 2.5, null, true]}"#),
            r#"{"a": [1, 2.5, None, True]}"#
        );
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(1e16), "1e16");
    }

    #[test]
    fn annotations_read_back_as_the_same_type() {
        let mut imports = Imports::default();
        let ty = Type::Optional(Box::new(Type::List(Box::new(Type::Int))));
        assert_eq!(annotation(&ty, &mut imports), "Union[list[int], None]");
        assert!(imports.typing.contains("Union"));
    }
}
