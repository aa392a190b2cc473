//! `llm` (and pipeline_ex's provider-bound kinds used natively, `claude`, `gemini`, ...): a
//! raw prompt, rendered, sent to the step's model; the result is the reply text.
//!
//! `prompt:` becomes one user message; `messages:` are sent as written (roles and
//! rendered contents). pipeline_ex's `file` prompt parts are not runnable yet.

use pipec_diagnostics::Code;
use pipec_eval::MapScope;
use pipec_ir::{PromptPart, Step};
use serde_json::Value;

use crate::executor::error::RunError;
use crate::executor::evaluate;
use crate::executor::frame::Frame;
use crate::executor::model_call::{CallSite, complete};
use crate::executor::models::resolve;
use crate::executor::state::RunState;
use crate::providers::{Message, Role};

/// Runs an `llm` step.
///
/// # Errors
/// P0712 without a model, P0710 for a template, a provider or budget error for the call.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    provider: Option<&str>,
    prompt: &[PromptPart],
    scope: &MapScope,
) -> Result<Value, RunError> {
    let model = resolve(frame.pipeline, step, provider)?;
    let messages = messages(frame, prompt, scope)?;
    let site = CallSite {
        key,
        max_attempts: step.max_attempts,
        timeout_s: step.timeout_s,
        adapter: "none",
    };
    let response = complete(run, site, &model, messages).await?;
    Ok(Value::String(response.text))
}

/// The chat messages of a prompt: `messages:` as written, or the text parts joined by
/// newlines as one user message.
fn messages(
    frame: &Frame<'_>,
    prompt: &[PromptPart],
    scope: &MapScope,
) -> Result<Vec<Message>, RunError> {
    let pipeline = frame.pipeline;
    let mut messages = Vec::new();
    let mut text = Vec::new();
    for part in prompt {
        match part {
            PromptPart::Message { role, content } => {
                let role = match role.text.as_str() {
                    "system" => Role::System,
                    "assistant" => Role::Assistant,
                    _ => Role::User,
                };
                messages.push(Message {
                    role,
                    content: evaluate::text(content, scope, pipeline)?,
                });
            }
            PromptPart::Text(template) => text.push(evaluate::text(template, scope, pipeline)?),
            PromptPart::PreviousResponse { step, extract } => {
                let mut value = frame.result(&step.text).unwrap_or(Value::Null);
                for segment in extract.iter().flat_map(|e| e.text.split('.')) {
                    value = value.get(segment).cloned().unwrap_or(Value::Null);
                }
                text.push(match value {
                    Value::String(s) => s,
                    other => serde_json::to_string_pretty(&other).unwrap_or_default(),
                });
            }
            PromptPart::File(path) => {
                return Err(
                    RunError::new(Code::P0711, "file prompt parts cannot run yet").at(path.span),
                );
            }
        }
    }
    if !text.is_empty() {
        messages.push(Message::user(text.join("\n")));
    }
    Ok(messages)
}
