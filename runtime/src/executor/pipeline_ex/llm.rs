//! The LLM step types, one model call each (see `options.rs` for what carries over):
//! claude and the enhanced Claude types (claude_smart, claude_session, claude_extract,
//! claude_robust, a claude_batch without `tasks`) call Anthropic and return pipeline_ex's
//! `{text, success, cost}`; gemini and gemini_instructor call Gemini and return
//! `{content, success, cost, function_calls}`. parallel_claude runs its `parallel_tasks`
//! at the same time, claude_batch its `tasks` (at most `batch_config.max_parallel`, default
//! 3, at once), each task one Claude call, and both return pipeline_ex's
//! `{combined_results, individual_results}`: the tasks' results by id, and their texts as
//! pipeline_ex joins them (`===[id]===` and the result as Elixir's `inspect` prints it); a
//! task's `output_to_file` is written like a step's.
//!
//! `cost` is what the run's price table says a call cost (0 without one: pipeline_ex's own
//! figures are made up too).

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use pipec_ir::Step;
use serde_json::{Map, Value, json};

use super::Prepared;
use super::context::text;
use super::options;
use super::prompt;
use super::workspace::write_output;
use crate::executor::budget::Cost;
use crate::executor::error::RunError;
use crate::executor::model_call::{CallSite, complete};
use crate::executor::models::ResolvedModel;
use crate::executor::state::RunState;
use crate::providers::{ChatResponse, Message};

/// Runs a single-call LLM step.
///
/// # Errors
/// The prompt's or the call's failure.
pub async fn run(
    run: &RunState<'_>,
    step: &Step,
    key: &str,
    prepared: &Prepared,
) -> Result<Value, RunError> {
    let ty = step.type_name.text.as_str();
    let raw = &prepared.raw;
    let text = render(run, prepared, raw.get("prompt"), "prompt")?;
    if ty.starts_with("gemini") {
        let model = options::gemini(ty, raw);
        let response = call(run, step, key, &model, None, text).await?;
        return Ok(json!({
            "content": response.text,
            "success": true,
            "cost": cost(&model, &response),
            "function_calls": [],
        }));
    }
    let claude_options = raw.get("claude_options").unwrap_or(&Value::Null);
    let model = options::claude(ty, raw, claude_options, &prepared.workflow);
    claude_call(run, step, key, &model, claude_options, text).await
}

/// A prompt of the step (at dotted `at` in its mapping), its errors pointing at the part.
fn render(
    run: &RunState<'_>,
    prepared: &Prepared,
    prompt: Option<&Value>,
    at: &str,
) -> Result<String, RunError> {
    prompt::render(
        prompt.unwrap_or(&Value::Null),
        &prepared.ctx,
        &run.config.working_dir,
    )
    .map_err(|(key, error)| prepared.at_key(run.program, &format!("{at}.{key}"), error))
}

/// One Claude call and pipeline_ex's `{text, success, cost}`.
async fn claude_call(
    run: &RunState<'_>,
    step: &Step,
    key: &str,
    model: &ResolvedModel,
    claude_options: &Value,
    text: String,
) -> Result<Value, RunError> {
    let system = options::system(claude_options);
    let response = call(run, step, key, model, system, text).await?;
    Ok(json!({
        "text": response.text,
        "success": true,
        "cost": cost(model, &response),
    }))
}

async fn call(
    run: &RunState<'_>,
    step: &Step,
    key: &str,
    model: &ResolvedModel,
    system: Option<String>,
    prompt: String,
) -> Result<ChatResponse, RunError> {
    let mut messages: Vec<Message> = system.into_iter().map(Message::system).collect();
    messages.push(Message::user(prompt));
    let site = CallSite {
        key,
        max_attempts: step.max_attempts,
        timeout_s: step.timeout_s,
        adapter: "none",
    };
    complete(run, site, model, messages).await
}

fn cost(model: &ResolvedModel, response: &ChatResponse) -> f64 {
    response
        .usage
        .map_or(0.0, |usage| Cost::of(usage, model.settings.price).usd)
}

/// Runs parallel_claude's `parallel_tasks` or claude_batch's `tasks` (`list`).
///
/// # Errors
/// The first task's failure (the others still finish).
pub async fn parallel(
    run: &RunState<'_>,
    step: &Step,
    key: &str,
    prepared: &Prepared,
    list: &str,
) -> Result<Value, RunError> {
    let raw = &prepared.raw;
    let ty = step.type_name.text.as_str();
    let tasks: Vec<&Value> = raw
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let limit = if list == "tasks" {
        raw.get("batch_config")
            .and_then(|c| c.get("max_parallel"))
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(3)
    } else {
        usize::MAX
    };
    let shared = match raw.get("prompt") {
        Some(p) if list == "tasks" => Some(render(run, prepared, Some(p), "prompt")?),
        _ => None,
    };
    let mut jobs = Vec::with_capacity(tasks.len());
    for (i, task) in tasks.iter().enumerate() {
        let id = task
            .get(if list == "tasks" { "task_id" } else { "id" })
            .map(text)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("task_{}", i + 1));
        let mut parts: Vec<String> = shared.iter().cloned().collect();
        if let Some(p) = task.get("prompt") {
            parts.push(render(
                run,
                prepared,
                Some(p),
                &format!("{list}.{i}.prompt"),
            )?);
        }
        if let Some(file) = task.get("file").and_then(Value::as_str) {
            let part = json!([{"type": "file", "path": file}]);
            parts.push(
                render(run, prepared, Some(&part), &format!("{list}.{i}.prompt"))
                    .map_err(|e| prepared.at_key(run.program, &format!("{list}.{i}.file"), e))?,
            );
        }
        let claude_options = task.get("claude_options").cloned().unwrap_or(Value::Null);
        let model = options::claude(ty, raw, &claude_options, &prepared.workflow);
        jobs.push((id, model, claude_options, parts.join("\n")));
    }

    let mut results: Vec<Option<Value>> = vec![None; jobs.len()];
    let mut first_error = None;
    let mut pending = jobs.iter().enumerate();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < limit && first_error.is_none() {
            let Some((i, (id, model, claude_options, text))) = pending.next() else {
                break;
            };
            let task_key = format!("{key}[{id}]");
            running.push(async move {
                let result =
                    claude_call(run, step, &task_key, model, claude_options, text.clone()).await;
                (i, result)
            });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(value) => results[i] = Some(value),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    if let Some(error) = first_error {
        return Err(error);
    }
    let mut individual = Map::new();
    let mut combined = Vec::with_capacity(jobs.len());
    for (i, ((id, ..), result)) in jobs.iter().zip(results).enumerate() {
        let result = result.unwrap_or(Value::Null);
        if let Some(file) = tasks[i].get("output_to_file").and_then(Value::as_str) {
            let key = format!("{list}.{i}.output_to_file");
            write_output(run, prepared, file, &key, &result)?;
        }
        combined.push(format!("\n===[{id}]===\n{}", inspect(&result)));
        individual.insert(id.clone(), result);
    }
    Ok(json!({
        "combined_results": combined.join("\n"),
        "individual_results": individual,
    }))
}

/// A result as Elixir's `inspect` prints it (atom keys, sorted; strings quoted).
#[must_use]
pub fn inspect(value: &Value) -> String {
    match value {
        Value::Null => "nil".to_owned(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inspect).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => {
            // JSON objects keep insertion order; Elixir prints small maps sorted by key.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            format!(
                "%{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", inspect(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        other => other.to_string(),
    }
}
