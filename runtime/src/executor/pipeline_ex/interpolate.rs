//! pipeline_ex's `{{ }}` interpolation (its `VariableEngine`), which is a string rewrite of
//! its own, not pipec's expression language: before a step runs, every string of its
//! mapping (at any depth) has each `{{ expr }}` (no `}` inside) replaced. `expr` resolves,
//! in this order, as:
//!
//! 1. a function call `name(args)`: add, subtract, multiply, divide, max, min, round, floor,
//!    ceil; arguments are `inputs.x`, `steps.x.y`, `global_vars.x`, `state.x`, numbers or
//!    variable names;
//! 2. `inputs.a.b`; 3. `global_vars.a`; 4. `steps.NAME.path` (in the step's result, then
//!    inside its `result` key; `steps.NAME.result` on a result without one is the whole
//!    result) — these three are left verbatim when they do not resolve;
//! 5. integer arithmetic when the text holds `+ - * /` (one operator; `state.` names and
//!    variables; unknown names count as 0);
//! 6. `state.a.b`; 7. a variable name — these two become empty text when unresolved.
//!
//! The result is text, except in nested pipelines given `inputs`, where a string that is
//! exactly one `{{ }}` keeps the value's type ([`Context::typed`]).

use serde_json::{Number, Value};

use super::context::{Context, path, text};

