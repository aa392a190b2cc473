//! Python's `str()` and `repr()` of JSON values, as DSPy prints them: a scalar input
//! is `str(value)` (`True`, `None`, `1e-07`), a list item in a `str` field is
//! `f"«{item}»"` (so a dict item is its `repr`, `{'a': 1}`), and a `str` output of the
//! JSONAdapter is `str(value)` of whatever JSON value the model sent.

use pipec_ir::LiteralValue;
use pipec_ir::dspy::repr::str_repr;

use super::Value;

/// CPython's `repr(float)` (also `str(float)`): shortest round-trip digits, `1e-07`,
/// `1e+16`, `100.0`, `inf`, `nan`.
#[must_use]
pub fn float_repr(value: f64) -> String {
    LiteralValue::Float(value).display()
}

/// `str(value)`.
#[must_use]
pub fn str_of(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        other => repr_of(other),
    }
}

/// `repr(value)`.
#[must_use]
pub fn repr_of(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

fn write_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(i) => out.push_str(i.as_str()),
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) => out.push_str(&str_repr(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&str_repr(key));
                out.push_str(": ");
                write_repr(out, item);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Map, json};

    #[test]
    fn prints_as_python() {
        assert_eq!(str_of(&Value::Bool(true)), "True");
        assert_eq!(str_of(&Value::Null), "None");
        assert_eq!(str_of(&Value::Float(1e-7)), "1e-07");
        assert_eq!(str_of(&Value::Float(1e16)), "1e+16");
        assert_eq!(str_of(&Value::Float(-0.0)), "-0.0");
        assert_eq!(str_of(&Value::str("it's")), "it's");
        let map: Map = [
            ("a".to_owned(), Value::int(1)),
            ("multi".to_owned(), Value::str("line\nvalue")),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            str_of(&Value::Object(map)),
            "{'a': 1, 'multi': 'line\\nvalue'}"
        );
        let list = json::loads(r#"["x", "it's", null, [true]]"#).unwrap_or(Value::Null);
        assert_eq!(repr_of(&list), "['x', \"it's\", None, [True]]");
    }
}
