//! The built-in functions, callable as `f(x, ...)` or as a filter `x | f(...)` (the filtered
//! value is the first argument). The names are the language's list,
//! [`pipec_syntax::expr::FUNCTIONS`], which the checker accepts; a test checks each is
//! implemented here.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::error::EvalError;
use crate::value::{compare, float, is_truthy, to_text, type_name, values_equal};

/// Every function name (the language's list, which the checker uses too).
pub use pipec_syntax::expr::FUNCTIONS;

/// Call function `name` on `args`.
///
/// # Errors
/// An unknown function, a wrong number of arguments, or arguments of the wrong types.
pub fn call(name: &str, args: &[Value], span: Range<u32>) -> Result<Value, EvalError> {
    let cx = Call { name, args, span };
    match name {
        "length" => cx.arity(1, 1).and_then(|()| length(&cx)),
        "join" => cx.arity(1, 2).and_then(|()| join(&cx)),
        "json" => cx
            .arity(1, 1)
            .map(|()| Value::String(cx.arg(0).to_string())),
        "lower" => cx
            .arity(1, 1)
            .and_then(|()| Ok(Value::String(cx.str(0)?.to_lowercase()))),
        "upper" => cx
            .arity(1, 1)
            .and_then(|()| Ok(Value::String(cx.str(0)?.to_uppercase()))),
        "trim" => cx
            .arity(1, 1)
            .and_then(|()| Ok(Value::String(cx.str(0)?.trim().to_owned()))),
        "default" => cx.arity(2, 2).map(|()| {
            if cx.arg(0).is_null() {
                cx.arg(1).clone()
            } else {
                cx.arg(0).clone()
            }
        }),
        "first" => cx.arity(1, 1).and_then(|()| end(&cx, true)),
        "last" => cx.arity(1, 1).and_then(|()| end(&cx, false)),
        // Ordered by key, as documented: objects keep insertion order otherwise.
        "keys" => cx.arity(1, 1).and_then(|()| {
            Ok(Value::Array(
                by_key(cx.object(0)?)
                    .into_iter()
                    .map(|(k, _)| Value::String(k.clone()))
                    .collect(),
            ))
        }),
        "values" => cx.arity(1, 1).and_then(|()| {
            Ok(Value::Array(
                by_key(cx.object(0)?)
                    .into_iter()
                    .map(|(_, v)| v.clone())
                    .collect(),
            ))
        }),
        "round" => cx.arity(1, 2).and_then(|()| round(&cx)),
        "floor" => cx.arity(1, 1).and_then(|()| to_whole(&cx, f64::floor)),
        "ceil" => cx.arity(1, 1).and_then(|()| to_whole(&cx, f64::ceil)),
        "min" => cx
            .arity(1, usize::MAX)
            .and_then(|()| extreme(&cx, std::cmp::Ordering::Less)),
        "max" => cx
            .arity(1, usize::MAX)
            .and_then(|()| extreme(&cx, std::cmp::Ordering::Greater)),
        "abs" => cx.arity(1, 1).and_then(|()| abs(&cx)),
        "sum" => cx.arity(1, 1).and_then(|()| sum(&cx)),
        "contains" => cx
            .arity(2, 2)
            .and_then(|()| contains(cx.arg(0), cx.arg(1), cx.span.clone()).map(Value::Bool)),
        "startsWith" => cx
            .arity(2, 2)
            .and_then(|()| Ok(Value::Bool(cx.str(0)?.starts_with(cx.str(1)?)))),
        "endsWith" => cx
            .arity(2, 2)
            .and_then(|()| Ok(Value::Bool(cx.str(0)?.ends_with(cx.str(1)?)))),
        "split" => cx.arity(1, 2).and_then(|()| split(&cx)),
        "replace" => cx
            .arity(3, 3)
            .and_then(|()| Ok(Value::String(cx.str(0)?.replace(cx.str(1)?, cx.str(2)?)))),
        "to_int" => cx.arity(1, 1).and_then(|()| to_int(&cx)),
        "to_float" => cx.arity(1, 1).and_then(|()| to_float(&cx)),
        "to_str" => cx.arity(1, 1).map(|()| Value::String(to_text(cx.arg(0)))),
        "sort" => cx.arity(1, 1).and_then(|()| sort(&cx)),
        "unique" => cx.arity(1, 1).and_then(|()| unique(&cx)),
        "slice" => cx.arity(2, 3).and_then(|()| slice(&cx)),
        "isEmpty" => cx.arity(1, 1).and_then(|()| is_empty(&cx)),
        _ => Err(EvalError::new(
            format!("unknown function `{name}`"),
            cx.span,
        )),
    }
}

/// `a contains b`: a substring, a list element (by value) or an object key.
///
/// # Errors
/// When `a` is not a string, list or object, or a string is searched for a non-string.
pub fn contains(a: &Value, b: &Value, span: Range<u32>) -> Result<bool, EvalError> {
    match (a, b) {
        (Value::String(s), Value::String(part)) => Ok(s.contains(part.as_str())),
        (Value::Array(items), item) => Ok(items.iter().any(|x| values_equal(x, item))),
        (Value::Object(map), Value::String(key)) => Ok(map.contains_key(key)),
        _ => Err(EvalError::new(
            format!("a {} cannot contain a {}", type_name(a), type_name(b)),
            span,
        )),
    }
}

