//! data_transform (pipeline_ex's `DataTransform` step and `Data.Transformer`), operation by
//! operation as its code does them:
//!
//! - `input_source`: `previous_response:STEP[:field.path]`, `context:field`, or a name (a
//!   variable, else a step result); nothing found stops the step.
//! - `filter` (`field`, `condition` like `priority == 'high'`: the first of `==`, `!=`, `>=`,
//!   `<=`, `>`, `<`, `contains` in the text splits it once; the left side is `value` (the
//!   field's value), a dotted path in the item, or a name in the item (else the value); the
//!   right side a literal; no operator: the left side's truthiness), `map` (`field` with a
//!   `mapping` of value text → new value, or `expression` uppercase/lowercase; no field:
//!   the mapping merged into each item), `aggregate` (`field`, `function` sum (default),
//!   average, count, max, min, first, last, unique), `join` (`left_field`, `right_source`,
//!   `join_key`: each item merged with the first right item whose key matches), `group_by`
//!   (`field`: groups by the value's text), `sort` (`field`, `order` asc/desc, stable).
//!   Values compare in Erlang's term order (numbers < atoms such as `nil` and booleans <
//!   maps < lists < strings).
//! - `lazy.enabled`, or a list of more than 1000 items, takes pipeline_ex's lazy path, which
//!   differs: filter understands only `FIELD OP VALUE` on the step's `field` (anything else
//!   keeps the item), map only `mapping`, sort reverses for desc, and any other operation's
//!   result is flattened into a list.
//! - `output_format`: json (text), string, count; the result is
//!   `{<output_field or step name>: data, metadata: {operation_count, input_type,
//!   output_type, processed_at}}`.

use std::cmp::Ordering;

use pipec_diagnostics::Code;
use serde_json::{Map, Number, Value, json};

use super::Prepared;
use super::context::text;
use crate::executor::error::RunError;
use crate::executor::program::Program;

/// Lists longer than this take the lazy path.
const LAZY_THRESHOLD: usize = 1000;

/// Runs a data_transform step.
///
/// # Errors
/// P0724 when the input is not found or an operation fails.
pub fn run(program: &Program, prepared: &Prepared) -> Result<Value, RunError> {
    let raw = &prepared.raw;
    let source = raw
        .get("input_source")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let input = resolve_input(source, prepared).ok_or_else(|| {
        let error = RunError::new(Code::P0724, format!("Input source '{source}' not found"))
            .with_label("nothing here");
        prepared
            .at_key(program, "input_source", error)
            .with_help("name a step that ran before this one: `previous_response:STEP` or `STEP`")
    })?;
    let operations: Vec<Value> = raw
        .get("operations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let lazy = raw
        .get("lazy")
        .and_then(|l| l.get("enabled"))
        .and_then(Value::as_bool)
        == Some(true)
        || input
            .as_array()
            .is_some_and(|items| items.len() > LAZY_THRESHOLD);
    let transformed = if operations.is_empty() {
        input.clone()
    } else if lazy {
        lazy_transform(&input, &operations, prepared)?
    } else {
        let mut data = input.clone();
        for op in &operations {
            data = apply(&data, op, prepared)?;
        }
        data
    };
    let result = match raw.get("output_format").and_then(Value::as_str) {
        Some("json") => Value::String(transformed.to_string()),
        Some("string") => Value::String(text(&transformed)),
        Some("count") => json!(transformed.as_array().map_or(1, Vec::len)),
        _ => transformed,
    };
    let field = raw
        .get("output_field")
        .and_then(Value::as_str)
        .or_else(|| raw.get("name").and_then(Value::as_str))
        .unwrap_or("result");
    let mut out = Map::new();
    out.insert(
        "metadata".to_owned(),
        json!({
            "operation_count": operations.len(),
            "input_type": type_of(&input),
            "output_type": type_of(&result),
            "processed_at": now_iso8601(),
        }),
    );
    out.insert(field.to_owned(), result);
    Ok(Value::Object(out))
}

fn resolve_input(source: &str, prepared: &Prepared) -> Option<Value> {
    let results = &prepared.ctx.results;
    let mut parts = source.splitn(3, ':');
    let found = match (parts.next(), parts.next(), parts.next()) {
        (Some("previous_response"), Some(step), Some(field)) => {
            results.get(step).and_then(|r| nested(r, field)).cloned()
        }
        (Some("previous_response"), Some(step), None) => results.get(step).cloned(),
        (Some("context"), Some(field), None) => {
            let context = json!({"results": results, "global_vars": prepared.ctx.globals});
            nested(&context, field).cloned()
        }
        (Some(name), None, None) => prepared
            .ctx
            .vars
            .get(name)
            .filter(|v| !v.is_null())
            .or_else(|| results.get(name))
            .cloned(),
        _ => None,
    };
    found.filter(|v| !v.is_null())
}

/// A dotted path into maps only (pipeline_ex's `get_nested_field`).
fn nested<'v>(value: &'v Value, field: &str) -> Option<&'v Value> {
    let mut current = value;
    for key in field.split('.') {
        current = current.as_object()?.get(key)?;
    }
    Some(current)
}

