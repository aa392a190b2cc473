//! Why an expression could not be evaluated: what went wrong and where in the expression.

use std::fmt;
use std::ops::Range;

/// An evaluation failure. `span` is the expression's range as stored in the IR (file
/// offsets once lowered), so callers can point a diagnostic at the failing part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// What failed, e.g. "`steps.a` has no field `title`".
    pub message: String,
    /// The sub-expression that failed.
    pub span: Range<u32>,
    /// Whether the failure is a missing value (an absent field, index or name), which the
    /// `default` filter replaces; other failures (a type mismatch) propagate through it.
    pub missing: bool,
}

impl EvalError {
    /// A failure other than a missing value.
    pub(crate) fn new(message: impl Into<String>, span: Range<u32>) -> EvalError {
        EvalError {
            message: message.into(),
            span,
            missing: false,
        }
    }

    /// A missing field, index or name.
    pub(crate) fn missing(message: impl Into<String>, span: Range<u32>) -> EvalError {
        EvalError {
            message: message.into(),
            span,
            missing: true,
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}