/// One call: its name, arguments and span, with typed argument accessors.
struct Call<'a> {
    name: &'a str,
    args: &'a [Value],
    span: Range<u32>,
}

impl Call<'_> {
    fn arity(&self, min: usize, max: usize) -> Result<(), EvalError> {
        let n = self.args.len();
        if (min..=max).contains(&n) {
            return Ok(());
        }
        let expected = match (min, max) {
            (a, b) if a == b => format!("{a}"),
            (a, usize::MAX) => format!("at least {a}"),
            (a, b) => format!("{a} to {b}"),
        };
        Err(self.error(format!("takes {expected} arguments, got {n}")))
    }

    fn arg(&self, i: usize) -> &Value {
        self.args.get(i).unwrap_or(&Value::Null)
    }

    fn error(&self, what: impl std::fmt::Display) -> EvalError {
        EvalError::new(format!("`{}` {what}", self.name), self.span.clone())
    }

    fn wrong(&self, i: usize, expected: &str) -> EvalError {
        self.error(format!(
            "expects {expected} as argument {}, not a {}",
            i + 1,
            type_name(self.arg(i))
        ))
    }

    fn str(&self, i: usize) -> Result<&str, EvalError> {
        self.arg(i)
            .as_str()
            .ok_or_else(|| self.wrong(i, "a string"))
    }

    fn list(&self, i: usize) -> Result<&Vec<Value>, EvalError> {
        self.arg(i)
            .as_array()
            .ok_or_else(|| self.wrong(i, "a list"))
    }

    fn object(&self, i: usize) -> Result<&Map<String, Value>, EvalError> {
        self.arg(i)
            .as_object()
            .ok_or_else(|| self.wrong(i, "a dict"))
    }

    fn number(&self, i: usize) -> Result<f64, EvalError> {
        self.arg(i)
            .as_f64()
            .ok_or_else(|| self.wrong(i, "a number"))
    }

    fn int(&self, i: usize) -> Result<i64, EvalError> {
        self.arg(i)
            .as_i64()
            .ok_or_else(|| self.wrong(i, "an integer"))
    }
}

/// A dict's entries sorted by key.
fn by_key(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn length(cx: &Call<'_>) -> Result<Value, EvalError> {
    let n = match cx.arg(0) {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        _ => return Err(cx.wrong(0, "a string, list or dict")),
    };
    Ok(Value::from(n))
}

/// `null` and empty strings, lists and dicts are empty; numbers and booleans are not
/// containers, so asking is an error rather than a silent `false`.
fn is_empty(cx: &Call<'_>) -> Result<Value, EvalError> {
    match cx.arg(0) {
        Value::Null => Ok(Value::Bool(true)),
        Value::String(_) | Value::Array(_) | Value::Object(_) => {
            Ok(Value::Bool(!is_truthy(cx.arg(0))))
        }
        _ => Err(cx.wrong(0, "a string, list or dict")),
    }
}

fn join(cx: &Call<'_>) -> Result<Value, EvalError> {
    let separator = if cx.args.len() > 1 { cx.str(1)? } else { "" };
    let parts: Vec<String> = cx.list(0)?.iter().map(to_text).collect();
    Ok(Value::String(parts.join(separator)))
}

fn end(cx: &Call<'_>, first: bool) -> Result<Value, EvalError> {
    match cx.arg(0) {
        Value::Array(items) => {
            let item = if first { items.first() } else { items.last() };
            Ok(item.cloned().unwrap_or(Value::Null))
        }
        Value::String(s) => {
            let c = if first {
                s.chars().next()
            } else {
                s.chars().next_back()
            };
            Ok(c.map_or(Value::Null, |c| Value::String(c.to_string())))
        }
        _ => Err(cx.wrong(0, "a list or string")),
    }
}

/// Python's `round`: half to even; without digits the result is an integer.
fn round(cx: &Call<'_>) -> Result<Value, EvalError> {
    let x = cx.number(0)?;
    if cx.args.len() == 1 {
        return whole(cx, x.round_ties_even());
    }
    let digits = i32::try_from(cx.int(1)?).map_err(|_| cx.wrong(1, "a small integer"))?;
    let scale = 10f64.powi(digits);
    float((x * scale).round_ties_even() / scale).ok_or_else(|| cx.error("overflows"))
}

fn to_whole(cx: &Call<'_>, f: fn(f64) -> f64) -> Result<Value, EvalError> {
    if let Some(i) = cx.arg(0).as_i64() {
        return Ok(Value::from(i));
    }
    whole(cx, f(cx.number(0)?))
}

/// A whole float as an integer value.
fn whole(cx: &Call<'_>, x: f64) -> Result<Value, EvalError> {
    #[allow(clippy::cast_possible_truncation, reason = "range checked just before")]
    if x.is_finite() && x.abs() < 9.0e18 {
        Ok(Value::from(x as i64))
    } else {
        Err(cx.error("overflows an integer"))
    }
}

fn extreme(cx: &Call<'_>, want: std::cmp::Ordering) -> Result<Value, EvalError> {
    let items: &[Value] = if cx.args.len() == 1 {
        cx.list(0)?
    } else {
        cx.args
    };
    let mut best: Option<&Value> = None;
    for item in items {
        best = match best {
            None => Some(item),
            Some(b) => match compare(item, b) {
                Some(order) if order == want => Some(item),
                Some(_) => Some(b),
                None => {
                    return Err(cx.error(format!(
                        "cannot compare a {} with a {}",
                        type_name(item),
                        type_name(b)
                    )));
                }
            },
        };
    }
    best.cloned().ok_or_else(|| cx.error("of an empty list"))
}

fn abs(cx: &Call<'_>) -> Result<Value, EvalError> {
    if let Some(i) = cx.arg(0).as_i64() {
        return i
            .checked_abs()
            .map(Value::from)
            .ok_or_else(|| cx.error("overflows"));
    }
    float(cx.number(0)?.abs()).ok_or_else(|| cx.error("overflows"))
}

fn sum(cx: &Call<'_>) -> Result<Value, EvalError> {
    let items = cx.list(0)?;
    let mut int_total: Option<i64> = Some(0);
    let mut float_total = 0.0;
    for item in items {
        let Value::Number(n) = item else {
            return Err(cx.error(format!("of a list holding a {}", type_name(item))));
        };
        int_total = int_total.and_then(|t| t.checked_add(n.as_i64()?));
        float_total += n.as_f64().unwrap_or(0.0);
    }
    match int_total {
        Some(t) => Ok(Value::from(t)),
        None => float(float_total).ok_or_else(|| cx.error("overflows")),
    }
}

fn split(cx: &Call<'_>) -> Result<Value, EvalError> {
    let text = cx.str(0)?;
    let parts: Vec<Value> = if cx.args.len() > 1 {
        let separator = cx.str(1)?;
        if separator.is_empty() {
            return Err(cx.error("needs a non-empty separator"));
        }
        text.split(separator)
            .map(|p| Value::String(p.to_owned()))
            .collect()
    } else {
        text.split_whitespace()
            .map(|p| Value::String(p.to_owned()))
            .collect()
    };
    Ok(Value::Array(parts))
}

fn to_int(cx: &Call<'_>) -> Result<Value, EvalError> {
    match cx.arg(0) {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Value::from(i)),
            None => whole(cx, n.as_f64().unwrap_or(f64::NAN).trunc()),
        },
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| cx.error(format!("cannot read {s:?} as an integer"))),
        Value::Bool(b) => Ok(Value::from(i64::from(*b))),
        _ => Err(cx.wrong(0, "a number, string or bool")),
    }
}

