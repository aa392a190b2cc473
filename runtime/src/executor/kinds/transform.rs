//! `transform`: the `input` value put through the built-in operations in order.
//!
//! | op | does |
//! |---|---|
//! | `filter` | keeps the items for which `where` holds, with `item` bound to the item (to `item[field]` when `field` is given) |
//! | `map`, `pluck` | each item's `field` (`null` where it has none) |
//! | `sort` | by the items (or their `field`), `asc` or `desc`; numbers before strings, stable |
//! | `take` | the first `count` items |
//! | `unique` | first occurrences, comparing the items (or their `field`) |
//! | `flatten` | lists of lists become one list (one level) |
//! | `group_by` | a dict from each `field` value (as text) to its items, in first-seen order |
//! | `aggregate` | `sum`, `average`, `count`, `max`, `min`, `first`, `last` or `unique` of the items (or their `field`) |
//! | `join` | without `field`, the list followed by `source`'s; with it, each item merged with the first `source` item whose `field` is equal |
//!
//! Every operation works on a list; another value is P0716.

use std::cmp::Ordering;

use pipec_diagnostics::Code;
use pipec_eval::{MapScope, Scope, to_text, values_equal};
use pipec_ir::{Pipeline, TransformOp};
use pipec_syntax::expr::Expr;
use serde_json::{Map, Value};

use super::map::describe;
use crate::executor::error::RunError;
use crate::executor::evaluate;

/// Runs a `transform` step.
///
/// # Errors
/// P0710 for an expression, P0716 for an operation applied to the wrong kind of value.
pub fn run(
    pipeline: &Pipeline,
    input: Option<&Expr>,
    ops: &[TransformOp],
    scope: &MapScope,
) -> Result<Value, RunError> {
    let mut value = match input {
        Some(input) => evaluate::expr(input, scope, pipeline)?,
        None => Value::Null,
    };
    for op in ops {
        value = apply(pipeline, op, value, scope)?;
    }
    Ok(value)
}

fn apply(
    pipeline: &Pipeline,
    op: &TransformOp,
    value: Value,
    scope: &MapScope,
) -> Result<Value, RunError> {
    let name = op.operation.text.as_str();
    let wrong = |what: &str| {
        RunError::new(Code::P0716, format!("`{name}` {what}"))
            .at(op.operation.span)
            .with_label(format!("this `{name}`"))
    };
    let field = op.field.as_ref().map(|f| f.text.as_str());
    let items = match value {
        Value::Array(items) => items,
        other => {
            return Err(wrong(&format!("works on a list, not {}", describe(&other))));
        }
    };
    let keyed = |item: &Value| match field {
        Some(field) => item.get(field).cloned().unwrap_or(Value::Null),
        None => item.clone(),
    };
    Ok(match name {
        "filter" => {
            let mut kept = Vec::with_capacity(items.len());
            for item in items {
                let bound = keyed(&item);
                let keep = match &op.condition {
                    Some(condition) => {
                        let scope = WithItem {
                            inner: scope,
                            item: &bound,
                        };
                        evaluate::holds(condition, &scope, pipeline)?
                    }
                    None => pipec_eval::is_truthy(&bound),
                };
                if keep {
                    kept.push(item);
                }
            }
            Value::Array(kept)
        }
        "map" | "pluck" => Value::Array(items.iter().map(keyed).collect()),
        "sort" => {
            let mut items = items;
            items.sort_by(|a, b| order(&keyed(a), &keyed(b)));
            if op.order.as_ref().is_some_and(|o| o.text == "desc") {
                items.reverse();
            }
            Value::Array(items)
        }
        "take" => {
            let count = op
                .count
                .and_then(|c| usize::try_from(c).ok())
                .unwrap_or(usize::MAX);
            Value::Array(items.into_iter().take(count).collect())
        }
        "unique" => {
            let mut seen: Vec<Value> = Vec::new();
            let mut kept = Vec::new();
            for item in items {
                let key = keyed(&item);
                if !seen.iter().any(|s| values_equal(s, &key)) {
                    seen.push(key);
                    kept.push(item);
                }
            }
            Value::Array(kept)
        }
        "flatten" => Value::Array(
            items
                .into_iter()
                .flat_map(|item| match item {
                    Value::Array(inner) => inner,
                    other => vec![other],
                })
                .collect(),
        ),
        "group_by" => {
            let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
            for item in items {
                let key = to_text(&keyed(&item));
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, group)) => group.push(item),
                    None => groups.push((key, vec![item])),
                }
            }
            Value::Object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::Array(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        "aggregate" => {
            let values: Vec<Value> = items.iter().map(keyed).collect();
            let function = op.function.as_ref().map_or("count", |f| f.text.as_str());
            aggregate(function, values).map_err(|why| wrong(&why))?
        }
        "join" => {
            let source = match &op.source {
                Some(source) => evaluate::expr(source, scope, pipeline)?,
                None => Value::Array(Vec::new()),
            };
            let Value::Array(right) = source else {
                return Err(wrong(&format!(
                    "needs a list `source`, not {}",
                    describe(&source)
                )));
            };
            match field {
                None => Value::Array(items.into_iter().chain(right).collect()),
                Some(field) => Value::Array(
                    items
                        .into_iter()
                        .map(|item| {
                            let key = item.get(field).cloned().unwrap_or(Value::Null);
                            let partner = right
                                .iter()
                                .find(|r| r.get(field).is_some_and(|k| values_equal(k, &key)));
                            match (item, partner) {
                                (Value::Object(mut left), Some(Value::Object(other))) => {
                                    for (k, v) in other {
                                        left.entry(k.clone()).or_insert_with(|| v.clone());
                                    }
                                    Value::Object(left)
                                }
                                (item, _) => item,
                            }
                        })
                        .collect(),
                ),
            }
        }
        other => return Err(wrong(&format!("is not a known operation (`{other}`)"))),
    })
}

