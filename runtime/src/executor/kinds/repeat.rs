//! `loop`: the body again and again, iteration `i` in a body frame keyed `ID[i]/` that
//! starts from what iteration `i - 1` left (its step results and variables), with `loop`
//! bound to `{index, iteration, first}`. `while` is checked before each iteration, `until`
//! after it, both in the iteration's frame (so they read the body's steps). The loop also
//! stops after `max_iterations` (required by `pipec check`; the bound, not an error). The
//! result is the last body step's result of the last iteration, `null` if none ran.

use pipec_ir::{Condition, LoopCondition, Step, StepKind};
use serde_json::{Map, Value, json};

use super::last_result;
use crate::executor::error::RunError;
use crate::executor::evaluate::holds;
use crate::executor::frame::Frame;
use crate::executor::refs::Reads;
use crate::executor::schedule::run_steps;
use crate::executor::state::RunState;

/// pipeline_ex's `while_loop` default, used only if a bound is somehow missing.
const DEFAULT_MAX_ITERATIONS: u64 = 100;

/// Runs a `loop` step.
///
/// # Errors
/// P0710 for a condition that cannot be evaluated; a body step's error.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
) -> Result<Value, RunError> {
    let StepKind::Loop {
        condition,
        max_iterations,
        steps,
    } = &step.kind
    else {
        return Ok(Value::Null);
    };
    let max = max_iterations.map_or(DEFAULT_MAX_ITERATIONS, |b| b.value);
    let mut previous: Option<Frame<'_>> = None;
    let mut last = Value::Null;
    for index in 0..max {
        let locals = Map::from_iter([(
            "loop".to_owned(),
            json!({"index": index, "iteration": index + 1, "first": index == 0}),
        )]);
        let mut body = frame.child(format!("{key}[{index}]/"), locals);
        if let Some(previous) = &previous {
            body.inherit(previous);
        }
        if let Some(LoopCondition::While(c)) = condition
            && !check(c, &body)?
        {
            break;
        }
        run_steps(run, &body, steps).await?;
        last = last_result(&body, steps);
        let done = match condition {
            Some(LoopCondition::Until(c)) => check(c, &body)?,
            _ => false,
        };
        previous = Some(body);
        if done {
            break;
        }
    }
    Ok(last)
}

fn check(condition: &Condition, body: &Frame<'_>) -> Result<bool, RunError> {
    let mut reads = Reads::default();
    reads.condition(condition);
    holds(condition, &body.scope(&reads.steps), body.pipeline)
}
