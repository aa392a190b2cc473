//! One step, from start to checkpoint: restore it if an earlier attempt of the run
//! finished it; otherwise evaluate `when` (false: the result is `null` and the step is
//! `skipped`), run its kind, record the result in the frame, save the checkpoint, and only
//! then report it finished — so a step that depends on it starts after it is durable.
//! pipeline_ex steps take their condition, their skipped result and their kind from
//! `pipeline_ex/`; a restored pipeline_ex set_variable, for_loop or while_loop runs again
//! to set the variables it set (pipeline_ex's results do not hold them): a set_variable
//! makes no call, and a loop's body steps are all restored in turn, so nothing is called
//! again and the results come out the same.

use std::future::Future;
use std::pin::Pin;

use pipec_ir::{Dialect, Step};
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use super::error::RunError;
use super::evaluate::holds;
use super::frame::Frame;
use super::kinds;
use super::pipeline_ex;
use super::refs::reads_of;
use super::state::{RunState, millis};
use crate::events::Event;

/// A boxed step future: steps nest (a map's body is steps), so the recursion needs a box.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), RunError>> + Send + 'a>>;

/// Runs `step` in `frame`.
pub fn run_step<'a>(run: &'a RunState<'a>, frame: &'a Frame<'a>, step: &'a Step) -> StepFuture<'a> {
    let key = frame.key(step);
    let span = tracing::info_span!("step", key = %key, kind = %step.type_name.text);
    Box::pin(
        async move {
            let result = run_step_inner(run, frame, step, &key).await;
            if let Err(error) = &result {
                // Only the step where the error arose reports it; its parents pass it on.
                if error.step.as_deref().is_none_or(|failed| failed == key) {
                    tracing::warn!(code = %error.code, message = %error.message, "step failed");
                    run.emit(Event::StepFailed {
                        step: key.clone(),
                        code: error.code.to_string(),
                        message: error.message.clone(),
                        at_ms: run.at_ms(),
                    });
                }
            }
            result.map_err(|e| e.at_step(&key, step.id.span))
        }
        .instrument(span),
    )
}

async fn run_step_inner(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
) -> Result<(), RunError> {
    let pipeline_ex = frame.pipeline.dialect == Dialect::PipelineEx;
    if let Some(record) = run.restored.get(key) {
        if pipeline_ex && sets_variables(step) && record.status == "ok" {
            let prepared = pipeline_ex::prepare(run, frame, step)?;
            pipeline_ex::execute(run, frame, step, key, prepared).await?;
        }
        frame.record(step, &record.result);
        run.count(|s| s.restored += 1);
        run.emit(Event::StepFinished {
            step: key.to_owned(),
            status: "restored".to_owned(),
            output: record.result.clone(),
            duration_ms: 0,
            at_ms: run.at_ms(),
        });
        return Ok(());
    }
    let started = Instant::now();
    run.emit(Event::StepStarted {
        step: key.to_owned(),
        kind: step.type_name.text.clone(),
        at_ms: run.at_ms(),
    });
    let (runs, result) = if pipeline_ex {
        let prepared = pipeline_ex::prepare(run, frame, step)?;
        if pipeline_ex::when(&prepared, step) {
            (
                true,
                pipeline_ex::execute(run, frame, step, key, prepared).await?,
            )
        } else {
            (false, pipeline_ex::skipped())
        }
    } else {
        let reads = reads_of(step);
        let scope = frame.scope(&reads.steps);
        let runs = match &step.when {
            Some(condition) => holds(condition, &scope, frame.pipeline)?,
            None => true,
        };
        if runs {
            (true, kinds::execute(run, frame, step, key, scope).await?)
        } else {
            (false, Value::Null)
        }
    };
    let status = if runs { "ok" } else { "skipped" };
    frame.record(step, &result);
    run.checkpoint(key, status, &result)?;
    run.count(|s| {
        if runs {
            s.steps += 1;
        } else {
            s.skipped += 1;
        }
    });
    run.emit(Event::StepFinished {
        step: key.to_owned(),
        status: status.to_owned(),
        output: result,
        duration_ms: millis(started.elapsed()),
        at_ms: run.at_ms(),
    });
    Ok(())
}

/// Whether a restored pipeline_ex step must run again to set its variables.
fn sets_variables(step: &Step) -> bool {
    matches!(
        step.type_name.text.as_str(),
        "set_variable" | "for_loop" | "while_loop"
    )
}
