//! Values in and out of prompts: an input value as DSPy writes it into a `[[ ## field ## ]]`
//! block, and a model's text (or JSON) read back as a value of the field's type.
//!
//! Reading is tolerant, as DSPy's `parse_value` is: JSON first, then Python literals
//! (`True`, `None`, single quotes), then the type decides (`"yes"` is a bool, a bare word
//! is one of a `Literal`'s options). A value that does not fit the type is an error naming
//! what was expected.

use pipec_ir::{Type, TypeDef, TypeDefKind};
use serde_json::{Map, Number, Value};

use super::schema::{definition, dumps};

/// An input value as text for its block: strings as they are, Python's `True`/`None`, lists
/// of a `str` field as DSPy's numbered `«»` items, other lists and dicts as JSON.
#[must_use]
pub fn format_value(value: &Value, ty: &Type) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Null => "None".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if matches!(ty, Type::Str) => numbered(items),
        other => dumps(other),
    }
}

fn numbered(items: &[Value]) -> String {
    if items.is_empty() {
        return "N/A".to_owned();
    }
    let text = |item: &Value| match item {
        Value::String(s) => s.clone(),
        other => dumps(other),
    };
    if let [only] = items {
        return format!("«{}»", text(only));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| format!("[{}] «{}»", i + 1, text(item)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A field's value read from the model's text.
///
/// # Errors
/// A message saying what the type expected.
pub fn parse_text(text: &str, ty: &Type, types: &[TypeDef]) -> Result<Value, String> {
    let text = text.trim();
    match ty {
        Type::Str => Ok(Value::String(text.to_owned())),
        Type::Optional(inner) => {
            if matches!(text, "" | "None" | "null" | "none") {
                Ok(Value::Null)
            } else {
                parse_text(text, inner, types)
            }
        }
        Type::Bool => parse_bool(text),
        Type::Int => parse_int(text),
        Type::Float => parse_float(text),
        Type::Literal(options) => {
            let names: Vec<String> = options
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.display(), str::to_owned))
                .collect();
            choose(text, names.iter().map(String::as_str))
        }
        Type::Named(name) => match definition(types, name) {
            Some(TypeDefKind::Enum(values)) => choose(text, values.iter().map(|v| v.text.as_str())),
            _ => coerce(loads(text)?, ty, types),
        },
        Type::Any => Ok(loads(text).unwrap_or_else(|_| Value::String(text.to_owned()))),
        _ => coerce(loads(text)?, ty, types),
    }
}

/// A JSON value (from the JSON adapter, or parsed text) checked and converted to `ty`.
///
/// # Errors
/// A message saying what the type expected.
pub fn coerce(value: Value, ty: &Type, types: &[TypeDef]) -> Result<Value, String> {
    match (ty, value) {
        (Type::Optional(_), Value::Null) => Ok(Value::Null),
        (Type::Optional(inner), value) => coerce(value, inner, types),
        (Type::Any, value) => Ok(value),
        (Type::Str, Value::String(s)) => Ok(Value::String(s)),
        (Type::Str, value @ (Value::Number(_) | Value::Bool(_))) => {
            Ok(Value::String(value.to_string()))
        }
        (Type::List(inner), Value::Array(items)) => items
            .into_iter()
            .map(|item| coerce(item, inner, types))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (Type::Dict(_, inner), Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| coerce(v, inner, types).map(|v| (k, v)))
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object),
        (Type::Record(fields), Value::Object(map)) => {
            let fields: Vec<(&str, &Type, Option<Value>)> = fields
                .iter()
                .map(|(name, ty)| (name.as_str(), ty, None))
                .collect();
            record(map, &fields, types)
        }
        (Type::Named(name), value) => match definition(types, name) {
            Some(TypeDefKind::Enum(values)) => match value {
                Value::String(s) => choose(&s, values.iter().map(|v| v.text.as_str())),
                other => Err(format!("expected one of `{name}`'s values, got {other}")),
            },
            Some(TypeDefKind::Record(fields)) => match value {
                Value::Object(map) => {
                    let fields: Vec<(&str, &Type, Option<Value>)> = fields
                        .iter()
                        .map(|f| {
                            let default = f
                                .default
                                .as_deref()
                                .and_then(|d| serde_json::from_str(d).ok());
                            (f.name.text.as_str(), &f.ty.ty, default)
                        })
                        .collect();
                    record(map, &fields, types)
                }
                other => Err(format!("expected a `{name}` object, got {}", kind(&other))),
            },
            None => Ok(value),
        },
        // Scalars written as text (`"3"`, `"true"`), and JSON written inside a string.
        (ty, Value::String(text)) if !matches!(ty, Type::Str) => parse_text(&text, ty, types),
        (Type::Int, Value::Number(n)) => int_of(&n).map(Value::from),
        (Type::Float, Value::Number(n)) => Ok(Value::Number(n)),
        (Type::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (Type::Literal(options), value) => {
            if options
                .iter()
                .any(|o| crate::inputs::literal_matches(o, &value))
            {
                Ok(value)
            } else {
                let names: Vec<String> = options.iter().map(|o| o.display()).collect();
                Err(format!("expected one of {}, got {value}", names.join(", ")))
            }
        }
        (ty, value) => Err(format!("expected `{}`, got {}", ty.display(), kind(&value))),
    }
}

fn record(
    mut map: Map<String, Value>,
    fields: &[(&str, &Type, Option<Value>)],
    types: &[TypeDef],
) -> Result<Value, String> {
    let mut out = Map::new();
    for (name, ty, default) in fields {
        let value = match map.remove(*name) {
            Some(value) => coerce(value, ty, types).map_err(|e| format!("field `{name}`: {e}"))?,
            None => match (default, ty) {
                (Some(default), _) => default.clone(),
                (None, Type::Optional(_)) => Value::Null,
                _ => return Err(format!("field `{name}` is missing")),
            },
        };
        out.insert((*name).to_owned(), value);
    }
    Ok(Value::Object(out))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn parse_bool(text: &str) -> Result<Value, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" | "y" | "t" => Ok(Value::Bool(true)),
        "false" | "no" | "0" | "off" | "n" | "f" => Ok(Value::Bool(false)),
        _ => Err(format!("expected True or False, got `{text}`")),
    }
}