fn field_of(item: &Value, field: Option<&str>) -> Value {
    field.map_or(Value::Null, |f| {
        nested(item, f).cloned().unwrap_or(Value::Null)
    })
}

fn op_str<'o>(op: &'o Value, key: &str) -> Option<&'o str> {
    op.get(key).and_then(Value::as_str)
}

/// One operation of the eager path.
fn apply(data: &Value, op: &Value, prepared: &Prepared) -> Result<Value, RunError> {
    let field = op_str(op, "field");
    let fail = |what: &str, why: String| {
        RunError::new(Code::P0724, format!("{what} operation failed: {why}"))
    };
    match op_str(op, "operation").unwrap_or_default() {
        "filter" => {
            let condition = op_str(op, "condition").unwrap_or_default();
            Ok(match data {
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .filter(|item| holds(item, field, condition))
                        .cloned()
                        .collect(),
                ),
                other => {
                    if holds(other, field, condition) {
                        other.clone()
                    } else {
                        Value::Null
                    }
                }
            })
        }
        "map" => {
            let mapping = op.get("mapping").and_then(Value::as_object);
            let expression = op_str(op, "expression");
            let one = |item: &Value| map_item(item, field, mapping, expression);
            Ok(match data {
                Value::Array(items) => Value::Array(items.iter().map(one).collect()),
                other => one(other),
            })
        }
        "aggregate" => {
            let function = op_str(op, "function").unwrap_or("sum");
            let values: Vec<Value> = match data {
                Value::Array(items) => match field {
                    Some(_) => items
                        .iter()
                        .map(|i| field_of(i, field))
                        .filter(|v| !v.is_null())
                        .collect(),
                    None => items.clone(),
                },
                other => vec![if field.is_some() {
                    field_of(other, field)
                } else {
                    other.clone()
                }],
            };
            Ok(aggregate(&values, function))
        }
        "join" => {
            let join_key = op_str(op, "join_key").unwrap_or_default();
            let left = op_str(op, "left_field").unwrap_or(join_key);
            let right =
                resolve_join_source(op_str(op, "right_source").unwrap_or_default(), prepared);
            let one = |item: &Value| {
                let target = nested(item, left).cloned().unwrap_or(Value::Null);
                let matched = match &right {
                    Value::Array(rs) => rs
                        .iter()
                        .find(|r| equal(&field_of(r, Some(join_key)), &target)),
                    r @ Value::Object(_) if equal(&field_of(r, Some(join_key)), &target) => Some(r),
                    _ => None,
                };
                match (item, matched) {
                    (Value::Object(a), Some(Value::Object(b))) => {
                        let mut merged = a.clone();
                        merged.extend(b.clone());
                        Value::Object(merged)
                    }
                    _ => item.clone(),
                }
            };
            match data {
                Value::Array(items) => Ok(Value::Array(items.iter().map(one).collect())),
                Value::Object(_) => Ok(one(data)),
                _ => Err(fail(
                    "Join",
                    "the data is not a map or a list of maps".to_owned(),
                )),
            }
        }
        "group_by" => Ok(match data {
            Value::Array(items) => {
                let mut groups: Map<String, Value> = Map::new();
                for item in items {
                    let key = text(&field_of(item, field));
                    if let Value::Array(group) = groups.entry(key).or_insert_with(|| json!([])) {
                        group.push(item.clone());
                    }
                }
                Value::Object(groups)
            }
            other => json!({"default": other}),
        }),
        "sort" => Ok(match data {
            Value::Array(items) => {
                let mut sorted = items.clone();
                let desc = op_str(op, "order") == Some("desc");
                sorted.sort_by(|a, b| {
                    let order = term_order(&field_of(a, field), &field_of(b, field));
                    if desc { order.reverse() } else { order }
                });
                Value::Array(sorted)
            }
            other => other.clone(),
        }),
        other => Err(RunError::new(
            Code::P0724,
            format!("Unknown operation: {other}"),
        )),
    }
}

