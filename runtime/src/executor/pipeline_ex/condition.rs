//! pipeline_ex conditions (its `Condition.Engine`): a string, `{and: [...]}`, `{or: [...]}`,
//! `{not: c}` (nestable), or a list (all must hold). A string is an expression whose paths
//! start at a step name (`analysis.score > 7`; inside a loop also `loop.index`); it is
//! parsed and evaluated by pipec's expression language (pipec-syntax, pipec-eval), over a
//! scope whose roots are the step results. What pipeline_ex finds nothing for is `nil`
//! there, and its comparisons with `nil` are false: so a condition that cannot be
//! evaluated (a missing step or field) does not hold.

use pipec_eval::{MapScope, eval_condition};
use pipec_syntax::expr::parse_expr;
use serde_json::Value;

use super::context::Context;
use super::interpolate;

/// Whether the raw condition `condition` holds; its `{{ }}` are interpolated first.
#[must_use]
pub fn holds(condition: &Value, ctx: &Context) -> bool {
    let scope = MapScope::new(Value::Object(ctx.results.clone()));
    check(condition, ctx, &scope, 0)
}

/// Conditions nest at most this deep (pipec-syntax bounds documents deeper still).
const MAX_NESTING: u32 = 128;

fn check(condition: &Value, ctx: &Context, scope: &MapScope, depth: u32) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    match condition {
        Value::String(text) => expression(&interpolate::string(text, ctx), scope),
        Value::Array(all) => all.iter().all(|c| check(c, ctx, scope, depth + 1)),
        Value::Object(map) => {
            if let Some(all) = map.get("and") {
                return list(all).iter().all(|c| check(c, ctx, scope, depth + 1));
            }
            if let Some(any) = map.get("or") {
                return list(any).iter().any(|c| check(c, ctx, scope, depth + 1));
            }
            if let Some(inner) = map.get("not") {
                return !check(inner, ctx, scope, depth + 1);
            }
            false
        }
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
    }
}

fn list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn expression(text: &str, scope: &MapScope) -> bool {
    match text.trim() {
        "" | "false" | "nil" | "null" => return false,
        "true" => return true,
        _ => {}
    }
    match parse_expr(text) {
        Ok(expr) => eval_condition(&expr, scope).unwrap_or_else(|error| {
            tracing::debug!(condition = text, error = %error.message, "pipeline_ex condition is false");
            false
        }),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strings_maps_and_lists_hold_as_pipeline_ex_evaluates_them() {
        let ctx = Context {
            results: json!({"analysis": {"score": 8, "text": "needs work"}})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ..Context::default()
        };
        assert!(holds(&json!("analysis.score > 7"), &ctx));
        assert!(!holds(&json!("analysis.score > 9"), &ctx));
        assert!(holds(
            &json!({"and": ["analysis.score > 7", {"not": "analysis.score > 9"}]}),
            &ctx
        ));
        assert!(holds(
            &json!({"or": ["missing.field == 1", "analysis.text contains 'work'"]}),
            &ctx
        ));
        assert!(!holds(&json!(["analysis.score > 7", "nothing.here"]), &ctx));
        // A missing step is nil: the condition does not hold.
        assert!(!holds(&json!("steps.analysis.score > 7"), &ctx));
    }
}
