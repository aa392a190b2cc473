//! Parser for the expression language (being written).
use super::ast::{Expr, ExprError, Template};

/// Parse one expression.
pub fn parse_expr(_src: &str) -> Result<Expr, ExprError> {
    Err(ExprError {
        span: 0..0,
        message: String::new(),
        label: String::new(),
    })
}

/// Parse a template.
#[must_use]
pub fn parse_template(_src: &str) -> (Template, Vec<ExprError>) {
    (Template::default(), Vec::new())
}