fn resolve_join_source(source: &str, prepared: &Prepared) -> Value {
    let results = &prepared.ctx.results;
    let found = match source.split_once(':') {
        Some(("previous_response", step)) => results.get(step).cloned(),
        Some(("context", field)) => {
            let context = json!({"results": results});
            nested(&context, field).cloned()
        }
        Some(_) => None,
        None => results.get(source).cloned(),
    };
    found.filter(|v| !v.is_null()).unwrap_or_else(|| json!([]))
}

/// The eager filter's condition.
fn holds(item: &Value, field: Option<&str>, condition: &str) -> bool {
    let value = match field {
        Some(f) => field_of(item, Some(f)),
        None => item.clone(),
    };
    let resolve = |expr: &str| -> Value {
        if expr == "value" {
            return value.clone();
        }
        let found = nested(item, expr).cloned().unwrap_or(Value::Null);
        if expr.contains('.') || truthy(&found) {
            found
        } else {
            value.clone()
        }
    };
    for op in ["==", "!=", ">=", "<=", ">", "<", "contains"] {
        if let Some((left, right)) = condition.split_once(op) {
            let left = resolve(left.trim());
            let right = literal(right.trim());
            return match op {
                "==" => equal(&left, &right),
                "!=" => !equal(&left, &right),
                ">=" => term_order(&left, &right) != Ordering::Less,
                "<=" => term_order(&left, &right) != Ordering::Greater,
                ">" => term_order(&left, &right) == Ordering::Greater,
                "<" => term_order(&left, &right) == Ordering::Less,
                _ => contains(&left, &right),
            };
        }
    }
    truthy(&resolve(condition))
}

/// `parse_literal_value`: quoted strings, integers, decimals, booleans, null/nil, else text.
fn literal(text: &str) -> Value {
    let quoted = |q: char| text.len() >= 2 && text.starts_with(q) && text.ends_with(q);
    if quoted('\'') || quoted('"') {
        return Value::String(text[1..text.len() - 1].to_owned());
    }
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = text.parse::<i64>()
    {
        return json!(n);
    }
    if let Some((whole, frac)) = text.split_once('.')
        && !whole.is_empty()
        && !frac.is_empty()
        && whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
        && let Ok(f) = text.parse::<f64>()
    {
        return Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" | "nil" => Value::Null,
        other => Value::String(other.to_owned()),
    }
}

/// Elixir's truthiness: only `nil` and `false` are false.
fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
}

