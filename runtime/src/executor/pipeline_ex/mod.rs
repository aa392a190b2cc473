//! pipeline_ex (`workflow:`) semantics, as pipeline_ex's code at ff625ec behaves
//! (`shared/reference/pipeline_ex.md`), on the executor's machinery: steps run one after
//! another (schedule.rs chains them), each restored from the checkpoint or run, its result
//! recorded, checkpointed and reported as for native steps (step.rs).
//!
//! What differs from native steps lives here, one file per concept:
//!
//! | file | what |
//! |---|---|
//! | `raw.rs` | the step mappings as written (the IR does not carry every key pipeline_ex reads) |
//! | `context.rs`, `interpolate.rs` | what a step sees; its `{{ }}` rewrite of every string of a step's mapping |
//! | `condition.rs` | step conditions (`analysis.score > 7`, and/or/not, lists) |
//! | `prompt.rs` | prompt parts (`static`, `file`, `previous_response`) |
//! | `options.rs` | models, system prompts, and the options one model call cannot honour (P0721) |
//! | `llm.rs` | claude, gemini and the enhanced Claude types: one call each; parallel_claude and claude_batch tasks |
//! | `set_variable.rs`, `echo.rs` | set_variable, test_echo |
//! | `loops.rs` | for_loop, while_loop |
//! | `transform.rs` | data_transform (its `Transformer`) |
//! | `file_ops.rs`, `workspace.rs` | file_ops, confined to the workspace directory; `output_to_file` |
//! | `nested.rs` | `pipeline` steps (`pipeline_file`, inline) |
//!
//! Results are shaped as pipeline_ex shapes them: claude `{text, success, cost}`, gemini
//! `{content, success, cost, function_calls}`, parallel_claude `{combined_results,
//! individual_results}`, set_variable `{variables_set, scope, variable_count}`, loops
//! `{iterations, success, ...}`, data_transform `{<output_field>: data, metadata}`, file_ops
//! the operation's summary, a skipped step `{success: true, skipped: true}`.

mod condition;
mod context;
mod echo;
mod file_ops;
mod interpolate;
mod llm;
mod loops;
mod nested;
mod options;
mod prompt;
mod raw;
mod set_variable;
mod transform;
mod workspace;

use pipec_diagnostics::{Code, Span};
use pipec_ir::{Pipeline, PipelineSource, Step, StepKind};
use serde_json::{Value, json};

pub use raw::RawSource;

use super::error::RunError;
use super::frame::Frame;
use super::program::Program;
use super::state::RunState;
pub use context::Context;

/// A pipeline_ex step ready to run: its mapping as interpolated when it starts, and what it
/// saw then.
pub struct Prepared {
    /// The step's mapping, interpolated.
    pub raw: Value,
    /// What the step sees.
    pub ctx: Context,
    /// The workflow mapping the step belongs to.
    pub workflow: Value,
    /// Where the step's mapping is written.
    pub span: Span,
}

impl Prepared {
    /// `error` pointing at the key at dotted `path` of the step's mapping (`prompt.1.path`),
    /// when that key is written.
    #[must_use]
    pub fn at_key(&self, program: &Program, path: &str, error: RunError) -> RunError {
        match program.raw_key_span(self.span, path) {
            Some(span) if error.span.is_none() => error.at(span),
            _ => error,
        }
    }
}

/// The workflow mapping of `pipeline` (for `global_vars`, `workspace_dir`, `defaults`).
#[must_use]
pub fn workflow(program: &Program, pipeline: &Pipeline) -> Value {
    program.raw(pipeline.span).cloned().unwrap_or(Value::Null)
}

/// `step` as it runs in `frame`: its mapping interpolated with what it sees now (or as the
/// enclosing loop interpolated it).
///
/// # Errors
/// P0711 when the file's text was not given to the program.
pub fn prepare(run: &RunState<'_>, frame: &Frame<'_>, step: &Step) -> Result<Prepared, RunError> {
    let workflow = workflow(run.program, frame.pipeline);
    let globals = workflow.get("global_vars").cloned().unwrap_or(Value::Null);
    let ctx = Context::of(frame, globals);
    let raw = match frame.raw_override(step.span) {
        Some(raw) => raw.clone(),
        None => interpolate::value(raw_of(run.program, step)?, &ctx),
    };
    Ok(Prepared {
        raw,
        ctx,
        workflow,
        span: step.span,
    })
}

/// The raw mapping of `step`.
///
/// # Errors
/// P0711 when the file's text was not given to the program.
pub fn raw_of<'p>(program: &'p Program, step: &Step) -> Result<&'p Value, RunError> {
    program.raw(step.span).ok_or_else(|| {
        RunError::new(
            Code::P0711,
            "the text of this pipeline_ex file was not given to the runtime",
        )
        .at(step.type_name.span)
        .with_help("add the file's text with `Program::add_source` before running it")
    })
}

/// Whether `step` runs: its `condition` (a while_loop's is its loop condition).
#[must_use]
pub fn when(prepared: &Prepared, step: &Step) -> bool {
    if step.type_name.text == "while_loop" {
        return true;
    }
    match prepared.raw.get("condition") {
        Some(condition) => condition::holds(condition, &prepared.ctx),
        None => true,
    }
}

/// What pipeline_ex records for a step whose condition is false.
#[must_use]
pub fn skipped() -> Value {
    json!({"success": true, "skipped": true})
}

/// Runs `step`, prepared.
///
/// # Errors
/// Whatever the step type fails with (P0703–P0710 for calls, P0722–P0724 for pipeline_ex's
/// own failures).
pub async fn execute(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    prepared: Prepared,
) -> Result<Value, RunError> {
    let ty = step.type_name.text.as_str();
    let result = match ty {
        "set_variable" => set_variable::run(frame, &prepared),
        "test_echo" => echo::run(&prepared),
        "for_loop" => loops::for_loop(run, frame, step, key, &prepared).await,
        "while_loop" => loops::while_loop(run, frame, step, key, &prepared).await,
        "data_transform" => transform::run(run.program, &prepared),
        "file_ops" => file_ops::run(run, &prepared),
        "pipeline" => nested::run(run, frame, step, key, &prepared).await,
        "parallel_claude" => llm::parallel(run, step, key, &prepared, "parallel_tasks").await,
        "claude_batch" if prepared.raw.get("tasks").is_some() => {
            llm::parallel(run, step, key, &prepared, "tasks").await
        }
        _ => llm::run(run, step, key, &prepared).await,
    }
    .map_err(|e| e.at_step(key, step.type_name.span))?;
    workspace::output_to_file(run, &prepared, &result)?;
    Ok(result)
}

/// P0721 for every option of every pipeline_ex step of `program` that a run cannot honour:
/// shown before the run starts, which then goes on without them.
#[must_use]
pub fn warnings(program: &Program) -> Vec<RunError> {
    let mut found = Vec::new();
    for pipeline in program.pipeline_ex_files() {
        walk(program, &pipeline.steps, &mut found, 0);
    }
    found
}

/// Loop bodies and inline pipelines nest at most this deep here (the checker bounds real
/// nesting); deeper steps are not walked.
const MAX_WALK_DEPTH: u32 = 64;

fn walk(program: &Program, steps: &[Step], found: &mut Vec<RunError>, depth: u32) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    for step in steps {
        if let Some(raw) = program.raw(step.span) {
            found.extend(options::unsupported(program, step, raw));
        }
        match &step.kind {
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                walk(program, steps, found, depth + 1);
            }
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => walk(program, &inner.steps, found, depth + 1),
            _ => {}
        }
    }
}
