//! Everything pipec knows about *reporting*: byte spans into source files, the single
//! [`Diagnostic`] model every pass produces, the registry of stable codes with their
//! documentation, the shared "did you mean" helper, and the human and JSON renderers.
//!
//! This crate does no I/O: files are handed to a [`SourceMap`] as strings by the caller.

mod codes;
mod diagnostic;
pub mod render;
mod source;
mod span;
mod suggest;

pub use codes::{Code, CodeInfo};
pub use diagnostic::{Diagnostic, Diagnostics, Label, Severity};
pub use source::{LineCol, SourceFile, SourceMap};
pub use span::{FileId, Span};
pub use suggest::{did_you_mean, did_you_mean_help, did_you_mean_or_list};
