//! `map`: the body once per item of `over`, at most `max_parallel` items at once (all at
//! once when unset). Item `i` runs in a body frame keyed `ID[i]/` with the item bound to
//! the `as` name and `loop` to `{index, iteration, first, last, total}`. The result is the
//! list of each item's last body step result, in item order.
//!
//! A list longer than `max_items` stops the run (P0716): the bound is what `pipec check`
//! computed the run's worst case from. When an item fails, no new item starts; the running
//! ones finish (and are checkpointed), then the error is returned.

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use pipec_diagnostics::Code;
use pipec_eval::MapScope;
use pipec_ir::{Step, StepKind};
use serde_json::{Map, Value, json};

use super::last_result;
use crate::executor::error::RunError;
use crate::executor::evaluate;
use crate::executor::frame::Frame;
use crate::executor::schedule::run_steps;
use crate::executor::state::RunState;

/// Runs a `map` step.
///
/// # Errors
/// P0716 when `over` is not a list or is longer than `max_items`; an item's error.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    scope: &MapScope,
) -> Result<Value, RunError> {
    let StepKind::Map {
        over,
        item,
        max_items,
        max_parallel,
        steps,
    } = &step.kind
    else {
        return Ok(Value::Null);
    };
    let Some(over) = over else {
        return Ok(Value::Array(Vec::new()));
    };
    let items = match evaluate::expr(over, scope, frame.pipeline)? {
        Value::Array(items) => items,
        other => {
            return Err(RunError::new(
                Code::P0716,
                format!("`map` needs a list, but `over` is {}", describe(&other)),
            )
            .at(frame.pipeline.span_of(&over.span))
            .with_label("not a list"));
        }
    };
    if let Some(bound) = max_items
        && u64::try_from(items.len()).unwrap_or(u64::MAX) > bound.value
    {
        return Err(RunError::new(
            Code::P0716,
            format!(
                "`over` has {} items; `max_items` is {}",
                items.len(),
                bound.value
            ),
        )
        .at(frame.pipeline.span_of(&over.span))
        .with_label(format!("{} items", items.len()))
        .with_help("raise `max_items` (and the limits it feeds), or pass fewer items"));
    }
    let total = items.len();
    let parallel = max_parallel
        .and_then(|p| usize::try_from(p).ok())
        .unwrap_or(total)
        .max(1);
    let mut results = vec![Value::Null; total];
    let mut pending = items.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    let mut first_error = None;
    loop {
        while first_error.is_none() && running.len() < parallel {
            let Some((index, value)) = pending.next() else {
                break;
            };
            let mut locals = Map::new();
            locals.insert(item.text.clone(), value);
            locals.insert(
                "loop".to_owned(),
                json!({"index": index, "iteration": index + 1, "first": index == 0,
                       "last": index + 1 == total, "total": total}),
            );
            let body = frame.child(format!("{key}[{index}]/"), locals);
            running.push(async move {
                let result = run_steps(run, &body, steps).await;
                (index, result.map(|()| last_result(&body, steps)))
            });
        }
        let Some((index, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(value) => {
                if let Some(slot) = results.get_mut(index) {
                    *slot = value;
                }
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(Value::Array(results)),
    }
}

/// `a string`, `null`, `a dict` ...
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a dict",
    }
}
