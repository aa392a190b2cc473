//! Anthropic Messages (`POST {base}/v1/messages`).
//!
//! Request: `{"model", "max_tokens", "system"?, "messages": [{"role", "content"}],
//! "temperature"?}` with `x-api-key: <key>` and `anthropic-version: 2023-06-01`. System
//! messages move to the top-level `system` (joined by a blank line); `max_tokens` is
//! required by the API, so it defaults to [`DEFAULT_MAX_TOKENS`]. Response: the `text`
//! blocks of `content`, `stop_reason`, `usage.input_tokens` / `usage.output_tokens`.
//! Errors: `{"type": "error", "error": {"type", "message"}}` (529 `overloaded_error` is a
//! server error).

use serde_json::{Map, Value, json};

use super::env::Env;
use super::error::{ErrorKind, ProviderError};
use super::http::{ApiFormat, Auth, HttpClient, HttpConfig, count, need};
use super::request::{ChatRequest, Role};
use super::response::{ChatResponse, FinishReason, Usage};
use super::{Provider, ProviderFuture};

/// The `anthropic-version` header sent with every request.
pub(crate) const ANTHROPIC_VERSION: &str = "2023-06-01";
/// `max_tokens` when the model settings have none (the API requires one).
pub(crate) const DEFAULT_MAX_TOKENS: u64 = 4096;

/// A client for the Anthropic Messages API.
#[derive(Debug)]
pub struct AnthropicProvider {
    http: HttpClient,
    url: String,
}

impl AnthropicProvider {
    /// A client for `config`.
    ///
    /// # Errors
    /// [`ErrorKind::MissingApiKey`] without a key; [`ErrorKind::InvalidConfig`] for a bad
    /// base URL.
    pub fn new(config: &HttpConfig) -> Result<Self, ProviderError> {
        if config.api_key.is_none() {
            return Err(ProviderError::new(
                ErrorKind::MissingApiKey,
                &config.name,
                "set ANTHROPIC_API_KEY",
            ));
        }
        let http = HttpClient::new(
            config,
            &Auth::Header("x-api-key"),
            &[("anthropic-version", ANTHROPIC_VERSION)],
        )?;
        let url = format!("{}/v1/messages", http.base_url());
        Ok(Self { http, url })
    }

    /// A client configured from `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL`.
    ///
    /// # Errors
    /// As [`AnthropicProvider::new`].
    pub fn from_env(env: &dyn Env) -> Result<Self, ProviderError> {
        Self::new(&HttpConfig::from_env(ApiFormat::Anthropic, env))
    }

    fn body(request: &ChatRequest) -> Value {
        let settings = &request.settings;
        let system: Vec<&str> = request
            .messages
            .iter()
            .filter(|message| message.role == Role::System)
            .map(|message| message.content.as_str())
            .collect();
        let messages: Vec<Value> = request
            .messages
            .iter()
            .filter(|message| message.role != Role::System)
            .map(|message| json!({"role": message.role.as_str(), "content": message.content}))
            .collect();
        let mut body = Map::new();
        body.insert("model".into(), json!(settings.model));
        body.insert(
            "max_tokens".into(),
            json!(settings.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS)),
        );
        if !system.is_empty() {
            body.insert("system".into(), json!(system.join("\n\n")));
        }
        body.insert("messages".into(), Value::Array(messages));
        if let Some(temperature) = settings.temperature {
            body.insert("temperature".into(), json!(temperature));
        }
        Value::Object(body)
    }

    fn parse(&self, body: &Value) -> Result<ChatResponse, ProviderError> {
        if body.get("type").and_then(Value::as_str) == Some("error") {
            let detail = body
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(self.http.error(
                ErrorKind::InvalidResponse,
                format!("an error in a 2xx reply: {detail}"),
            ));
        }
        let content = need(&self.http, body.get("content"), "`content`")?;
        let Some(blocks) = content.as_array() else {
            return Err(self
                .http
                .error(ErrorKind::InvalidResponse, "`content` is not a list"));
        };
        let text = blocks
            .iter()
            .filter(|block| block.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|block| block.get("text").and_then(Value::as_str))
            .collect();
        let finish_reason = match body.get("stop_reason").and_then(Value::as_str) {
            None => FinishReason::Unknown,
            Some("end_turn" | "stop_sequence") => FinishReason::Stop,
            Some("max_tokens") => FinishReason::Length,
            Some("tool_use") => FinishReason::ToolCalls,
            Some("refusal") => FinishReason::ContentFilter,
            Some(other) => FinishReason::Other(other.to_owned()),
        };
        let usage = body.get("usage").and_then(|usage| {
            // Cache reads and writes are prompt tokens too (billed at other rates).
            let cached = count(usage.get("cache_creation_input_tokens")).unwrap_or(0)
                + count(usage.get("cache_read_input_tokens")).unwrap_or(0);
            Some(Usage {
                input_tokens: count(usage.get("input_tokens"))? + cached,
                output_tokens: count(usage.get("output_tokens"))?,
            })
        });
        let model = body.get("model").and_then(Value::as_str).map(str::to_owned);
        Ok(ChatResponse {
            text,
            usage,
            finish_reason,
            model,
        })
    }
}

impl Provider for AnthropicProvider {
    fn name(&self) -> &str {
        self.http.name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(async move {
            let reply = self.http.post_json(&self.url, &Self::body(request)).await?;
            self.parse(&reply)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::request::{Message, ModelSettings};

    fn provider() -> AnthropicProvider {
        let env = [
            ("ANTHROPIC_API_KEY", "k"),
            ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
        ];
        AnthropicProvider::from_env(&env).unwrap()
    }

    #[test]
    fn system_messages_move_to_the_top() {
        let request = ChatRequest::new(
            ModelSettings::new("claude"),
            vec![
                Message::system("a"),
                Message::user("q"),
                Message::assistant("r"),
                Message::system("b"),
                Message::user("q2"),
            ],
        );
        assert_eq!(
            AnthropicProvider::body(&request),
            json!({"model": "claude", "max_tokens": DEFAULT_MAX_TOKENS, "system": "a\n\nb",
                   "messages": [{"role": "user", "content": "q"},
                                {"role": "assistant", "content": "r"},
                                {"role": "user", "content": "q2"}]})
        );
        assert_eq!(provider().url, "http://127.0.0.1:9/v1/messages");
    }

    #[test]
    fn a_key_is_required() {
        let error = AnthropicProvider::from_env(&[]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MissingApiKey);
        assert_eq!(
            error.to_string(),
            "anthropic: no API key: set ANTHROPIC_API_KEY"
        );
    }

    #[test]
    fn responses_parse() {
        let body = json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
            "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "Hi"},
                        {"type": "text", "text": " there"}],
            "stop_reason": "max_tokens", "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 4, "cache_read_input_tokens": 5}
        });
        let response = provider().parse(&body).unwrap();
        assert_eq!(response.text, "Hi there");
        assert_eq!(response.finish_reason, FinishReason::Length);
        assert_eq!(
            response.usage,
            Some(Usage {
                input_tokens: 15,
                output_tokens: 4
            })
        );
        assert_eq!(response.model.as_deref(), Some("claude-x"));
        for body in [
            json!({}),
            json!({"content": "text"}),
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}),
        ] {
            assert_eq!(
                provider().parse(&body).unwrap_err().kind(),
                ErrorKind::InvalidResponse
            );
        }
    }
}
