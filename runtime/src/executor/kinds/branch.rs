//! `branch`: the first case whose `when` holds runs its steps (in a body frame keyed
//! `ID/`); otherwise `default` runs. The result is the last step's result of what ran.

use pipec_eval::MapScope;
use pipec_ir::{BranchCase, Step};
use serde_json::{Map, Value};

use super::last_result;
use crate::executor::error::RunError;
use crate::executor::evaluate::holds;
use crate::executor::frame::Frame;
use crate::executor::schedule::run_steps;
use crate::executor::state::RunState;

/// Runs a `branch` step.
///
/// # Errors
/// P0710 for a case condition that cannot be evaluated; a body step's error.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    key: &str,
    cases: &[BranchCase],
    default: &[Step],
    scope: &MapScope,
) -> Result<Value, RunError> {
    let mut chosen = None;
    for case in cases {
        if holds(&case.when, scope, frame.pipeline)? {
            chosen = Some(case.steps.as_slice());
            break;
        }
    }
    let Some(steps) = chosen.or((!default.is_empty()).then_some(default)) else {
        return Ok(Value::Null);
    };
    let body = frame.child(format!("{key}/"), Map::new());
    run_steps(run, &body, steps).await?;
    Ok(last_result(&body, steps))
}
