//! A run's inputs checked against the pipeline's declared `inputs:`: every value fits its
//! type, nothing undeclared is given, and what is left out takes its default (or `None`
//! when its type is optional). Each problem is its own coded error naming the input:
//! P0700 (does not fit), P0701 (missing), P0702 (not declared).
//!
//! Also [`parse_cli_value`], how `pipec run --input name=value` reads a value. This module
//! and the adapter's `schema.rs` are the only runtime code that reads [`Type`].

use pipec_diagnostics::{Code, did_you_mean_help};
use pipec_eval::values_equal;
use pipec_ir::{LiteralValue, Pipeline, Type, TypeDef, TypeDefKind};
use serde_json::{Map, Value};

use crate::executor::RunError;

/// The inputs of a run of `pipeline`, defaults applied.
///
/// # Errors
/// Every problem found, each a [`RunError`] naming its input.
pub fn prepare(
    pipeline: &Pipeline,
    mut given: Map<String, Value>,
) -> Result<Map<String, Value>, Vec<RunError>> {
    let mut errors = Vec::new();
    let names: Vec<&str> = pipeline
        .inputs
        .iter()
        .map(|p| p.name.text.as_str())
        .collect();
    let mut unknown: Vec<&String> = given
        .keys()
        .filter(|k| !names.contains(&k.as_str()))
        .collect();
    unknown.sort();
    for name in unknown {
        let mut error = RunError::new(
            Code::P0702,
            format!("pipeline `{}` has no input `{name}`", pipeline.name.text),
        );
        error.help = did_you_mean_help(name, &names).or_else(|| {
            Some(if names.is_empty() {
                "it declares no inputs".to_owned()
            } else {
                format!(
                    "its inputs are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        });
        errors.push(error);
    }
    let mut prepared = Map::new();
    for param in &pipeline.inputs {
        let name = &param.name.text;
        let value = match given.remove(name) {
            Some(value) => value,
            None => match (&param.default, &param.ty.ty) {
                (Some(default), _) => serde_json::from_str(default).unwrap_or(Value::Null),
                (None, Type::Optional(_)) => Value::Null,
                _ => {
                    errors.push(
                        RunError::new(Code::P0701, format!("input `{name}` is required"))
                            .at(param.name.span)
                            .with_label(format!("declared here as `{}`", param.ty.ty.display()))
                            .with_help(format!("pass it with `--input {name}=...` or in `--inputs '{{\"{name}\": ...}}'`")),
                    );
                    continue;
                }
            },
        };
        match check(value, &param.ty.ty, &pipeline.types) {
            Ok(value) => {
                prepared.insert(name.clone(), value);
            }
            Err(why) => errors.push(
                RunError::new(
                    Code::P0700,
                    format!("input `{name}` is not a `{}`: {why}", param.ty.ty.display()),
                )
                .at(param.ty.span)
                .with_label("the declared type"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(prepared)
    } else {
        Err(errors)
    }
}

/// How `--input name=value` reads `text` for an input of type `ty`: as the text itself
/// for strings and enums (so `--input ticket=hello` needs no quotes), as JSON otherwise
/// (`--input count=3`, `--input tags='["a", "b"]'`), falling back to the text.
#[must_use]
pub fn parse_cli_value(ty: &Type, types: &[TypeDef], text: &str) -> Value {
    if is_textual(ty, types) {
        Value::String(text.to_owned())
    } else {
        serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
    }
}

fn is_textual(ty: &Type, types: &[TypeDef]) -> bool {
    match ty {
        Type::Str => true,
        Type::Literal(options) => options.iter().all(|o| o.as_str().is_some()),
        Type::Optional(inner) => is_textual(inner, types),
        Type::Named(name) => matches!(
            types.iter().find(|t| t.name.text == *name).map(|t| &t.kind),
            Some(TypeDefKind::Enum(_))
        ),
        _ => false,
    }
}

/// `value` checked against `ty` (an `int` passes where a `float` is declared).
///
/// # Errors
/// Why it does not fit, naming the path inside the value.
pub fn check(value: Value, ty: &Type, types: &[TypeDef]) -> Result<Value, String> {
    check_at(value, ty, types, "")
}

fn check_at(value: Value, ty: &Type, types: &[TypeDef], at: &str) -> Result<Value, String> {
    let place = |what: &str| {
        if at.is_empty() {
            what.to_owned()
        } else {
            format!("{what} at `{at}`")
        }
    };
    match (ty, value) {
        (Type::Any, value) => Ok(value),
        (Type::Optional(_), Value::Null) => Ok(Value::Null),
        (Type::Optional(inner), value) => check_at(value, inner, types, at),
        (Type::Str, value @ Value::String(_)) | (Type::Bool, value @ Value::Bool(_)) => Ok(value),
        (Type::Int, Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Value::Number(n)),
        (Type::Float, Value::Number(n)) => Ok(Value::Number(n)),
        (Type::List(inner), Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| check_at(item, inner, types, &format!("{at}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (Type::Dict(_, inner), Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| {
                let path = format!("{at}.{k}");
                check_at(v, inner, types, &path).map(|v| (k, v))
            })
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object),
        (Type::Literal(options), value) => {
            if options.iter().any(|o| literal_matches(o, &value)) {
                Ok(value)
            } else {
                let names: Vec<String> = options.iter().map(LiteralValue::display).collect();
                Err(place(&format!(
                    "{} is not one of {}",
                    short(&value),
                    names.join(", ")
                )))
            }
        }
        (Type::Record(fields), Value::Object(map)) => {
            let fields: Vec<(&str, &Type, bool)> =
                fields.iter().map(|(n, t)| (n.as_str(), t, false)).collect();
            record(map, &fields, types, at)
        }
        (Type::Named(name), value) => {
            match types.iter().find(|t| t.name.text == *name).map(|t| &t.kind) {
                Some(TypeDefKind::Enum(values)) => match value {
                    Value::String(s) if values.iter().any(|v| v.text == s) => Ok(Value::String(s)),
                    other => Err(place(&format!(
                        "{} is not one of {}",
                        short(&other),
                        quoted(values.iter().map(|v| &v.text))
                    ))),
                },
                Some(TypeDefKind::Record(fields)) => match value {
                    Value::Object(map) => {
                        let fields: Vec<(&str, &Type, bool)> = fields
                            .iter()
                            .map(|f| (f.name.text.as_str(), &f.ty.ty, f.default.is_some()))
                            .collect();
                        record(map, &fields, types, at)
                    }
                    other => Err(place(&format!(
                        "expected a `{name}` object, got {}",
                        short(&other)
                    ))),
                },
                None => Ok(value),
            }
        }
        (
            Type::Str
            | Type::Int
            | Type::Float
            | Type::Bool
            | Type::List(_)
            | Type::Dict(..)
            | Type::Record(_),
            other,
        ) => Err(place(&format!(
            "expected `{}`, got {}",
            ty.display(),
            short(&other)
        ))),
        // Types added later are accepted as they are until checked here.
        #[allow(unreachable_patterns, reason = "the Type enum grows")]
        (_, value) => Ok(value),
    }
}

fn record(
    mut map: Map<String, Value>,
    fields: &[(&str, &Type, bool)],
    types: &[TypeDef],
    at: &str,
) -> Result<Value, String> {
    let mut out = Map::new();
    for (name, ty, has_default) in fields {
        let path = format!("{at}.{name}");
        match map.remove(*name) {
            Some(value) => {
                out.insert((*name).to_owned(), check_at(value, ty, types, &path)?);
            }
            None if *has_default || matches!(ty, Type::Optional(_)) => {}
            None => {
                return Err(format!(
                    "field `{}` is missing",
                    path.trim_start_matches('.')
                ));
            }
        }
    }
    if let Some(extra) = map.keys().next() {
        return Err(format!(
            "unknown field `{}`",
            format!("{at}.{extra}").trim_start_matches('.')
        ));
    }
    Ok(Value::Object(out))
}

fn quoted<'a>(values: impl Iterator<Item = &'a String>) -> String {
    values
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short description of a value for messages: `the string "x"`, `the number 3`, `a list`.
fn short(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() <= 40 => {
            format!("the string {value}", value = Value::String(s.clone()))
        }
        Value::String(_) => "a string".to_owned(),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Whether a JSON value is the literal `literal` (`Literal['a', 1, True, None]`).
#[must_use]
pub fn literal_matches(literal: &LiteralValue, value: &Value) -> bool {
    values_equal(&literal_json(literal), value)
}

/// A literal as a JSON value; literals JSON cannot hold (bytes, complex, `...`) as their
/// Python rendering.
#[must_use]
pub fn literal_json(literal: &LiteralValue) -> Value {
    match literal {
        LiteralValue::Str(s) => Value::String(s.clone()),
        LiteralValue::Int(digits) => digits
            .parse::<i64>()
            .map_or_else(|_| Value::String(digits.clone()), Value::from),
        LiteralValue::Bool(b) => Value::Bool(*b),
        LiteralValue::None => Value::Null,
        LiteralValue::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        other => Value::String(other.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_checked_against_types() {
        let list = Type::List(Box::new(Type::Int));
        assert_eq!(check(json!([1, 2]), &list, &[]), Ok(json!([1, 2])));
        let error = check(json!([1, "x"]), &list, &[]).unwrap_err();
        assert_eq!(error, "expected `int`, got the string \"x\" at `[1]`");
        assert!(check(json!(1.5), &Type::Int, &[]).is_err());
        assert_eq!(check(json!(2), &Type::Float, &[]), Ok(json!(2)));
        let literal = Type::Literal(vec![pipec_ir::LiteralValue::Str("a".into())]);
        assert!(check(json!("b"), &literal, &[]).is_err());
        assert_eq!(
            check(Value::Null, &Type::Optional(Box::new(Type::Str)), &[]),
            Ok(Value::Null)
        );
    }

    #[test]
    fn cli_values_are_text_for_strings_and_json_otherwise() {
        assert_eq!(parse_cli_value(&Type::Str, &[], "42"), json!("42"));
        assert_eq!(parse_cli_value(&Type::Int, &[], "42"), json!(42));
        assert_eq!(
            parse_cli_value(&Type::List(Box::new(Type::Str)), &[], "[\"a\"]"),
            json!(["a"])
        );
        assert_eq!(parse_cli_value(&Type::Int, &[], "four"), json!("four"));
    }
}
