//! Outcomes and failures as JSON documents — the shape `pipec run --format json` prints, which
//! a generated binary prints too, writes per `--batch` line and answers over HTTP.

use pipec_diagnostics::SourceMap;
use pipec_runtime::events::RunSummary;
use pipec_runtime::executor::{RunError, RunFailure};
use serde_json::{Map, Value, json};

/// `{"status": "succeeded", "run_id", "outputs", "summary"}`.
#[must_use]
pub fn succeeded(run_id: &str, outputs: Value, summary: &RunSummary) -> Value {
    json!({
        "status": "succeeded",
        "run_id": run_id,
        "outputs": outputs,
        "summary": summary,
    })
}

/// `{"status": "failed", "run_id", "errors", "summary"}`.
#[must_use]
pub fn failed(sources: &SourceMap, failure: &RunFailure) -> Value {
    let errors: Vec<Value> = failure
        .errors
        .iter()
        .map(|e| error_json(sources, e))
        .collect();
    json!({
        "status": "failed",
        "run_id": failure.run_id,
        "errors": errors,
        "summary": failure.summary,
    })
}

/// One error: code, message, step, help, notes, and its position when it points into the
/// sources.
#[must_use]
pub fn error_json(sources: &SourceMap, error: &RunError) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), json!(error.code.as_str()));
    object.insert("message".into(), json!(error.message));
    object.insert("step".into(), json!(error.step));
    object.insert("help".into(), json!(error.help));
    object.insert("notes".into(), json!(error.notes));
    if let Some(span) = error.span
        && let Some(file) = sources.get(span.file)
        && let Some((start, end)) = sources.span_positions(span)
    {
        object.insert("file".into(), json!(file.name()));
        object.insert("line".into(), json!(start.line));
        object.insert("column".into(), json!(start.column));
        object.insert("end_line".into(), json!(end.line));
        object.insert("end_column".into(), json!(end.column));
    }
    Value::Object(object)
}