/// `value` with every string interpolated.
#[must_use]
pub fn value(value: &Value, ctx: &Context) -> Value {
    match value {
        Value::String(s) => string_value(s, ctx),
        Value::Array(items) => Value::Array(items.iter().map(|v| self::value(v, ctx)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), self::value(v, ctx)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A string interpolated: text, or a typed value for a lone template in a typed context.
#[must_use]
pub fn string_value(s: &str, ctx: &Context) -> Value {
    let holes = holes(s);
    if ctx.typed
        && let [(start, end, expr)] = holes.as_slice()
        && *start == 0
        && *end == s.len()
        && let Some(Resolved::Value(v)) = resolve(expr, ctx)
    {
        return v;
    }
    Value::String(string_with(s, &holes, ctx))
}

/// A string interpolated as text.
#[must_use]
pub fn string(s: &str, ctx: &Context) -> String {
    string_with(s, &holes(s), ctx)
}

fn string_with(s: &str, holes: &[(usize, usize, &str)], ctx: &Context) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for (start, end, expr) in holes {
        out.push_str(&s[at..*start]);
        match resolve(expr, ctx) {
            Some(Resolved::Value(v)) => out.push_str(&text(&v)),
            Some(Resolved::Empty) => {}
            None => out.push_str(&s[*start..*end]),
        }
        at = *end;
    }
    out.push_str(&s[at..]);
    out
}

/// The `{{ expr }}` holes of `s`: byte range and the trimmed expression.
fn holes(s: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find("{{").map(|i| i + from) {
        let inner = open + 2;
        match s[inner..].find('}').map(|i| i + inner) {
            Some(close) if s[close..].starts_with("}}") && close > inner => {
                let expr = s[inner..close].trim();
                if !expr.is_empty() {
                    found.push((open, close + 2, expr));
                }
                from = close + 2;
            }
            Some(close) => from = close.max(open + 1),
            None => break,
        }
    }
    found
}

/// What a hole becomes.
enum Resolved {
    /// This value's text.
    Value(Value),
    /// Nothing.
    Empty,
}

/// `None`: leave the hole verbatim.
fn resolve(expr: &str, ctx: &Context) -> Option<Resolved> {
    if let Some(v) = function(expr, ctx) {
        return Some(Resolved::Value(v));
    }
    if let Some(rest) = expr.strip_prefix("inputs.") {
        return lookup(&ctx.inputs, rest).map(Resolved::Value);
    }
    if let Some(rest) = expr.strip_prefix("global_vars.") {
        return lookup(&ctx.globals, rest).map(Resolved::Value);
    }
    if let Some(rest) = expr.strip_prefix("steps.") {
        return step_ref(rest, ctx).map(Resolved::Value);
    }
    if expr.contains(['+', '-', '*', '/']) {
        return Some(arithmetic(expr, ctx).map_or(Resolved::Empty, Resolved::Value));
    }
    let found = match expr.strip_prefix("state.") {
        Some(rest) => {
            let segments: Vec<&str> = rest.split('.').collect();
            ctx.vars
                .get(segments[0])
                .and_then(|v| path(v, &segments[1..]))
                .cloned()
        }
        None => ctx.var(expr).cloned(),
    };
    Some(found.map_or(Resolved::Empty, Resolved::Value))
}

fn lookup(root: &Value, dotted: &str) -> Option<Value> {
    let segments: Vec<&str> = dotted.split('.').collect();
    path(root, &segments).filter(|v| !v.is_null()).cloned()
}

/// `steps.NAME.path`: the path in the result, else inside its `result` key;
/// `steps.NAME.result` without a `result` key is the whole result.
fn step_ref(rest: &str, ctx: &Context) -> Option<Value> {
    let segments: Vec<&str> = rest.split('.').collect();
    let result = ctx.results.get(segments[0])?;
    let tail = &segments[1..];
    if tail.is_empty() {
        return Some(result.clone());
    }
    if let Some(v) = path(result, tail) {
        return Some(v.clone());
    }
    if let Some(v) = result.get("result").and_then(|inner| path(inner, tail)) {
        return Some(v.clone());
    }
    // `result` names the result itself when it has no `result` key.
    match tail {
        ["result"] => Some(result.clone()),
        ["result", rest @ ..] => path(result, rest).cloned(),
        _ => None,
    }
}

/// A function call: `name(a, b)`.
fn function(expr: &str, ctx: &Context) -> Option<Value> {
    let open = expr.find('(')?;
    let name = expr[..open].trim();
    let inner = expr[open + 1..].strip_suffix(')')?;
    if !matches!(
        name,
        "add" | "subtract" | "multiply" | "divide" | "max" | "min" | "round" | "floor" | "ceil"
    ) {
        return None;
    }
    let args: Vec<f64> = inner
        .split(',')
        .map(|a| argument(a.trim(), ctx))
        .collect::<Option<_>>()?;
    let result = match (name, args.as_slice()) {
        ("add", [a, b]) => a + b,
        ("subtract", [a, b]) => a - b,
        ("multiply", [a, b]) => a * b,
        ("divide", [a, b]) if *b != 0.0 => a / b,
        ("max", [a, b]) => a.max(*b),
        ("min", [a, b]) => a.min(*b),
        ("round", [a]) => a.round(),
        ("floor", [a]) => a.floor(),
        ("ceil", [a]) => a.ceil(),
        _ => return None,
    };
    Some(number(
        result,
        args.iter().all(|a| a.fract() == 0.0) && name != "divide",
    ))
}

/// A function argument as a number.
fn argument(arg: &str, ctx: &Context) -> Option<f64> {
    if let Ok(n) = arg.parse::<f64>() {
        return Some(n);
    }
    let value = if let Some(rest) = arg.strip_prefix("inputs.") {
        lookup(&ctx.inputs, rest)
    } else if let Some(rest) = arg.strip_prefix("global_vars.") {
        lookup(&ctx.globals, rest)
    } else if let Some(rest) = arg.strip_prefix("steps.") {
        step_ref(rest, ctx)
    } else if let Some(rest) = arg.strip_prefix("state.") {
        lookup(&Value::Object(ctx.vars.clone()), rest)
    } else {
        ctx.var(arg).cloned()
    }?;
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Integer arithmetic with one operator.
fn arithmetic(expr: &str, ctx: &Context) -> Option<Value> {
    let at = expr.find(['+', '-', '*', '/'])?;
    let (left, right) = (expr[..at].trim(), expr[at + 1..].trim());
    let (a, b) = (operand(left, ctx), operand(right, ctx));
    let result = match &expr[at..=at] {
        "+" => a.checked_add(b),
        "-" => a.checked_sub(b),
        "*" => a.checked_mul(b),
        _ => a.checked_div(b),
    }?;
    Some(Value::Number(result.into()))
}

/// An arithmetic operand: an integer, a `state.` name or a variable; 0 otherwise.
fn operand(text: &str, ctx: &Context) -> i64 {
    if let Ok(n) = text.parse::<i64>() {
        return n;
    }
    let name = text.strip_prefix("state.").unwrap_or(text);
    let segments: Vec<&str> = name.split('.').collect();
    ctx.var(segments[0])
        .and_then(|v| path(v, &segments[1..]))
        .and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .unwrap_or(0)
}

/// A number as JSON: an integer when `whole`.
#[allow(clippy::cast_possible_truncation, reason = "whole numbers within i64")]
fn number(n: f64, whole: bool) -> Value {
    if whole && n.fract() == 0.0 && n.abs() < 9.0e15 {
        return Value::Number((n as i64).into());
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ctx() -> Context {
        Context {
            results:
                json!({"a": {"text": "hi", "n": 2}, "sub": {"result": {"x": 5}}, "plain": "t"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            inputs: json!({"count": 3, "name": "pipe"}),
            globals: json!({"env": "test"}),
            vars: json!({"counter": 4})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            typed: false,
        }
    }

    #[test]
    fn each_rule_resolves_as_pipeline_ex_does() {
        let c = ctx();
        assert_eq!(
            string("{{inputs.name}}/{{ global_vars.env }}", &c),
            "pipe/test"
        );
        assert_eq!(string("{{steps.a.text}} {{steps.sub.x}}", &c), "hi 5");
        assert_eq!(string("{{steps.plain.result}}", &c), "t");
        assert_eq!(string("{{multiply(inputs.count, 2)}}", &c), "6");
        assert_eq!(string("{{state.counter + 1}}", &c), "5");
        assert_eq!(string("{{missing + 1}}", &c), "1");
        assert_eq!(
            string("[{{state.counter}}|{{counter}}|{{nope}}]", &c),
            "[4|4|]"
        );
        // Unresolved inputs/steps/global_vars references stay as written.
        assert_eq!(
            string("{{inputs.nope}} {{steps.zz.y}}", &c),
            "{{inputs.nope}} {{steps.zz.y}}"
        );
        assert_eq!(string("{{a}b}} {{}}", &c), "{{a}b}} {{}}");
    }

    #[test]
    fn a_lone_template_keeps_its_type_only_when_typed() {
        let mut c = ctx();
        assert_eq!(string_value("{{inputs.count}}", &c), json!("3"));
        c.typed = true;
        assert_eq!(string_value("{{inputs.count}}", &c), json!(3));
        assert_eq!(
            value(&json!({"k": ["{{steps.a}}"]}), &c),
            json!({"k": [{"text": "hi", "n": 2}]})
        );
    }
}
