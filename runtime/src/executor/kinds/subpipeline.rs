//! `pipeline`: another pipeline — written inline, or a file the [`Program`] holds — run
//! with the step's `with` values as its inputs (checked against its declared inputs, its
//! defaults applied), in a new root frame keyed `ID/`: it sees only its own inputs, steps,
//! models and signatures. The result is the record of its outputs. The run's budget and
//! checkpoint cover its steps like any other. A pipeline_ex callee takes the values as
//! they are (it declares no inputs) and gives back its step results by name.
//!
//! [`Program`]: crate::executor::Program

use pipec_diagnostics::Code;
use pipec_eval::MapScope;
use pipec_ir::{Binding, Dialect, PipelineSource};
use serde_json::{Map, Value};

use crate::executor::error::RunError;
use crate::executor::evaluate;
use crate::executor::frame::Frame;
use crate::executor::outputs;
use crate::executor::schedule::run_steps;
use crate::executor::state::RunState;
use crate::inputs::prepare;

/// Runs a `pipeline` step.
///
/// # Errors
/// P0711 for a file the program lacks or a pipeline_ex callee; P0700/P0701 for inputs that
/// do not fit; the callee's errors.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    key: &str,
    source: &PipelineSource,
    with: &[Binding],
    scope: &MapScope,
) -> Result<Value, RunError> {
    let callee = match source {
        PipelineSource::Inline(inline) => &**inline,
        PipelineSource::File(path) => run.program.called(path).ok_or_else(|| {
            RunError::new(
                Code::P0711,
                format!(
                    "pipeline file `{}` was not loaded with the program",
                    path.text
                ),
            )
            .at(path.span)
        })?,
    };
    let mut given = Map::new();
    for binding in with {
        let value = evaluate::template(&binding.value, scope, frame.pipeline)?;
        given.insert(binding.name.text.clone(), value);
    }
    if callee.dialect == Dialect::PipelineEx {
        let inputs = Value::Object(given);
        let sub = Frame::root(callee, &inputs, format!("{key}/"), frame.depth + 1);
        run_steps(run, &sub, &callee.steps).await?;
        return Ok(Value::Object(sub.own_results()));
    }
    let inputs = prepare(callee, given).map_err(|errors| {
        let mut errors = errors.into_iter();
        let first = errors
            .next()
            .unwrap_or_else(|| RunError::new(Code::P0700, "invalid inputs"));
        errors.fold(first, |acc, more| acc.with_note(more.message.clone()))
    })?;
    let inputs = Value::Object(inputs);
    let sub = Frame::root(callee, &inputs, format!("{key}/"), frame.depth + 1);
    run_steps(run, &sub, &callee.steps).await?;
    outputs::evaluate(&sub, callee).map(Value::Object)
}
