//! What is checked before a run makes its first call: every step kind can run, every
//! model-calling native step names a model, and the text of every pipeline_ex file was
//! given (its steps read their raw mappings). A run that could only fail there stops before
//! spending anything (P0711, P0712). pipeline_ex options a run cannot honour are warnings
//! ([`warnings`], P0721): the run goes on without them.

use pipec_diagnostics::Code;
use pipec_ir::{Dialect, Pipeline, PipelineSource, PredictModule, PromptPart, Step, StepKind};

use super::error::RunError;
use super::models::resolve;
use super::program::Program;

/// The first problem that would stop a run of `program`, if any.
///
/// # Errors
/// P0711 for a step kind that cannot run yet or a pipeline_ex file whose text is missing,
/// P0712 for a model-calling step without a model.
pub fn check(program: &Program) -> Result<(), RunError> {
    for pex in program.pipeline_ex_files() {
        if program.raw(pex.span).is_none() {
            return Err(RunError::new(
                Code::P0711,
                format!(
                    "the text of the pipeline_ex file of `{}` was not given to the runtime",
                    pex.name.text
                ),
            )
            .at(pex.name.span)
            .with_help(
                "add each pipeline_ex file's text with `Program::add_source` before running it",
            ));
        }
    }
    pipeline(program, program.root(), 0)
}

/// The P0721 warnings of every pipeline_ex step: options a run cannot honour.
#[must_use]
pub fn warnings(program: &Program) -> Vec<RunError> {
    super::pipeline_ex::warnings(program)
}

/// Sub-pipelines nest at most this deep here (the checker bounds real nesting, and file
/// cycles are errors); a deeper chain is not walked further.
const MAX_DEPTH: u32 = 64;

fn pipeline(program: &Program, pipeline: &Pipeline, depth: u32) -> Result<(), RunError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if pipeline.dialect == Dialect::PipelineEx {
        return pipeline_ex_steps(program, &pipeline.steps, depth);
    }
    steps(program, pipeline, &pipeline.steps, depth)
}

/// pipeline_ex steps: every type runs; only the pipelines they call are walked.
fn pipeline_ex_steps(program: &Program, list: &[Step], depth: u32) -> Result<(), RunError> {
    for step in list {
        match &step.kind {
            StepKind::Map { steps: body, .. } | StepKind::Loop { steps: body, .. } => {
                pipeline_ex_steps(program, body, depth)?;
            }
            StepKind::Pipeline { source, .. } => {
                let callee = match source {
                    PipelineSource::Inline(inline) => Some(&**inline),
                    PipelineSource::File(path) => program.called(path),
                };
                if let Some(callee) = callee {
                    pipeline(program, callee, depth + 1)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn steps(program: &Program, owner: &Pipeline, list: &[Step], depth: u32) -> Result<(), RunError> {
    for step in list {
        let not_runnable = |what: &str| {
            Err(RunError::new(Code::P0711, format!("{what} cannot run yet"))
                .at_step(&step.id.text, step.type_name.span)
                .with_label(format!("`{}` is not executable yet", step.type_name.text))
                .with_help("`pipec check` accepts this step; the runtime does not execute it yet"))
        };
        match &step.kind {
            StepKind::Predict {
                module: PredictModule::React { .. },
                ..
            } => return not_runnable("`react` steps (tool-using agents)"),
            StepKind::Predict { .. } => {
                resolve(owner, step, None).map_err(|e| e.at_step(&step.id.text, step.id.span))?;
            }
            StepKind::Llm {
                provider, prompt, ..
            } => {
                if prompt.iter().any(|p| matches!(p, PromptPart::File(_))) {
                    return not_runnable("file prompt parts");
                }
                resolve(owner, step, provider.as_deref())
                    .map_err(|e| e.at_step(&step.id.text, step.id.span))?;
            }
            StepKind::Parallel { .. } => return not_runnable("parallel prompt tasks"),
            StepKind::FileOps { .. } => return not_runnable("file operations"),
            StepKind::Echo { .. } => return not_runnable("`test_echo` steps"),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    steps(program, owner, &case.steps, depth)?;
                }
                steps(program, owner, default, depth)?;
            }
            StepKind::Map { steps: body, .. } | StepKind::Loop { steps: body, .. } => {
                steps(program, owner, body, depth)?;
            }
            StepKind::Pipeline { source, .. } => {
                let callee = match source {
                    PipelineSource::Inline(inline) => Some(&**inline),
                    PipelineSource::File(path) => program.called(path),
                };
                if let Some(callee) = callee {
                    pipeline(program, callee, depth + 1)?;
                }
            }
            StepKind::Transform { .. } | StepKind::Set { .. } => {}
        }
    }
    Ok(())
}
