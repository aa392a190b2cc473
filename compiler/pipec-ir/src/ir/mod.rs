//! The IR data types. Plain data, no behaviour beyond small accessors: passes live in
//! `pipec-check`, back-ends in their own crates.
//!
//! **Expression spans:** expressions reuse the syntax crate's AST
//! ([`pipec_syntax::expr::Expr`]) but, once in the IR, their `span` ranges are *absolute*
//! byte offsets in the pipeline's file (the lowering rebases them), so a pass turns one into
//! a [`Span`] with [`Pipeline::span_of`].

mod literal;
mod pipeline;
mod step;
mod type_name;
mod types;

pub use literal::*;
pub use pipeline::*;
pub use step::*;
pub use types::*;

use pipec_diagnostics::Span;

/// A name as written, with its span (step ids, input names, model names, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The text.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

impl Name {
    /// A name at a span.
    #[must_use]
    pub fn new(text: impl Into<String>, span: Span) -> Name {
        Name {
            text: text.into(),
            span,
        }
    }
}

/// Which YAML dialect a pipeline was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// A `workflow:` file of the Elixir project pipeline_ex.
    PipelineEx,
    /// A `pipec: 1` file.
    Native,
}
