//! `pipeline` steps (pipeline_ex's `NestedPipeline` and `Context.Nested`): another
//! pipeline — `pipeline_file` (a file the program holds) or an inline `pipeline` — run in
//! a new root frame keyed `ID/`, with its own results and variables.
//!
//! Its `inputs` are the step's (already interpolated by the parent) with what is left of
//! `{{ }}` resolved as `Context.Nested` does: a string that is exactly one template keeps
//! the value's type; `steps.X.result.field` reads X's result (the `result` segment names
//! the result itself), `steps.X`, `global_vars.x`; anything else stays as written. With
//! `config.inherit_context: true` and no `inputs`, the parent's inputs are passed. The
//! result is the nested results by step name, or with
//! `outputs` (names, or `{path, as}` with a dotted path into the results) just those; an
//! output that is not found fails the step. `config.max_depth` (default 10) bounds the
//! nesting; `pipeline_ref` always fails, as in pipeline_ex (no registry exists).

use pipec_diagnostics::Code;
use pipec_ir::{PipelineSource, Step, StepKind};
use serde_json::{Map, Value};

use super::Prepared;
use super::context::{Context, path};
use crate::executor::error::RunError;
use crate::executor::frame::Frame;
use crate::executor::schedule::run_steps;
use crate::executor::state::RunState;

/// pipeline_ex's default `max_depth`.
const DEFAULT_MAX_DEPTH: u64 = 10;

/// Runs a `pipeline` step.
///
/// # Errors
/// P0724 for `pipeline_ref`, a nesting deeper than `max_depth` or an output not found;
/// P0711 for a file the program lacks; the nested steps' errors.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    prepared: &Prepared,
) -> Result<Value, RunError> {
    let raw = &prepared.raw;
    let StepKind::Pipeline { source, .. } = &step.kind else {
        return Err(RunError::new(
            Code::P0724,
            "pipeline_ref is not implemented by pipeline_ex: no pipeline registry exists",
        )
        .with_help("use `pipeline_file: path/to/pipeline.yaml`"));
    };
    let callee = match source {
        PipelineSource::Inline(inline) => &**inline,
        PipelineSource::File(file) => run.program.called(file).ok_or_else(|| {
            RunError::new(
                Code::P0711,
                format!(
                    "pipeline file `{}` was not loaded with the program",
                    file.text
                ),
            )
            .at(file.span)
        })?,
    };
    let config = raw.get("config").cloned().unwrap_or(Value::Null);
    let max_depth = config
        .get("max_depth")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_MAX_DEPTH);
    if u64::from(frame.depth) + 1 > max_depth {
        return Err(RunError::new(
            Code::P0724,
            format!("nesting deeper than `max_depth` ({max_depth})"),
        )
        .with_help("raise `config.max_depth`, or check that the pipelines do not call each other in a circle"));
    }
    let inherit = config.get("inherit_context").and_then(Value::as_bool) == Some(true);
    let inputs = match raw.get("inputs").and_then(Value::as_object) {
        Some(given) if !given.is_empty() => Value::Object(
            given
                .iter()
                .map(|(k, v)| (k.clone(), resolve_input(v, &prepared.ctx)))
                .collect(),
        ),
        _ if inherit => prepared.ctx.inputs.clone(),
        _ => Value::Object(Map::new()),
    };
    let sub = Frame::root(callee, &inputs, format!("{key}/"), frame.depth + 1);
    run_steps(run, &sub, &callee.steps).await?;
    let results = sub.own_results();
    match raw.get("outputs").and_then(Value::as_array) {
        Some(outputs) if !outputs.is_empty() => extract(&results, outputs),
        _ => Ok(Value::Object(results)),
    }
}

/// One input value as `Context.Nested` resolves it.
fn resolve_input(value: &Value, ctx: &Context) -> Value {
    let Value::String(text) = value else {
        return value.clone();
    };
    let trimmed = text.trim();
    if let Some(inner) = trimmed
        .strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        && !inner.contains('}')
    {
        return expression(inner.trim(), ctx).unwrap_or_else(|| value.clone());
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find('}') {
            Some(close) if after[close..].starts_with("}}") => {
                let inner = after[..close].trim();
                match expression(inner, ctx) {
                    Some(v) => out.push_str(&super::context::text(&v)),
                    None => out.push_str(&rest[open..open + 2 + close + 2]),
                }
                rest = &after[close + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Value::String(out)
}

fn expression(expr: &str, ctx: &Context) -> Option<Value> {
    if let Some(rest) = expr.strip_prefix("steps.") {
        let parts: Vec<&str> = rest.split('.').collect();
        return match parts.as_slice() {
            [name, "result", tail @ ..] => {
                ctx.results.get(*name).and_then(|r| path(r, tail)).cloned()
            }
            [name] => ctx.results.get(*name).cloned(),
            all => path(&Value::Object(ctx.results.clone()), all).cloned(),
        }
        .filter(|v| !v.is_null());
    }
    if let Some(name) = expr.strip_prefix("global_vars.") {
        return ctx.globals.get(name).filter(|v| !v.is_null()).cloned();
    }
    None
}

/// The `outputs` of a nested pipeline.
fn extract(results: &Map<String, Value>, outputs: &[Value]) -> Result<Value, RunError> {
    let all = Value::Object(results.clone());
    let mut extracted = Map::new();
    for output in outputs {
        let (path_text, alias) = match output {
            Value::String(name) => (name.as_str(), name.as_str()),
            other => {
                let p = other
                    .get("path")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                (p, other.get("as").and_then(Value::as_str).unwrap_or(p))
            }
        };
        let segments: Vec<&str> = path_text.split('.').collect();
        let value = path(&all, &segments)
            .filter(|v| !v.is_null())
            .ok_or_else(|| {
                RunError::new(
                    Code::P0724,
                    format!("Output '{path_text}' not found in results"),
                )
                .with_note(format!(
                    "the nested pipeline's results: {}",
                    results.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })?;
        extracted.insert(alias.to_owned(), value.clone());
    }
    Ok(Value::Object(extracted))
}
