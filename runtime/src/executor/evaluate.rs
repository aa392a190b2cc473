//! Templates, expressions and conditions evaluated with `pipec-eval`, their failures turned
//! into P0710 errors pointing at the failing part of the expression in the file.
//!
//! `pipec-eval` evaluates expressions; this module only walks the IR's condition
//! combinators (`{and: [...]}`, `{or: [...]}`, `{not: ...}`, lists) around it.

use pipec_diagnostics::Code;
use pipec_eval::{EvalError, Scope, Value, eval, eval_condition, is_truthy, render, render_text};
use pipec_ir::{Condition, Pipeline, TemplateValue};
use pipec_syntax::expr::Expr;

use super::error::RunError;

/// A template's value: a single hole keeps its type, anything else is text.
///
/// # Errors
/// P0710 when a hole cannot be evaluated.
pub fn template(
    value: &TemplateValue,
    scope: &dyn Scope,
    pipeline: &Pipeline,
) -> Result<Value, RunError> {
    render(&value.template, scope).map_err(|e| failure(&e, pipeline))
}

/// A template rendered as text.
///
/// # Errors
/// P0710 when a hole cannot be evaluated.
pub fn text(
    value: &TemplateValue,
    scope: &dyn Scope,
    pipeline: &Pipeline,
) -> Result<String, RunError> {
    render_text(&value.template, scope).map_err(|e| failure(&e, pipeline))
}

/// An expression's value.
///
/// # Errors
/// P0710 when it cannot be evaluated.
pub fn expr(expr: &Expr, scope: &dyn Scope, pipeline: &Pipeline) -> Result<Value, RunError> {
    eval(expr, scope).map_err(|e| failure(&e, pipeline))
}

/// Whether a condition holds.
///
/// # Errors
/// P0710 when a part of it cannot be evaluated, or did not parse.
pub fn holds(
    condition: &Condition,
    scope: &dyn Scope,
    pipeline: &Pipeline,
) -> Result<bool, RunError> {
    match condition {
        Condition::Expr(e) => eval_condition(e, scope).map_err(|e| failure(&e, pipeline)),
        Condition::Template(t) => template(t, scope, pipeline).map(|v| is_truthy(&v)),
        Condition::All(all, _) => {
            for c in all {
                if !holds(c, scope, pipeline)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::Any(any, _) => {
            for c in any {
                if holds(c, scope, pipeline)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner, _) => holds(inner, scope, pipeline).map(|h| !h),
        Condition::Invalid(span) => Err(RunError::new(
            Code::P0710,
            "this condition did not parse, so it cannot be evaluated",
        )
        .at(*span)),
    }
}

fn failure(error: &EvalError, pipeline: &Pipeline) -> RunError {
    let mut run_error = RunError::new(Code::P0710, format!("cannot evaluate: {}", error.message))
        .at(pipeline.span_of(&error.span))
        .with_label(error.message.clone());
    if error.message.contains("which is a null") {
        run_error = run_error.with_help(
            "a step whose `when` was false has the result `null`; test it first (`when: steps.x`) or read it only where it ran",
        );
    }
    run_error
}
