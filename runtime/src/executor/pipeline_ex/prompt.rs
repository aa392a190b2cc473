//! A pipeline_ex prompt (its `PromptBuilder`): a list of parts, rendered and joined with
//! newlines. `static` is its (interpolated) `content`; `file` is the file's text, the path
//! relative to the working directory (not the YAML file), not interpolated;
//! `previous_response` is the named step's result — text as it is, anything else as
//! pretty JSON — or, with `extract`, the value at that dotted path, which must exist unless
//! `strict: false`. `session_context` and `claude_continue` render as nothing. A plain
//! string prompt (which pipeline_ex's builder also takes) is one static part.

use std::path::Path;

use pipec_diagnostics::Code;
use serde_json::Value;

use super::context::{Context, path};
use crate::executor::error::RunError;

/// The prompt text of `prompt` (already interpolated).
///
/// # Errors
/// P0724 for a file that cannot be read, a step with no result, or a strict `extract` that
/// finds nothing; with the key of the part at fault (`3.path`: part 3's `path`).
pub fn render(
    prompt: &Value,
    ctx: &Context,
    working_dir: &Path,
) -> Result<String, (String, RunError)> {
    let parts = match prompt {
        Value::Array(parts) => parts,
        Value::String(s) => return Ok(s.clone()),
        _ => return Ok(String::new()),
    };
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        out.push(
            render_part(part, ctx, working_dir).map_err(|(key, e)| (format!("{i}.{key}"), e))?,
        );
    }
    Ok(out.join("\n"))
}

fn render_part(
    part: &Value,
    ctx: &Context,
    working_dir: &Path,
) -> Result<String, (&'static str, RunError)> {
    let field = |key: &str| part.get(key).and_then(Value::as_str);
    match field("type") {
        Some("static") => Ok(part
            .get("content")
            .map(super::context::text)
            .unwrap_or_default()),
        Some("file") => {
            let file = field("path").unwrap_or_default();
            std::fs::read_to_string(working_dir.join(file)).map_err(|e| {
                let error = RunError::new(
                    Code::P0724,
                    format!("cannot read the prompt file `{file}`: {e}"),
                )
                .with_label("this file")
                .with_note(
                    "pipeline_ex reads `file` prompt parts relative to the working directory",
                );
                ("path", error)
            })
        }
        Some("previous_response") => {
            let name = field("step").unwrap_or_default();
            let Some(result) = ctx.results.get(name) else {
                let error = RunError::new(
                    Code::P0724,
                    format!("step `{name}` has no result to use as a previous response"),
                )
                .with_label("no result yet")
                .with_help(
                    "a previous_response part can only name a step that ran before this one",
                );
                return Err(("step", error));
            };
            let Some(extract) = field("extract") else {
                return Ok(format_result(result));
            };
            let segments: Vec<&str> = extract.split('.').collect();
            match path(result, &segments).filter(|v| !v.is_null()) {
                Some(value) => Ok(format_result(value)),
                None if part.get("strict").and_then(Value::as_bool) == Some(false) => {
                    Ok(String::new())
                }
                None => {
                    let keys = result
                        .as_object()
                        .map(|o| o.keys().map(String::as_str).collect::<Vec<_>>().join(", "))
                        .unwrap_or_default();
                    let error = RunError::new(
                        Code::P0724,
                        format!("field `{extract}` is not in the result of step `{name}`"),
                    )
                    .with_label("not in the result")
                    .with_note(format!("available keys: {keys}"))
                    .with_help(
                        "fix `extract`, or add `strict: false` to use nothing when it is missing",
                    );
                    Err(("extract", error))
                }
            }
        }
        _ => Ok(String::new()),
    }
}

/// A result as pipeline_ex puts it in a prompt: text as it is, anything else as pretty JSON.
#[must_use]
pub fn format_result(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}
