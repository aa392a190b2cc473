//! OpenAI chat completions (`POST {base}/chat/completions`), which vLLM, Ollama, llama.cpp
//! and LM Studio speak too.
//!
//! Request: `{"model", "messages": [{"role", "content"}], "temperature"?, "max_tokens" or
//! "max_completion_tokens"?}` with `Authorization: Bearer <key>`. Response:
//! `choices[0].message.content`, `choices[0].finish_reason`, `usage.prompt_tokens` /
//! `usage.completion_tokens`. Errors: `{"error": {"message", "type", "code"}}`.

use serde_json::{Map, Value, json};

use super::env::Env;
use super::error::{ErrorKind, ProviderError};
use super::http::{ApiFormat, Auth, HttpClient, HttpConfig, count, need};
use super::request::ChatRequest;
use super::response::{ChatResponse, FinishReason, Usage};
use super::{Provider, ProviderFuture};

/// Which body key carries the output-token limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenLimitField {
    /// `max_tokens`: what OpenAI-compatible servers (vLLM, Ollama, llama.cpp, LM Studio)
    /// and litellm send.
    MaxTokens,
    /// `max_completion_tokens`: what OpenAI's own API wants (its reasoning models reject
    /// `max_tokens`).
    MaxCompletionTokens,
}

/// A client for an OpenAI-compatible chat-completions endpoint.
#[derive(Debug)]
pub struct OpenAiProvider {
    http: HttpClient,
    url: String,
    token_field: TokenLimitField,
}

impl OpenAiProvider {
    /// A client for `config`.
    ///
    /// A key is required for OpenAI's own API (the default base URL); a server at another
    /// base URL may do without one, and then no `Authorization` header is sent. The token
    /// limit goes in `max_completion_tokens` for OpenAI's own API and in `max_tokens`
    /// elsewhere ([`OpenAiProvider::with_token_limit_field`] overrides it).
    ///
    /// # Errors
    /// [`ErrorKind::MissingApiKey`] or [`ErrorKind::InvalidConfig`].
    pub fn new(config: &HttpConfig) -> Result<Self, ProviderError> {
        let official = config.trimmed_base() == ApiFormat::OpenAi.default_base_url();
        if official && config.api_key.is_none() {
            return Err(ProviderError::new(
                ErrorKind::MissingApiKey,
                &config.name,
                "set OPENAI_API_KEY (or OPENAI_BASE_URL to use a local OpenAI-compatible server)",
            ));
        }
        let http = HttpClient::new(config, &Auth::Bearer, &[])?;
        let url = format!("{}/chat/completions", http.base_url());
        let token_field = if official {
            TokenLimitField::MaxCompletionTokens
        } else {
            TokenLimitField::MaxTokens
        };
        Ok(Self {
            http,
            url,
            token_field,
        })
    }

    /// A client configured from `OPENAI_API_KEY` and `OPENAI_BASE_URL`.
    ///
    /// # Errors
    /// As [`OpenAiProvider::new`].
    pub fn from_env(env: &dyn Env) -> Result<Self, ProviderError> {
        Self::new(&HttpConfig::from_env(ApiFormat::OpenAi, env))
    }

    /// The same client, sending the token limit under `field`.
    #[must_use]
    pub fn with_token_limit_field(mut self, field: TokenLimitField) -> Self {
        self.token_field = field;
        self
    }

    fn body(&self, request: &ChatRequest) -> Value {
        let settings = &request.settings;
        let mut body = Map::new();
        body.insert("model".into(), json!(settings.model));
        body.insert("messages".into(), json!(request.messages));
        if let Some(temperature) = settings.temperature {
            body.insert("temperature".into(), json!(temperature));
        }
        if let Some(max_tokens) = settings.max_tokens {
            let key = match self.token_field {
                TokenLimitField::MaxTokens => "max_tokens",
                TokenLimitField::MaxCompletionTokens => "max_completion_tokens",
            };
            body.insert(key.into(), json!(max_tokens));
        }
        Value::Object(body)
    }

