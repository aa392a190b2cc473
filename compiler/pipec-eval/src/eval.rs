//! Evaluating one expression over a [`Scope`].

use std::cmp::Ordering;
use std::ops::Range;

use pipec_syntax::expr::{BinaryOp, Expr, ExprKind, Literal, Path, Segment, UnaryOp};
use regex::Regex;
use serde_json::Value;

use crate::error::EvalError;
use crate::functions;
use crate::scope::Scope;
use crate::value::{compare, float, is_truthy, type_name, values_equal};

/// Evaluate `expr`. Paths read from `scope`; see the crate docs for the operators' rules.
///
/// # Errors
/// A missing name, field or index; an operator or function applied to values it does not
/// take; arithmetic overflow or division by zero; an invalid regular expression.
pub fn eval(expr: &Expr, scope: &dyn Scope) -> Result<Value, EvalError> {
    let span = expr.span.clone();
    match &expr.kind {
        ExprKind::Path(path) => read_path(path, scope).cloned(),
        ExprKind::Literal(literal) => Ok(literal_value(literal)),
        ExprKind::List(items) => items
            .iter()
            .map(|item| eval(item, scope))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        ExprKind::Unary { op, operand } => {
            let value = eval(operand, scope)?;
            match op {
                UnaryOp::Not => Ok(Value::Bool(!is_truthy(&value))),
                UnaryOp::Neg => negate(&value, span),
            }
        }
        ExprKind::Binary { op, lhs, rhs } => binary(*op, lhs, rhs, scope, span),
        ExprKind::Between { value, low, high } => {
            let value = eval(value, scope)?;
            let low = eval(low, scope)?;
            let high = eval(high, scope)?;
            let above = ordered(&low, &value, &span)? != Ordering::Greater;
            let below = ordered(&value, &high, &span)? != Ordering::Greater;
            Ok(Value::Bool(above && below))
        }
        ExprKind::Call { name, args } => {
            let values = arguments(&name.name, None, args, scope)?;
            functions::call(&name.name, &values, span)
        }
        ExprKind::Filter { input, name, args } => {
            let values = arguments(&name.name, Some(input), args, scope)?;
            functions::call(&name.name, &values, span)
        }
    }
}

/// Evaluate a condition: its value's truthiness.
///
/// # Errors
/// As [`eval`].
pub fn eval_condition(expr: &Expr, scope: &dyn Scope) -> Result<bool, EvalError> {
    eval(expr, scope).map(|value| is_truthy(&value))
}

/// A function's argument values, the filtered input first. `default` is the one function
/// that sees a missing first argument: it gets `null` instead of the error.
fn arguments(
    name: &str,
    input: Option<&Expr>,
    args: &[Expr],
    scope: &dyn Scope,
) -> Result<Vec<Value>, EvalError> {
    let mut values = Vec::with_capacity(args.len() + usize::from(input.is_some()));
    for (i, arg) in input.into_iter().chain(args).enumerate() {
        let value = match eval(arg, scope) {
            Err(error) if error.missing && i == 0 && name == "default" => Value::Null,
            other => other?,
        };
        values.push(value);
    }
    Ok(values)
}

fn read_path<'s>(path: &Path, scope: &'s dyn Scope) -> Result<&'s Value, EvalError> {
    let head = path.head();
    let head_span = path
        .segments
        .first()
        .map_or(path.span.clone(), Segment::span);
    let mut value = scope
        .root(head)
        .ok_or_else(|| EvalError::missing(format!("no value named `{head}`"), head_span))?;
    for (i, segment) in path.segments.iter().enumerate().skip(1) {
        let so_far = || prefix(path, i);
        value = match (segment, value) {
            (Segment::Field(field), Value::Object(map)) => {
                map.get(&field.name).ok_or_else(|| {
                    EvalError::missing(
                        format!("`{}` has no field `{}`", so_far(), field.name),
                        field.span.clone(),
                    )
                })?
            }
            (Segment::Index(n, span), Value::Array(items)) => usize::try_from(*n)
                .ok()
                .and_then(|n| items.get(n))
                .ok_or_else(|| {
                    EvalError::missing(
                        format!(
                            "`{}` has {} items; index {n} is out of range",
                            so_far(),
                            items.len()
                        ),
                        span.clone(),
                    )
                })?,
            (Segment::Field(field), other) => {
                return Err(EvalError::new(
                    format!(
                        "cannot read field `{}` of `{}`, which is a {}",
                        field.name,
                        so_far(),
                        type_name(other)
                    ),
                    field.span.clone(),
                ));
            }
            (Segment::Index(n, span), other) => {
                return Err(EvalError::new(
                    format!(
                        "cannot index `{}` with [{n}]: it is a {}, not a list",
                        so_far(),
                        type_name(other)
                    ),
                    span.clone(),
                ));
            }
        };
    }
    Ok(value)
}

/// The path's first `len` segments as written (`steps.a.items`).
fn prefix(path: &Path, len: usize) -> String {
    Path {
        segments: path.segments.iter().take(len).cloned().collect(),
        span: path.span.clone(),
    }
    .display()
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::from(*i),
        Literal::Float(f) => float(*f).unwrap_or(Value::Null),
        Literal::Str(s) => Value::String(s.clone()),
    }
}

