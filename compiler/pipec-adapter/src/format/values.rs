//! DSPy's `format_field_value`: how one value is written under its `[[ ## name ## ]]`
//! header.
//!
//! A list in a field typed exactly `str` (untyped fields included) becomes a numbered
//! list of «blobs»; anything else is serialised for JSON and written as `json.dumps`
//! when it is a list or dict, else as Python's `str()` (so strings go in raw, `True`
//! and `None` as Python spells them).

use pipec_ir::Type;

use super::FormatError;
use crate::value::python::str_of;
use crate::value::{Value, json};

/// The text of `value` in a field of type `ty` named `field`.
///
/// # Errors
/// Where DSPy raises: an item of a list in a `str` field that is not a string and that
/// Python's `in` cannot search (`TypeError`) or that matched and has no `.replace`
/// (`AttributeError`).
pub fn format_field_value(field: &str, ty: &Type, value: &Value) -> Result<String, FormatError> {
    match value {
        Value::List(items) if *ty == Type::Str => format_list(field, items),
        Value::List(_) | Value::Object(_) => Ok(json::dumps(value)),
        other => Ok(str_of(other)),
    }
}

/// `_format_input_list_field_value`: `N/A`, one blob, or `[1] «a»` lines.
fn format_list(field: &str, items: &[Value]) -> Result<String, FormatError> {
    match items {
        [] => Ok("N/A".into()),
        [one] => format_blob(field, 0, one),
        many => {
            let lines = many
                .iter()
                .enumerate()
                .map(|(i, item)| Ok(format!("[{}] {}", i + 1, format_blob(field, i, item)?)))
                .collect::<Result<Vec<_>, FormatError>>()?;
            Ok(lines.join("\n"))
        }
    }
}

/// `_format_blob`: `«text»`, or a `«««` block indented four spaces when the text has a
/// line break or a guillemet.
fn format_blob(field: &str, index: usize, item: &Value) -> Result<String, FormatError> {
    let needs_block = |text: &str| text.contains('\n') || text.contains('«') || text.contains('»');
    match item {
        Value::Str(text) if needs_block(text) => {
            Ok(format!("«««\n    {}\n»»»", text.replace('\n', "\n    ")))
        }
        Value::Str(text) => Ok(format!("«{text}»")),
        // `"\n" in blob` searches a list's items and a dict's keys for an exact match;
        // when none matches, the blob is printed with `str()`.
        Value::List(items) if items.iter().any(|i| i.as_str().is_some_and(is_marker)) => {
            Err(no_replace(field, index, "list"))
        }
        Value::Object(map) if map.keys().any(|k| is_marker(k)) => {
            Err(no_replace(field, index, "dict"))
        }
        Value::List(_) | Value::Object(_) => Ok(format!("«{}»", str_of(item))),
        scalar => Err(FormatError::ListItem {
            field: field.to_owned(),
            index,
            exception: "TypeError",
            message: format!(
                "argument of type '{}' is not iterable",
                scalar.python_type_name()
            ),
        }),
    }
}

/// Whether a list item or dict key equals one of the three strings `_format_blob` looks
/// for.
fn is_marker(text: &str) -> bool {
    matches!(text, "\n" | "«" | "»")
}

fn no_replace(field: &str, index: usize, type_name: &str) -> FormatError {
    FormatError::ListItem {
        field: field.to_owned(),
        index,
        exception: "AttributeError",
        message: format!("'{type_name}' object has no attribute 'replace'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json::loads;

    fn fmt(ty: &Type, json: &str) -> String {
        let value = loads(json).unwrap_or(Value::Null);
        format_field_value("f", ty, &value).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn lists_in_str_fields_are_numbered_blobs() {
        assert_eq!(fmt(&Type::Str, "[]"), "N/A");
        assert_eq!(fmt(&Type::Str, r#"["one"]"#), "«one»");
        assert_eq!(
            fmt(&Type::Str, r#"["a", "b\nc", {"k": 1}]"#),
            "[1] «a»\n[2] «««\n    b\n    c\n»»»\n[3] «{'k': 1}»"
        );
    }

    #[test]
    fn non_string_items_fail_as_in_dspy() {
        let value = loads("[1, 2]").unwrap_or(Value::Null);
        let error = format_field_value("numbers", &Type::Str, &value);
        assert!(matches!(
            error,
            Err(FormatError::ListItem {
                exception: "TypeError",
                index: 0,
                ..
            })
        ));
        let value = loads(r#"[["\n"]]"#).unwrap_or(Value::Null);
        assert!(matches!(
            format_field_value("f", &Type::Str, &value),
            Err(FormatError::ListItem {
                exception: "AttributeError",
                ..
            })
        ));
    }

    #[test]
    fn other_values_are_json_or_python_str() {
        let list = Type::List(Box::new(Type::Str));
        assert_eq!(fmt(&list, r#"["Zoë", 1]"#), r#"["Zoë", 1]"#);
        assert_eq!(fmt(&Type::Str, r#"{"k": true}"#), r#"{"k": true}"#);
        assert_eq!(fmt(&Type::Int, "true"), "True");
        assert_eq!(fmt(&Type::Float, "1e-07"), "1e-07");
        assert_eq!(fmt(&Type::Str, "null"), "None");
        assert_eq!(fmt(&list, r#""[1, 2]""#), "[1, 2]");
    }
}