    fn parse(&self, body: &Value) -> Result<ChatResponse, ProviderError> {
        let Some(choice) = body.pointer("/choices/0") else {
            let detail = body.pointer("/error/message").and_then(Value::as_str);
            let message = match detail {
                Some(detail) => format!("the response has no `choices`: {detail}"),
                None => "the response has no `choices`".to_owned(),
            };
            return Err(self.http.error(ErrorKind::InvalidResponse, message));
        };
        let message = need(&self.http, choice.get("message"), "`choices[0].message`")?;
        let text = match message.get("content") {
            Some(Value::String(text)) => text.clone(),
            // Some servers send content parts; refusals and tool calls send null.
            Some(Value::Array(parts)) => parts
                .iter()
                .filter_map(|part| part.get("text").and_then(Value::as_str))
                .collect(),
            Some(Value::Null) | None => String::new(),
            Some(_) => {
                return Err(self.http.error(
                    ErrorKind::InvalidResponse,
                    "`choices[0].message.content` is neither text nor parts",
                ));
            }
        };
        let finish_reason = match choice.get("finish_reason").and_then(Value::as_str) {
            None => FinishReason::Unknown,
            Some("stop") => FinishReason::Stop,
            Some("length") => FinishReason::Length,
            Some("content_filter") => FinishReason::ContentFilter,
            Some("tool_calls" | "function_call") => FinishReason::ToolCalls,
            Some(other) => FinishReason::Other(other.to_owned()),
        };
        let usage = body.get("usage").and_then(|usage| {
            Some(Usage {
                input_tokens: count(usage.get("prompt_tokens"))?,
                output_tokens: count(usage.get("completion_tokens"))?,
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

impl Provider for OpenAiProvider {
    fn name(&self) -> &str {
        self.http.name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(async move {
            let reply = self.http.post_json(&self.url, &self.body(request)).await?;
            self.parse(&reply)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::request::{Message, ModelSettings};

    fn provider() -> OpenAiProvider {
        OpenAiProvider::from_env(&[("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")]).unwrap()
    }

    #[test]
    fn the_body_has_only_what_is_set() {
        let mut settings = ModelSettings::new("m");
        let request = ChatRequest::new(settings.clone(), vec![Message::user("hi")]);
        assert_eq!(
            provider().body(&request),
            json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        );
        settings.temperature = Some(0.5);
        settings.max_tokens = Some(7);
        let request = ChatRequest::new(settings, vec![Message::user("hi")]);
        let body = provider()
            .with_token_limit_field(TokenLimitField::MaxCompletionTokens)
            .body(&request);
        assert_eq!(body["max_completion_tokens"], 7);
        assert_eq!(body["temperature"], 0.5);
        assert!(body.get("max_tokens").is_none());
    }

    #[test]
    fn official_api_needs_a_key_and_gets_max_completion_tokens() {
        let error = OpenAiProvider::from_env(&[("OPENAI_API_KEY", "")]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MissingApiKey);
        assert!(error.to_string().contains("OPENAI_API_KEY"), "{error}");
        let official = OpenAiProvider::from_env(&[("OPENAI_API_KEY", "sk")]).unwrap();
        assert_eq!(official.token_field, TokenLimitField::MaxCompletionTokens);
        assert_eq!(provider().token_field, TokenLimitField::MaxTokens);
        assert_eq!(provider().url, "http://127.0.0.1:9/v1/chat/completions");
    }

    #[test]
    fn responses_parse() {
        let body = json!({
            "id": "x", "model": "m-2024",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"},
                         "finish_reason": "length"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14}
        });
        let response = provider().parse(&body).unwrap();
        assert_eq!(response.text, "hello");
        assert_eq!(response.finish_reason, FinishReason::Length);
        assert_eq!(
            response.usage,
            Some(Usage {
                input_tokens: 11,
                output_tokens: 3
            })
        );
        assert_eq!(response.model.as_deref(), Some("m-2024"));

        // DSPy's minimal accepted response: no usage, no finish reason.
        let minimal = json!({"choices": [{"message": {"role": "assistant", "content": "x"}}]});
        let response = provider().parse(&minimal).unwrap();
        assert_eq!(
            (response.usage, response.finish_reason),
            (None, FinishReason::Unknown)
        );

        let parts = json!({"choices": [{"message": {"content": [{"type": "text", "text": "a"},
                                                                {"type": "text", "text": "b"}]},
                                        "finish_reason": "tool_calls"}]});
        let response = provider().parse(&parts).unwrap();
        assert_eq!(
            (response.text.as_str(), response.finish_reason),
            ("ab", FinishReason::ToolCalls)
        );
    }

    #[test]
    fn malformed_responses_are_invalid() {
        for body in [
            json!({}),
            json!({"choices": []}),
            json!({"choices": [{}]}),
            json!({"choices": [{"message": {"content": 5}}]}),
            json!({"error": {"message": "upstream down"}}),
        ] {
            let error = provider().parse(&body).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{body}");
        }
    }
}
