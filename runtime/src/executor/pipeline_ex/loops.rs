//! for_loop and while_loop (pipeline_ex's `Step.Loop`).
//!
//! pipeline_ex interpolates a loop's whole mapping once, when the loop starts, so its body
//! steps run with the mappings of that moment (a `{{loop.item}}` inside them is already
//! blank; the loop context is for conditions and data sources). The body runs in a child
//! frame per iteration, keyed `ID[i]/`, with `loop` bound to the loop context (for_loop:
//! the iterator name → item, `index`, `total`, `first`, `last`, `level`, `parent`;
//! while_loop: `iteration`, `count`); each iteration's body results are merged into the
//! loop's frame (later iterations and steps see them) and so are the variables it sets.
//!
//! - for_loop: `data_source` is `STEP:field.path` or a name (a variable, else a step
//!   result), and must be a list. Iterations run one at a time, or with `parallel: true`
//!   and more than 10 items, `max_parallel` (default 5, at most 10) at once.
//!   `break_condition` / `continue_condition` are checked before each iteration. With
//!   `break_on_error: false` a failed iteration is recorded and the loop goes on. The result
//!   is `{iterations: [{index, item, success, results}], success, total_items,
//!   completed_items}`.
//! - while_loop: the body runs while `condition` holds, at most `max_iterations` (default
//!   100, at most 1000) times; the result is `{success, iterations: [...], condition_met}`,
//!   or `{success: false, iterations, max_iterations_reached: true}` at the bound.
//!
//! data_transform, file_ops and pipeline steps fail inside a loop body, as in pipeline_ex
//! ("Unsupported step type in loop").

use std::collections::HashMap;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use pipec_diagnostics::{Code, Span};
use pipec_ir::{Step, StepKind};
use serde_json::{Map, Value, json};

use super::Prepared;
use super::condition;
use super::context::{Context, path};
use crate::executor::error::RunError;
use crate::executor::frame::Frame;
use crate::executor::schedule::run_steps;
use crate::executor::state::RunState;

/// for_loop's default `max_parallel` and its cap.
const DEFAULT_MAX_PARALLEL: usize = 5;
const MAX_PARALLEL: usize = 10;

/// The body of a loop step, with the mappings its steps run with.
fn body<'s>(
    step: &'s Step,
    prepared: &Prepared,
) -> Result<(&'s [Step], HashMap<Span, Value>), RunError> {
    let steps = match &step.kind {
        StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => steps.as_slice(),
        _ => &[],
    };
    for inner in steps {
        if matches!(
            inner.type_name.text.as_str(),
            "data_transform" | "file_ops" | "pipeline"
        ) {
            return Err(RunError::new(
                Code::P0724,
                format!("Unsupported step type in loop: {}", inner.type_name.text),
            )
            .at(inner.type_name.span)
            .with_help(
                "move this step out of the loop body: pipeline_ex's loop runner rejects it",
            ));
        }
    }
    let raws = prepared.raw.get("steps").and_then(Value::as_array);
    let raw_body = steps
        .iter()
        .zip(raws.into_iter().flatten())
        .map(|(s, raw)| (s.span, raw.clone()))
        .collect();
    Ok((steps, raw_body))
}

/// The level of the loop running in `frame` (0 for an outermost loop) and its parent's
/// context.
fn parent_loop(ctx: &Context) -> (u64, Value) {
    match ctx.results.get("loop") {
        Some(parent) => (
            parent
                .get("level")
                .and_then(Value::as_u64)
                .map_or(1, |l| l + 1),
            parent.clone(),
        ),
        None => (0, Value::Null),
    }
}

/// One iteration's outcome.
struct Iteration {
    entry: Value,
    results: Map<String, Value>,
    vars: Map<String, Value>,
}