fn parse_int(text: &str) -> Result<Value, String> {
    if let Ok(i) = text.parse::<i64>() {
        return Ok(Value::from(i));
    }
    match text.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            #[allow(clippy::cast_possible_truncation, reason = "integral and in range")]
            let i = f as i64;
            Ok(Value::from(i))
        }
        _ => Err(format!("expected an integer, got `{text}`")),
    }
}

fn int_of(n: &Number) -> Result<i64, String> {
    match parse_int(&n.to_string())? {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("expected an integer, got {n}")),
        other => Err(format!("expected an integer, got {other}")),
    }
}

fn parse_float(text: &str) -> Result<Value, String> {
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("expected a number, got `{text}`"))
}

/// One of `options`, accepting `x`, `'x'`, `"x"`, `Literal[x]` and `str[x]` as DSPy does.
fn choose<'a>(
    text: &str,
    mut options: impl Iterator<Item = &'a str> + Clone,
) -> Result<Value, String> {
    let mut bare = text.trim();
    for wrapper in ["Literal[", "str["] {
        if let Some(inner) = bare.strip_prefix(wrapper).and_then(|t| t.strip_suffix(']')) {
            bare = inner.trim();
        }
    }
    let unquoted = bare
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .or_else(|| bare.strip_prefix('"').and_then(|t| t.strip_suffix('"')))
        .unwrap_or(bare);
    if let Some(found) = options.clone().find(|o| *o == unquoted) {
        return Ok(Value::String(found.to_owned()));
    }
    let list: Vec<&str> = options.by_ref().collect();
    Err(format!("expected one of {}, got `{text}`", list.join(", ")))
}

/// JSON, or a Python literal (`True`, `None`, `'single quotes'`) turned into JSON.
///
/// # Errors
/// The text is neither.
pub fn loads(text: &str) -> Result<Value, String> {
    let text = text.trim();
    let text = strip_fence(text);
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    serde_json::from_str(&python_to_json(text))
        .map_err(|e| format!("not JSON or a Python literal ({e}): `{}`", clip(text)))
}

/// The body of a ```` ```json ... ``` ```` fence, or the text.
fn strip_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let rest = rest.split_once('\n').map_or(rest, |(_, body)| body);
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