fn to_float(cx: &Call<'_>) -> Result<Value, EvalError> {
    let x = match cx.arg(0) {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| cx.error(format!("cannot read {s:?} as a number")))?,
        _ => return Err(cx.wrong(0, "a number or string")),
    };
    float(x).ok_or_else(|| cx.error("is not a finite number"))
}

fn sort(cx: &Call<'_>) -> Result<Value, EvalError> {
    let mut items = cx.list(0)?.clone();
    let mut failure = None;
    items.sort_by(|a, b| {
        compare(a, b).unwrap_or_else(|| {
            failure.get_or_insert((type_name(a), type_name(b)));
            std::cmp::Ordering::Equal
        })
    });
    match failure {
        Some((a, b)) => Err(cx.error(format!("cannot order a {a} with a {b}"))),
        None => Ok(Value::Array(items)),
    }
}

fn unique(cx: &Call<'_>) -> Result<Value, EvalError> {
    let mut out: Vec<Value> = Vec::new();
    for item in cx.list(0)? {
        if !out.iter().any(|seen| values_equal(seen, item)) {
            out.push(item.clone());
        }
    }
    Ok(Value::Array(out))
}

/// `slice(x, start, end?)` on a list or string, with Python's negative indices.
fn slice(cx: &Call<'_>) -> Result<Value, EvalError> {
    let bound = |i: usize, len: usize| -> Result<usize, EvalError> {
        let n = cx.int(i)?;
        let len_i = i64::try_from(len).unwrap_or(i64::MAX);
        let at = if n < 0 {
            (len_i + n).max(0)
        } else {
            n.min(len_i)
        };
        Ok(usize::try_from(at).unwrap_or(0))
    };
    let range = |len: usize| -> Result<Range<usize>, EvalError> {
        let start = bound(1, len)?;
        let end = if cx.args.len() > 2 {
            bound(2, len)?
        } else {
            len
        };
        Ok(start..end.max(start))
    };
    match cx.arg(0) {
        Value::Array(items) => {
            let r = range(items.len())?;
            Ok(Value::Array(items.get(r).unwrap_or_default().to_vec()))
        }
        Value::String(s) => {
            let chars: Vec<char> = s.chars().collect();
            let r = range(chars.len())?;
            Ok(Value::String(
                chars.get(r).unwrap_or_default().iter().collect(),
            ))
        }
        _ => Err(cx.wrong(0, "a list or string")),
    }
}