#[allow(clippy::too_many_arguments, reason = "one iteration's whole situation")]
async fn iterate(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    steps: &[Step],
    raw_body: &HashMap<Span, Value>,
    prefix: String,
    loop_ctx: Value,
    index: usize,
    item: Option<&Value>,
) -> Result<Iteration, RunError> {
    let mut locals = Map::new();
    locals.insert("loop".to_owned(), loop_ctx);
    let child = frame.child(prefix, locals).with_raw_body(raw_body.clone());
    run_steps(run, &child, steps).await?;
    let own = child.own_results();
    let results: Map<String, Value> = steps
        .iter()
        .filter_map(|s| own.get(&s.id.text).map(|v| (s.id.text.clone(), v.clone())))
        .collect();
    let mut entry = json!({"index": index, "success": true, "results": results});
    if let Some(item) = item {
        entry["item"] = item.clone();
    }
    Ok(Iteration {
        entry,
        results,
        vars: child.own_vars(),
    })
}

/// Merges an iteration's body results and variables into the loop's frame.
fn merge(frame: &Frame<'_>, steps: &[Step], iteration: &Iteration) {
    for step in steps {
        if let Some(value) = iteration.results.get(&step.id.text) {
            frame.record(step, value);
        }
    }
    frame.set_vars(&iteration.vars);
}

/// for_loop's `data_source`.
fn data_source(source: &str, ctx: &Context) -> Option<Value> {
    let (name, field) = match source.split_once(':') {
        Some((name, field)) => (name, Some(field)),
        None => (source, None),
    };
    let segments: Vec<&str> = name.split('.').collect();
    let root = match field {
        Some(_) => ctx.results.get(segments[0]),
        None => ctx
            .var(segments[0])
            .or_else(|| ctx.results.get(segments[0])),
    }?;
    let base = path(root, &segments[1..])?;
    match field {
        Some(field) => {
            let parts: Vec<&str> = field.split('.').collect();
            path(base, &parts).cloned()
        }
        None => Some(base.clone()),
    }
}