/// Elixir's `==` (numbers by value).
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn contains(haystack: &Value, needle: &Value) -> bool {
    match (haystack, needle) {
        (Value::Array(items), _) => items.iter().any(|i| equal(i, needle)),
        (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
        _ => false,
    }
}

/// Erlang's term order, as Elixir's comparisons and `sort_by` use it.
fn term_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Number(_) => 0,
            Value::Null | Value::Bool(_) => 1,
            Value::Object(_) => 2,
            Value::Array(_) => 3,
            Value::String(_) => 4,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        // Atoms compare by name: false < nil < true.
        (Value::Null | Value::Bool(_), Value::Null | Value::Bool(_)) => {
            let name = |v: &Value| match v {
                Value::Bool(false) => 0,
                Value::Null => 1,
                _ => 2,
            };
            name(a).cmp(&name(b))
        }
        (Value::Array(x), Value::Array(y)) => x
            .iter()
            .zip(y)
            .map(|(p, q)| term_order(p, q))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn map_item(
    item: &Value,
    field: Option<&str>,
    mapping: Option<&Map<String, Value>>,
    expression: Option<&str>,
) -> Value {
    if let Some(mapping) = mapping {
        return match field {
            Some(f) => {
                let current = field_of(item, Some(f));
                let new = mapping.get(&text(&current)).cloned().unwrap_or(current);
                set_nested(item, f, new)
            }
            None => match item {
                Value::Object(map) => {
                    let mut merged = map.clone();
                    merged.extend(mapping.clone());
                    Value::Object(merged)
                }
                other => other.clone(),
            },
        };
    }
    match (expression, field) {
        (Some(e @ ("uppercase" | "lowercase")), Some(f)) => match field_of(item, Some(f)) {
            Value::String(s) => {
                let changed = if e == "uppercase" {
                    s.to_uppercase()
                } else {
                    s.to_lowercase()
                };
                set_nested(item, f, Value::String(changed))
            }
            _ => item.clone(),
        },
        _ => item.clone(),
    }
}

/// `item` with the dotted `field` set (maps created on the way); not a map: unchanged.
fn set_nested(item: &Value, field: &str, value: Value) -> Value {
    let Value::Object(_) = item else {
        return item.clone();
    };
    let mut out = item.clone();
    let keys: Vec<&str> = field.split('.').collect();
    let mut current = &mut out;
    for (i, key) in keys.iter().enumerate() {
        let Value::Object(map) = current else { break };
        if i + 1 == keys.len() {
            map.insert((*key).to_owned(), value);
            break;
        }
        current = map.entry((*key).to_owned()).or_insert_with(|| json!({}));
    }
    out
}

fn aggregate(values: &[Value], function: &str) -> Value {
    let numbers: Vec<&Number> = values.iter().filter_map(|v| v.as_number()).collect();
    let all_int = numbers.iter().all(|n| n.is_i64());
    let sum_f: f64 = numbers.iter().filter_map(|n| n.as_f64()).sum();
    let as_value = |f: f64, int: bool| {
        if int && f.fract() == 0.0 && f.abs() < 9.0e15 {
            #[allow(clippy::cast_possible_truncation, reason = "whole and small")]
            return json!(f as i64);
        }
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    };
    match function {
        "sum" => as_value(sum_f, all_int),
        "average" => {
            if numbers.is_empty() {
                json!(0)
            } else {
                #[allow(clippy::cast_precision_loss, reason = "counts are small")]
                let n = numbers.len() as f64;
                Number::from_f64(sum_f / n).map_or(Value::Null, Value::Number)
            }
        }
        "count" => json!(values.len()),
        "max" | "min" => {
            let pick = numbers
                .iter()
                .filter_map(|n| n.as_f64().map(|f| (f, n.is_i64())))
                .reduce(|a, b| {
                    let better = if function == "max" {
                        b.0 > a.0
                    } else {
                        b.0 < a.0
                    };
                    if better { b } else { a }
                });
            pick.map_or(json!(0), |(f, int)| as_value(f, int))
        }
        "first" => values.first().cloned().unwrap_or(Value::Null),
        "last" => values.last().cloned().unwrap_or(Value::Null),
        "unique" => {
            let mut seen: Vec<Value> = Vec::new();
            for v in values {
                if !seen
                    .iter()
                    .any(|s| equal(s, v) && s.is_number() == v.is_number())
                {
                    seen.push(v.clone());
                }
            }
            Value::Array(seen)
        }
        _ => Value::Array(values.to_vec()),
    }
}

/// pipeline_ex's lazy path.
fn lazy_transform(
    input: &Value,
    operations: &[Value],
    prepared: &Prepared,
) -> Result<Value, RunError> {
    let mut items: Vec<Value> = match input {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for op in operations {
        let field = op_str(op, "field").unwrap_or_default();
        items = match op_str(op, "operation").unwrap_or_default() {
            "filter" => {
                let condition = op_str(op, "condition").unwrap_or_default();
                items
                    .into_iter()
                    .filter(|i| lazy_holds(i, field, condition))
                    .collect()
            }
            "map" => {
                let empty = Map::new();
                let mapping = op
                    .get("mapping")
                    .and_then(Value::as_object)
                    .unwrap_or(&empty);
                items
                    .into_iter()
                    .map(|item| {
                        if !item.is_object() {
                            return item;
                        }
                        let current = field_of(&item, Some(field));
                        let new = mapping.get(&text(&current)).cloned().unwrap_or(current);
                        set_nested(&item, field, new)
                    })
                    .collect()
            }
            "sort" => {
                items.sort_by(|a, b| {
                    term_order(&field_of(a, Some(field)), &field_of(b, Some(field)))
                });
                if op_str(op, "order") == Some("desc") {
                    items.reverse();
                }
                items
            }
            _ => match apply(&Value::Array(items), op, prepared) {
                Ok(Value::Array(list)) => list,
                Ok(other) => vec![other],
                Err(_) => Vec::new(),
            },
        };
    }
    Ok(Value::Array(items))
}

/// The lazy filter: `FIELD OP VALUE` on the step's field only; anything else keeps the item.
fn lazy_holds(item: &Value, field: &str, condition: &str) -> bool {
    let value = field_of(item, Some(field));
    let mut words = condition.splitn(3, ' ');
    let (Some(name), Some(op), Some(target)) = (words.next(), words.next(), words.next()) else {
        return true;
    };
    if name != field {
        return true;
    }
    let target = target.trim_matches(['\'', '"']);
    match op {
        "==" => text(&value) == target,
        "!=" => text(&value) != target,
        ">" => match (value.as_f64(), target.parse::<f64>()) {
            (Some(v), Ok(t)) => v > t,
            _ => false,
        },
        _ => true,
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "list",
        Value::Object(_) => "map",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
    }
}

/// Now as ISO 8601 in UTC, as Elixir's `DateTime.to_iso8601` prints it.
fn now_iso8601() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let micros = now.subsec_micros();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