fn aggregate(function: &str, values: Vec<Value>) -> Result<Value, String> {
    let numbers = || -> Result<Vec<f64>, String> {
        values
            .iter()
            .map(|v| {
                v.as_f64().ok_or_else(|| {
                    format!(
                        "`{function}` needs numbers, and one item is {}",
                        describe(v)
                    )
                })
            })
            .collect()
    };
    let all_ints = values.iter().all(|v| v.as_i64().is_some());
    Ok(match function {
        "count" => Value::from(values.len()),
        "sum" if all_ints => Value::from(values.iter().filter_map(Value::as_i64).sum::<i64>()),
        "sum" => number(numbers()?.iter().sum()),
        "average" => {
            let numbers = numbers()?;
            if numbers.is_empty() {
                Value::Null
            } else {
                #[allow(clippy::cast_precision_loss, reason = "item counts are far below 2^52")]
                let n = numbers.len() as f64;
                number(numbers.iter().sum::<f64>() / n)
            }
        }
        "max" => values.into_iter().max_by(order).unwrap_or(Value::Null),
        "min" => values.into_iter().min_by(order).unwrap_or(Value::Null),
        "first" => values.into_iter().next().unwrap_or(Value::Null),
        "last" => values.into_iter().last().unwrap_or(Value::Null),
        "unique" => {
            let mut kept: Vec<Value> = Vec::new();
            for value in values {
                if !kept.iter().any(|k| values_equal(k, &value)) {
                    kept.push(value);
                }
            }
            Value::Array(kept)
        }
        other => return Err(format!("has no function `{other}`")),
    })
}

fn number(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// A total order for sorting: null, bools, numbers, strings, then lists and dicts (as
/// JSON text); numbers by value, strings by code point.
fn order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ if rank(a) != rank(b) => rank(a).cmp(&rank(b)),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// The step's scope with `item` bound, for `filter` conditions.
struct WithItem<'s> {
    inner: &'s MapScope,
    item: &'s Value,
}

impl Scope for WithItem<'_> {
    fn root(&self, name: &str) -> Option<&Value> {
        if name == "item" {
            Some(self.item)
        } else {
            self.inner.root(name)
        }
    }
}
