//! What is checked before a run makes its first call: every pipeline of the program is a
//! native one, every step kind can run, and every model-calling step names a model. A run
//! that could only fail there stops before spending anything (P0711, P0712).

use pipec_diagnostics::Code;
use pipec_ir::{Dialect, Pipeline, PipelineSource, PredictModule, PromptPart, Step, StepKind};

use super::error::RunError;
use super::models::resolve;
use super::program::Program;

/// The first problem that would stop a run of `program`, if any.
///
/// # Errors
/// P0711 for a pipeline_ex pipeline or a step kind that cannot run yet, P0712 for a
/// model-calling step without a model.
pub fn check(program: &Program) -> Result<(), RunError> {
    if let Some(pipeline) = program.first_pipeline_ex() {
        return Err(RunError::new(
            Code::P0711,
            format!("`{}` is a pipeline_ex pipeline, which cannot run yet", pipeline.name.text),
        )
        .at(pipeline.name.span)
        .with_help("`pipec check` checks pipeline_ex files; `pipec run` runs native (`pipec: 1`) pipelines"));
    }
    pipeline(program, program.root(), 0)
}

/// Sub-pipelines nest at most this deep here (the checker bounds real nesting, and file
/// cycles are errors); a deeper chain is not walked further.
const MAX_DEPTH: u32 = 64;

fn pipeline(program: &Program, pipeline: &Pipeline, depth: u32) -> Result<(), RunError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    steps(program, pipeline, &pipeline.steps, depth)
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
                    if callee.dialect == Dialect::PipelineEx {
                        return not_runnable("pipeline_ex sub-pipelines");
                    }
                    pipeline(program, callee, depth + 1)?;
                }
            }
            StepKind::Transform { .. } | StepKind::Set { .. } => {}
        }
    }
    Ok(())
}