fn clip(text: &str) -> String {
    let clipped: String = text.chars().take(80).collect();
    if clipped.len() < text.len() {
        format!("{clipped}…")
    } else {
        clipped
    }
}

/// Python literal syntax to JSON: single-quoted strings become double-quoted, `True`,
/// `False` and `None` become `true`, `false` and `null` (outside strings), tuples' `(`/`)`
/// become brackets.
fn python_to_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push('"');
                let quote = c;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(next) = chars.next() {
                                if next == '\'' {
                                    out.push('\'');
                                } else {
                                    out.push('\\');
                                    out.push(next);
                                }
                            }
                        }
                        '"' if quote == '\'' => out.push_str("\\\""),
                        c if c == quote => break,
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            '(' => out.push('['),
            ')' => out.push(']'),
            c if c.is_ascii_alphabetic() => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_ascii_alphanumeric() || next == '_' {
                        word.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push_str(match word.as_str() {
                    "True" => "true",
                    "False" => "false",
                    "None" => "null",
                    other => other,
                });
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_parse_by_type() {
        assert_eq!(parse_text(" True ", &Type::Bool, &[]), Ok(json!(true)));
        assert_eq!(parse_text("yes", &Type::Bool, &[]), Ok(json!(true)));
        assert_eq!(parse_text("3", &Type::Int, &[]), Ok(json!(3)));
        assert_eq!(parse_text("3.0", &Type::Int, &[]), Ok(json!(3)));
        assert!(parse_text("3.5", &Type::Int, &[]).is_err());
        assert_eq!(parse_text("0.5", &Type::Float, &[]), Ok(json!(0.5)));
        let literal = Type::Literal(vec![
            pipec_ir::LiteralValue::Str("bug".into()),
            pipec_ir::LiteralValue::Str("feature".into()),
        ]);
        assert_eq!(parse_text("'bug'", &literal, &[]), Ok(json!("bug")));
        assert_eq!(
            parse_text("Literal[feature]", &literal, &[]),
            Ok(json!("feature"))
        );
        assert!(parse_text("question", &literal, &[]).is_err());
        let optional = Type::Optional(Box::new(Type::Int));
        assert_eq!(parse_text("None", &optional, &[]), Ok(Value::Null));
    }

    #[test]
    fn containers_accept_json_and_python_literals() {
        let list = Type::List(Box::new(Type::Int));
        assert_eq!(parse_text("[1, 2]", &list, &[]), Ok(json!([1, 2])));
        assert_eq!(parse_text("(1, 2)", &list, &[]), Ok(json!([1, 2])));
        assert!(parse_text("[1, \"x\"]", &list, &[]).is_err());
        let dict = Type::Dict(Box::new(Type::Str), Box::new(Type::Bool));
        assert_eq!(
            parse_text(
                "{'a': True, 'it\\'s': None}",
                &Type::Dict(
                    Box::new(Type::Str),
                    Box::new(Type::Optional(Box::new(Type::Bool))),
                ),
                &[]
            ),
            Ok(json!({"a": true, "it's": null}))
        );
        assert_eq!(
            parse_text("```json\n{\"a\": false}\n```", &dict, &[]),
            Ok(json!({"a": false}))
        );
        let record = Type::Record(vec![
            ("n".into(), Type::Int),
            ("s".into(), Type::Optional(Box::new(Type::Str))),
        ]);
        assert_eq!(
            parse_text(r#"{"n": "4"}"#, &record, &[]),
            Ok(json!({"n": 4, "s": null}))
        );
        assert!(parse_text(r#"{"s": "x"}"#, &record, &[]).is_err());
    }

    #[test]
    fn inputs_are_written_as_dspy_writes_them() {
        assert_eq!(format_value(&json!(true), &Type::Bool), "True");
        assert_eq!(format_value(&json!(null), &Type::Any), "None");
        assert_eq!(
            format_value(&json!(["a", "b"]), &Type::Str),
            "[1] «a»\n[2] «b»"
        );
        assert_eq!(format_value(&json!(["a"]), &Type::Str), "«a»");
        assert_eq!(
            format_value(&json!({"k": [1, 2]}), &Type::Any),
            r#"{"k": [1, 2]}"#
        );
    }
}
