//! What each step kind does once its step runs. One file per kind; each returns the step's
//! result (what `steps.ID` reads later):
//!
//! | kind | result |
//! |---|---|
//! | `predict`, `chain_of_thought` | a record of the signature's outputs (`reasoning` first for CoT) |
//! | `llm` and the provider-bound kinds | the reply text |
//! | `map` | a list: each item's last body step result |
//! | `loop` | the last body step's result of the last iteration (`null` if none ran) |
//! | `branch` | the last step's result of the case that ran (`null` if none) |
//! | `pipeline` | a record of the callee's outputs |
//! | `set` | a record of the variables it set |
//! | `transform` | the transformed value |
//!
//! pipeline_ex steps do not come here: `pipeline_ex/` runs them (step.rs dispatches on the
//! pipeline's dialect). `react` is not runnable yet: it stops the run with P0711.

mod branch;
mod llm;
mod map;
mod predict;
mod repeat;
mod set;
mod subpipeline;
mod transform;

use pipec_diagnostics::Code;
use pipec_eval::MapScope;
use pipec_ir::{PredictModule, Step, StepKind};
use serde_json::Value;

use super::error::RunError;
use super::frame::Frame;
use super::state::RunState;

/// Runs `step`'s kind; `scope` holds what its own expressions read.
///
/// # Errors
/// Whatever the kind fails with.
pub async fn execute(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    scope: MapScope,
) -> Result<Value, RunError> {
    match &step.kind {
        StepKind::Set { vars } => set::run(frame, vars, &scope),
        StepKind::Transform { input, ops, .. } => {
            transform::run(frame.pipeline, input.as_ref(), ops, &scope)
        }
        StepKind::Llm {
            provider, prompt, ..
        } => llm::run(run, frame, step, key, provider.as_deref(), prompt, &scope).await,
        StepKind::Predict {
            module: PredictModule::React { .. },
            ..
        } => Err(not_runnable(step, "`react` steps (tool-using agents)")),
        StepKind::Predict {
            module,
            signature,
            with,
        } => predict::run(run, frame, step, key, module, signature, with, &scope).await,
        StepKind::Map { .. } => map::run(run, frame, step, key, &scope).await,
        StepKind::Loop { .. } => repeat::run(run, frame, step, key).await,
        StepKind::Branch { cases, default } => {
            branch::run(run, frame, key, cases, default, &scope).await
        }
        StepKind::Pipeline { source, inputs } => {
            subpipeline::run(run, frame, key, source, inputs, &scope).await
        }
        StepKind::Parallel { .. } => Err(not_runnable(step, "parallel prompt tasks")),
        StepKind::FileOps { .. } => Err(not_runnable(step, "file operations")),
        StepKind::Echo { .. } => Err(not_runnable(step, "`test_echo` steps")),
    }
}

fn not_runnable(step: &Step, what: &str) -> RunError {
    RunError::new(Code::P0711, format!("{what} cannot run yet"))
        .at(step.type_name.span)
        .with_label(format!("`{}` is not executable yet", step.type_name.text))
        .with_help("`pipec check` accepts this step; the runtime does not execute it yet")
}

/// The result of the last of `steps` as `frame` recorded it, or `null`.
fn last_result(frame: &Frame<'_>, steps: &[Step]) -> Value {
    steps
        .last()
        .and_then(|last| frame.result(&last.id.text))
        .unwrap_or(Value::Null)
}
