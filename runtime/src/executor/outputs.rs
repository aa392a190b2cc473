//! A pipeline's declared `outputs`, evaluated once its steps have finished.
//!
//! An output that reads through a step that was skipped (`when` false, result `null`) is
//! `null` rather than an error: `plan: steps.plan.steps` is simply absent when no plan was
//! made. Any other failure is P0710 at the output's expression.

use pipec_ir::Pipeline;
use serde_json::{Map, Value};

use super::error::RunError;
use super::evaluate;
use super::frame::Frame;
use super::refs::Reads;

/// The outputs of `pipeline`, whose steps ran in `frame`.
///
/// # Errors
/// P0710 when an output cannot be evaluated.
pub fn evaluate(frame: &Frame<'_>, pipeline: &Pipeline) -> Result<Map<String, Value>, RunError> {
    let mut outputs = Map::new();
    for output in &pipeline.outputs {
        let mut reads = Reads::default();
        reads.expr(&output.value);
        let scope = frame.scope(&reads.steps);
        let value = match evaluate::expr(&output.value, &scope, pipeline) {
            Ok(value) => value,
            Err(error) => {
                let through_skipped = reads
                    .steps
                    .iter()
                    .any(|id| frame.result(id) == Some(Value::Null));
                if !through_skipped {
                    return Err(error.with_note(format!("in output `{}`", output.name.text)));
                }
                Value::Null
            }
        };
        outputs.insert(output.name.text.clone(), value);
    }
    Ok(outputs)
}