/// Runs a for_loop.
///
/// # Errors
/// P0724 for a data source that is not a list; a body step's failure (with
/// `break_on_error`, the default).
pub async fn for_loop(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    prepared: &Prepared,
) -> Result<Value, RunError> {
    let raw = &prepared.raw;
    let (steps, raw_body) = body(step, prepared)?;
    let source = raw
        .get("data_source")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let items = match data_source(source, &prepared.ctx) {
        Some(Value::Array(items)) => items,
        other => {
            let error = RunError::new(
                Code::P0724,
                format!(
                    "the data source `{source}` is {}, not a list",
                    other.as_ref().map_or("not found", kind_name)
                ),
            )
            .with_label("not a list")
            .with_help("name a list: `STEP:field.path` or a variable holding one");
            return Err(prepared.at_key(run.program, "data_source", error));
        }
    };
    let iterator = raw
        .get("iterator")
        .and_then(Value::as_str)
        .unwrap_or("item");
    let break_on_error = raw.get("break_on_error").and_then(Value::as_bool) != Some(false);
    let parallel = raw.get("parallel").and_then(Value::as_bool) == Some(true) && items.len() > 10;
    let max_parallel = raw
        .get("max_parallel")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .map_or(DEFAULT_MAX_PARALLEL, |n| n.min(MAX_PARALLEL));
    let (level, parent) = parent_loop(&prepared.ctx);
    let total = items.len();
    let loop_ctx = |i: usize, item: &Value| {
        json!({
            iterator: item, "index": i, "total": total, "first": i == 0,
            "last": i + 1 == total, "level": level, "parent": parent,
        })
    };

    let mut entries: Vec<Option<Value>> = vec![None; total];
    let mut first_error = None;
    if parallel {
        let mut pending = items.iter().enumerate();
        let mut running = FuturesUnordered::new();
        loop {
            while running.len() < max_parallel && first_error.is_none() {
                let Some((i, item)) = pending.next() else {
                    break;
                };
                let prefix = format!("{key}[{i}]/");
                let lc = loop_ctx(i, item);
                let raw_body = &raw_body;
                running.push(async move {
                    (
                        i,
                        iterate(run, frame, steps, raw_body, prefix, lc, i, Some(item)).await,
                    )
                });
            }
            let Some((i, outcome)) = running.next().await else {
                break;
            };
            match outcome {
                Ok(iteration) => {
                    merge(frame, steps, &iteration);
                    entries[i] = Some(iteration.entry);
                }
                Err(error) if break_on_error => {
                    first_error.get_or_insert(error);
                }
                Err(error) => entries[i] = Some(failed_entry(i, Some(&items[i]), &error)),
            }
        }
    } else {
        for (i, item) in items.iter().enumerate() {
            let lc = loop_ctx(i, item);
            let mut ctx = Context::of(frame, prepared.ctx.globals.clone());
            ctx.results.insert("loop".to_owned(), lc.clone());
            if let Some(c) = raw.get("break_condition")
                && condition::holds(c, &ctx)
            {
                break;
            }
            if let Some(c) = raw.get("continue_condition")
                && condition::holds(c, &ctx)
            {
                continue;
            }
            let prefix = format!("{key}[{i}]/");
            match iterate(run, frame, steps, &raw_body, prefix, lc, i, Some(item)).await {
                Ok(iteration) => {
                    merge(frame, steps, &iteration);
                    entries[i] = Some(iteration.entry);
                }
                Err(error) if break_on_error => {
                    first_error = Some(error);
                    break;
                }
                Err(error) => entries[i] = Some(failed_entry(i, Some(item), &error)),
            }
        }
    }
    if let Some(error) = first_error {
        return Err(error);
    }
    let iterations: Vec<Value> = entries.into_iter().flatten().collect();
    let completed = iterations
        .iter()
        .filter(|e| e.get("success") == Some(&Value::Bool(true)))
        .count();
    Ok(json!({
        "success": completed == iterations.len(),
        "total_items": total,
        "completed_items": completed,
        "iterations": iterations,
    }))
}

fn failed_entry(index: usize, item: Option<&Value>, error: &RunError) -> Value {
    let mut entry = json!({"index": index, "success": false, "error": error.message});
    if let Some(item) = item {
        entry["item"] = item.clone();
    }
    entry
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Runs a while_loop.
///
/// # Errors
/// A body step's failure.
pub async fn while_loop(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    prepared: &Prepared,
) -> Result<Value, RunError> {
    let (steps, raw_body) = body(step, prepared)?;
    let max_iterations = match &step.kind {
        StepKind::Loop {
            max_iterations: Some(bound),
            ..
        } => bound.value,
        _ => 100,
    };
    let condition = prepared
        .raw
        .get("condition")
        .cloned()
        .unwrap_or(Value::Null);
    let (level, parent) = parent_loop(&prepared.ctx);
    let mut iterations = Vec::new();
    let mut i: u64 = 0;
    loop {
        let loop_ctx = json!({"iteration": i, "count": i, "level": level, "parent": parent});
        let mut ctx = Context::of(frame, prepared.ctx.globals.clone());
        ctx.results.insert("loop".to_owned(), loop_ctx.clone());
        if !condition::holds(&condition, &ctx) {
            return Ok(json!({"success": true, "iterations": iterations, "condition_met": true}));
        }
        if i >= max_iterations {
            return Ok(json!({
                "success": false, "iterations": iterations, "max_iterations_reached": true,
            }));
        }
        let index = usize::try_from(i).unwrap_or(usize::MAX);
        let iteration = iterate(
            run,
            frame,
            steps,
            &raw_body,
            format!("{key}[{i}]/"),
            loop_ctx,
            index,
            None,
        )
        .await?;
        merge(frame, steps, &iteration);
        iterations.push(iteration.entry);
        i += 1;
    }
}