fn binary(
    op: BinaryOp,
    lhs: &Expr,
    rhs: &Expr,
    scope: &dyn Scope,
    span: Range<u32>,
) -> Result<Value, EvalError> {
    // `and`/`or` short-circuit: the right side is not evaluated (nor can it fail) when the
    // left side decides.
    match op {
        BinaryOp::And => {
            return Ok(Value::Bool(
                is_truthy(&eval(lhs, scope)?) && is_truthy(&eval(rhs, scope)?),
            ));
        }
        BinaryOp::Or => {
            return Ok(Value::Bool(
                is_truthy(&eval(lhs, scope)?) || is_truthy(&eval(rhs, scope)?),
            ));
        }
        _ => {}
    }
    let a = eval(lhs, scope)?;
    let b = eval(rhs, scope)?;
    match op {
        BinaryOp::And | BinaryOp::Or => Ok(Value::Null),
        BinaryOp::Eq => Ok(Value::Bool(values_equal(&a, &b))),
        BinaryOp::Ne => Ok(Value::Bool(!values_equal(&a, &b))),
        BinaryOp::Lt => Ok(Value::Bool(ordered(&a, &b, &span)? == Ordering::Less)),
        BinaryOp::Le => Ok(Value::Bool(ordered(&a, &b, &span)? != Ordering::Greater)),
        BinaryOp::Gt => Ok(Value::Bool(ordered(&a, &b, &span)? == Ordering::Greater)),
        BinaryOp::Ge => Ok(Value::Bool(ordered(&a, &b, &span)? != Ordering::Less)),
        BinaryOp::Contains => functions::contains(&a, &b, span).map(Value::Bool),
        BinaryOp::Matches => matches(&a, &b, span),
        BinaryOp::Add => add(&a, &b, span),
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
            arithmetic(op, &a, &b, span)
        }
    }
}

fn ordered(a: &Value, b: &Value, span: &Range<u32>) -> Result<Ordering, EvalError> {
    compare(a, b).ok_or_else(|| {
        EvalError::new(
            format!("cannot compare a {} with a {}", type_name(a), type_name(b)),
            span.clone(),
        )
    })
}

fn matches(text: &Value, pattern: &Value, span: Range<u32>) -> Result<Value, EvalError> {
    let (Value::String(text), Value::String(pattern)) = (text, pattern) else {
        return Err(EvalError::new(
            format!(
                "`matches` takes a string and a pattern string, not a {} and a {}",
                type_name(text),
                type_name(pattern)
            ),
            span,
        ));
    };
    let regex = Regex::new(pattern)
        .map_err(|e| EvalError::new(format!("invalid regular expression: {e}"), span))?;
    Ok(Value::Bool(regex.is_match(text)))
}

fn negate(value: &Value, span: Range<u32>) -> Result<Value, EvalError> {
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i
                .checked_neg()
                .map(Value::from)
                .ok_or_else(|| EvalError::new("integer overflow", span)),
            None => n
                .as_f64()
                .and_then(|f| float(-f))
                .ok_or_else(|| EvalError::new("not a finite number", span)),
        },
        other => Err(EvalError::new(
            format!("cannot negate a {}", type_name(other)),
            span,
        )),
    }
}

/// `+`: numbers add, strings and lists concatenate.
fn add(a: &Value, b: &Value, span: Range<u32>) -> Result<Value, EvalError> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(Value::String(format!("{x}{y}"))),
        (Value::Array(x), Value::Array(y)) => {
            Ok(Value::Array(x.iter().chain(y).cloned().collect()))
        }
        _ => arithmetic(BinaryOp::Add, a, b, span),
    }
}

/// Numeric operators: integers stay integers (checked for overflow) except under `/`, which
/// is true division as in Python; `%` takes the sign of the divisor, as in Python.
fn arithmetic(op: BinaryOp, a: &Value, b: &Value, span: Range<u32>) -> Result<Value, EvalError> {
    let (Value::Number(x), Value::Number(y)) = (a, b) else {
        return Err(EvalError::new(
            format!(
                "`{}` needs two numbers, not a {} and a {}",
                op.as_str(),
                type_name(a),
                type_name(b)
            ),
            span,
        ));
    };
    let zero_divisor = y.as_f64() == Some(0.0);
    if zero_divisor && matches!(op, BinaryOp::Div | BinaryOp::Rem) {
        return Err(EvalError::new("division by zero", span));
    }
    if let (Some(i), Some(j), false) = (x.as_i64(), y.as_i64(), op == BinaryOp::Div) {
        let result = match op {
            BinaryOp::Add => i.checked_add(j),
            BinaryOp::Sub => i.checked_sub(j),
            BinaryOp::Mul => i.checked_mul(j),
            _ => i.checked_rem(j).map(|r| {
                if r != 0 && (r < 0) != (j < 0) {
                    r + j
                } else {
                    r
                }
            }),
        };
        return result
            .map(Value::from)
            .ok_or_else(|| EvalError::new("integer overflow", span));
    }
    let (Some(f), Some(g)) = (x.as_f64(), y.as_f64()) else {
        return Err(EvalError::new("not a finite number", span));
    };
    let result = match op {
        BinaryOp::Add => f + g,
        BinaryOp::Sub => f - g,
        BinaryOp::Mul => f * g,
        BinaryOp::Div => f / g,
        _ => f - g * (f / g).floor(),
    };
    float(result).ok_or_else(|| EvalError::new("the result is not a finite number", span))
}
