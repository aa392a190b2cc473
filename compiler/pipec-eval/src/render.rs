//! Rendering templates: text with `{{ expr }}` holes.

use pipec_syntax::expr::{Template, TemplatePart};
use serde_json::Value;

use crate::error::EvalError;
use crate::eval::eval;
use crate::scope::Scope;
use crate::value::to_text;

/// Render a template to a value. A template that is exactly one hole (`"{{ steps.a.items
/// }}"`) keeps the value's type; any other renders to a string (see [`render_text`]).
///
/// # Errors
/// The first hole that fails to evaluate, or a hole that did not parse (the checker
/// reported it; a pipeline with errors never runs, but a caller may still try).
pub fn render(template: &Template, scope: &dyn Scope) -> Result<Value, EvalError> {
    if let Some(expr) = template.single_expr() {
        return eval(expr, scope);
    }
    render_text(template, scope).map(Value::String)
}

/// Render a template to text: each hole's value as [`to_text`] writes it.
///
/// # Errors
/// As [`render`].
pub fn render_text(template: &Template, scope: &dyn Scope) -> Result<String, EvalError> {
    let mut out = String::new();
    for part in &template.parts {
        match part {
            TemplatePart::Text(text) => out.push_str(text),
            TemplatePart::Expr { expr, .. } => out.push_str(&to_text(&eval(expr, scope)?)),
            TemplatePart::Invalid { source, span } => {
                return Err(EvalError::new(
                    format!("`{{{{{source}}}}}` is not a valid expression"),
                    span.clone(),
                ));
            }
        }
    }
    Ok(out)
}
