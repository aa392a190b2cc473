//! The passes, in order. Each is one module with one entry function that reads the IR and
//! writes diagnostics; none mutates the IR.
//!
//! 1. [`file_cycles`]: cycles among pipeline files (whole program).
//!
//! Then per pipeline (every file's pipeline and every inline sub-pipeline):
//! 2. [`resolve`]: every reference in templates, conditions, sources, `previous_response`,
//!    `depends_on`, models and signatures; produces the [`resolve::Resolution`] the later
//!    passes read.
//! 3. [`step_cycles`]: cycles among steps through references and `depends_on`.
//! 4. [`types`]: types flowing between steps (native pipelines).
//!    [`demos`]: each predict-like step's demos against its signature.
//! 5. [`limits`]: bounds on loops and fan-outs, worst-case calls, tokens, cost and time
//!    against declared `limits`.
//! 6. [`lints`]: unused steps and inputs, unreachable branches. Gated: runs only when the
//!    pipeline's file has no errors, since lint advice on a broken file is noise.

pub mod demos;
pub mod file_cycles;
pub mod limits;
pub mod lints;
pub mod path_targets;
pub mod resolve;
mod scope;
mod sites;
pub mod step_cycles;
mod table;
pub mod types;

use rustc_hash::FxHashMap as HashMap;

use pipec_diagnostics::{Diagnostics, FileId, SourceMap, Span};
use pipec_ir::{Pipeline, PipelineSource, Step, StepKind};

pub use table::{StepIdx, StepTable};

/// A `pipeline_file` edge: a step in `from` calls file `to`.
#[derive(Debug, Clone, Copy)]
pub struct FileCall {
    /// The calling file.
    pub from: FileId,
    /// The called file.
    pub to: FileId,
    /// The path's span in the calling file.
    pub span: Span,
}

/// Everything the passes can see: all pipelines of the check and the calls between files.
#[derive(Debug)]
pub struct Program<'a> {
    /// Pipelines by file.
    pub pipelines: HashMap<FileId, &'a Pipeline>,
    /// File-to-file calls.
    pub calls: &'a [FileCall],
    /// Sources, for file names in messages.
    pub sources: &'a SourceMap,
    /// Files in the order they were read.
    pub order: Vec<FileId>,
}

impl<'a> Program<'a> {
    /// Build from the driver's data.
    #[must_use]
    pub fn new(
        pipelines: &'a [(FileId, Option<Pipeline>)],
        calls: &'a [FileCall],
        sources: &'a SourceMap,
    ) -> Program<'a> {
        Program {
            pipelines: pipelines
                .iter()
                .filter_map(|(f, p)| p.as_ref().map(|p| (*f, p)))
                .collect(),
            calls,
            sources,
            order: pipelines.iter().map(|(f, _)| *f).collect(),
        }
    }

    /// The pipeline a `pipeline_file` span (in `from`) resolves to.
    #[must_use]
    pub fn called(&self, from: FileId, span: Span) -> Option<&'a Pipeline> {
        let call = self
            .calls
            .iter()
            .find(|c| c.from == from && c.span == span)?;
        self.pipelines.get(&call.to).copied()
    }

    /// A file's display name.
    #[must_use]
    pub fn file_name(&self, file: FileId) -> &'a str {
        self.sources.get(file).map_or("?", |f| f.name())
    }
}

/// Run every pass.
pub fn run(program: &Program<'_>, diagnostics: &mut Diagnostics) {
    file_cycles::check(program, diagnostics);
    for file in &program.order {
        let Some(pipeline) = program.pipelines.get(file) else {
            continue;
        };
        let file_had_errors = diagnostics
            .as_slice()
            .iter()
            .any(|d| d.is_error() && d.primary.span.file == *file);
        check_pipeline(program, pipeline, file_had_errors, diagnostics);
    }
}

fn check_pipeline(
    program: &Program<'_>,
    pipeline: &Pipeline,
    file_had_errors: bool,
    diagnostics: &mut Diagnostics,
) {
    let resolution = resolve::resolve(pipeline, diagnostics);
    step_cycles::check(&resolution, diagnostics);
    types::check(program, pipeline, &resolution, diagnostics);
    demos::check(pipeline, &resolution.table, diagnostics);
    limits::check(program, pipeline, &resolution, diagnostics);
    if !file_had_errors
        && !diagnostics
            .as_slice()
            .iter()
            .any(|d| d.is_error() && d.primary.span.file == pipeline.file)
    {
        lints::check(pipeline, &resolution, diagnostics);
    }
    for_each_inline(&pipeline.steps, &mut |inner| {
        check_pipeline(program, inner, file_had_errors, diagnostics)
    });
}

/// Call `f` on every inline sub-pipeline directly inside `steps` (at any body depth, but not
/// inside another inline pipeline: `check_pipeline` recurses for those).
fn for_each_inline(steps: &[Step], f: &mut impl FnMut(&Pipeline)) {
    for step in steps {
        match &step.kind {
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => f(inner),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    for_each_inline(&case.steps, f);
                }
                for_each_inline(default, f);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => for_each_inline(steps, f),
            _ => {}
        }
    }
}
