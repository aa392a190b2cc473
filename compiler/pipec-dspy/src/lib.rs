//! The DSPy back-end: a checked native pipeline (with the files it calls) in, a Python
//! project for `dspy==3.4.1` out, as a map from relative path to file contents. Pure and
//! byte-deterministic: no I/O, no clock, sorted output.
//!
//! The project (`docs/dspy-backend.md`):
//! - `program.py`: the root pipeline's records (pydantic), enums, `dspy.Signature`
//!   classes and its `dspy.Module`; `sub_<n>.py` the same for each called pipeline;
//! - `pipec_support.py`: the shared helpers (`python/pipec_dspy/support.py`);
//! - `run.py` (run once, inputs as JSON) and `optimize.py` (DSPy's optimizers on the
//!   `eval:` dataset and metric, saving the optimized program for `pipec import-dspy`);
//! - `tools.py` for `react` steps' tools, `requirements.txt`, `README.md`.

mod decls;
mod expr;
pub mod import;
mod module;
mod project;
pub mod python;
mod refuse;

use std::collections::BTreeMap;

use pipec_diagnostics::{Diagnostic, FileId, Span};
use pipec_ir::Pipeline;

pub use project::emit_project;
pub use refuse::refusals;

/// The files of a generated project: relative path → contents.
pub type Files = BTreeMap<String, String>;

/// A checked program: the root pipeline, the pipelines of the files it calls, and which
/// file each `file:` path (by its span) names.
#[derive(Debug, Clone, Copy)]
pub struct Program<'a> {
    /// The pipeline being built.
    pub root: &'a Pipeline,
    /// Every other file's pipeline.
    pub files: &'a [Pipeline],
    /// `(span of a file: path, the file it names)`.
    pub calls: &'a [(Span, FileId)],
}

/// Options the caller decides.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The dataset's file name inside the project, when the caller copies it there.
    pub dataset_file: Option<String>,
}

/// The project, or why it cannot be built (coded diagnostics).
///
/// # Errors
/// What DSPy cannot express (see [`refusals`]).
pub fn emit(program: Program<'_>, options: &Options) -> Result<Files, Vec<Diagnostic>> {
    let refused = refusals(program);
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok(emit_project(program, options))
}
