//! Gemini `generateContent` (`POST {base}/v1beta/models/{model}:generateContent`).
//!
//! Request: `{"contents": [{"role": "user"|"model", "parts": [{"text"}]}],
//! "systemInstruction"?: {"parts": [{"text"}]}, "generationConfig"?: {"temperature",
//! "maxOutputTokens"}}` with `x-goog-api-key: <key>` (a header, never the `?key=` query, so
//! the key cannot reach an error message through a URL). Response: the non-thought text
//! parts of `candidates[0].content`, `candidates[0].finishReason`, `usageMetadata`. Errors:
//! `{"error": {"code", "message", "status"}}`.

use serde_json::{Map, Value, json};

use super::env::Env;
use super::error::{ErrorKind, ProviderError};
use super::http::{ApiFormat, Auth, HttpClient, HttpConfig, count};
use super::request::{ChatRequest, Role};
use super::response::{ChatResponse, FinishReason, Usage};
use super::{Provider, ProviderFuture};

/// A client for the Gemini API.
#[derive(Debug)]
pub struct GeminiProvider {
    http: HttpClient,
}

impl GeminiProvider {
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
                "set GEMINI_API_KEY",
            ));
        }
        let http = HttpClient::new(config, &Auth::Header("x-goog-api-key"), &[])?;
        Ok(Self { http })
    }

    /// A client configured from `GEMINI_API_KEY` and `GEMINI_BASE_URL`.
    ///
    /// # Errors
    /// As [`GeminiProvider::new`].
    pub fn from_env(env: &dyn Env) -> Result<Self, ProviderError> {
        Self::new(&HttpConfig::from_env(ApiFormat::Gemini, env))
    }

    fn url(&self, model: &str) -> Result<String, ProviderError> {
        let model = model.strip_prefix("models/").unwrap_or(model);
        let valid = !model.is_empty()
            && model
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
        if !valid {
            return Err(self.http.error(
                ErrorKind::InvalidConfig,
                format!("`{model}` is not a Gemini model id (letters, digits, `-`, `.`, `_`)"),
            ));
        }
        Ok(format!(
            "{}/v1beta/models/{model}:generateContent",
            self.http.base_url()
        ))
    }

    fn body(request: &ChatRequest) -> Value {
        let settings = &request.settings;
        let text_part = |text: &str| json!({"parts": [{"text": text}]});
        let system: Vec<&str> = request
            .messages
            .iter()
            .filter(|message| message.role == Role::System)
            .map(|message| message.content.as_str())
            .collect();
        let contents: Vec<Value> = request
            .messages
            .iter()
            .filter(|message| message.role != Role::System)
            .map(|message| {
                let role = if message.role == Role::Assistant {
                    "model"
                } else {
                    "user"
                };
                json!({"role": role, "parts": [{"text": message.content}]})
            })
            .collect();
        let mut body = Map::new();
        body.insert("contents".into(), Value::Array(contents));
        if !system.is_empty() {
            body.insert("systemInstruction".into(), text_part(&system.join("\n\n")));
        }
        let mut generation = Map::new();
        if let Some(temperature) = settings.temperature {
            generation.insert("temperature".into(), json!(temperature));
        }
        if let Some(max_tokens) = settings.max_tokens {
            generation.insert("maxOutputTokens".into(), json!(max_tokens));
        }
        if !generation.is_empty() {
            body.insert("generationConfig".into(), Value::Object(generation));
        }
        Value::Object(body)
    }

    fn parse(&self, body: &Value) -> Result<ChatResponse, ProviderError> {
        let usage = body.get("usageMetadata").and_then(|usage| {
            Some(Usage {
                input_tokens: count(usage.get("promptTokenCount"))?,
                // Thinking models bill their thoughts as output.
                output_tokens: count(usage.get("candidatesTokenCount")).unwrap_or(0)
                    + count(usage.get("thoughtsTokenCount")).unwrap_or(0),
            })
        });
        let model = body
            .get("modelVersion")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(candidate) = body.pointer("/candidates/0") else {
            // A blocked prompt has no candidates and says why in `promptFeedback`.
            if body.pointer("/promptFeedback/blockReason").is_some() {
                return Ok(ChatResponse {
                    text: String::new(),
                    usage,
                    finish_reason: FinishReason::ContentFilter,
                    model,
                });
            }
            return Err(self.http.error(
                ErrorKind::InvalidResponse,
                "the response has no `candidates`",
            ));
        };
        let parts = candidate
            .pointer("/content/parts")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let text = parts
            .iter()
            .filter(|part| part.get("thought").and_then(Value::as_bool) != Some(true))
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect();
        let finish_reason = match candidate.get("finishReason").and_then(Value::as_str) {
            None | Some("FINISH_REASON_UNSPECIFIED") => FinishReason::Unknown,
            Some("STOP") => FinishReason::Stop,
            Some("MAX_TOKENS") => FinishReason::Length,
            Some(
                "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII"
                | "IMAGE_SAFETY",
            ) => FinishReason::ContentFilter,
            Some(other) => FinishReason::Other(other.to_owned()),
        };
        Ok(ChatResponse {
            text,
            usage,
            finish_reason,
            model,
        })
    }
}

impl Provider for GeminiProvider {
    fn name(&self) -> &str {
        self.http.name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(async move {
            let url = self.url(&request.settings.model)?;
            let reply = self.http.post_json(&url, &Self::body(request)).await?;
            self.parse(&reply)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::request::{Message, ModelSettings};

    fn provider() -> GeminiProvider {
        let env = [
            ("GEMINI_API_KEY", "k"),
            ("GEMINI_BASE_URL", "http://127.0.0.1:9/"),
        ];
        GeminiProvider::from_env(&env).unwrap()
    }

    #[test]
    fn urls_name_the_model() {
        assert_eq!(
            provider().url("models/gemini-2.5-flash").unwrap(),
            "http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:generateContent"
        );
        for bad in ["", "a/b", "x?key=1", "a b"] {
            assert_eq!(
                provider().url(bad).unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{bad}"
            );
        }
    }

    #[test]
    fn the_body_uses_gemini_roles() {
        let mut settings = ModelSettings::new("g");
        settings.max_tokens = Some(9);
        let request = ChatRequest::new(
            settings,
            vec![
                Message::system("s"),
                Message::user("u"),
                Message::assistant("a"),
            ],
        );
        assert_eq!(
            GeminiProvider::body(&request),
            json!({"contents": [{"role": "user", "parts": [{"text": "u"}]},
                                {"role": "model", "parts": [{"text": "a"}]}],
                   "systemInstruction": {"parts": [{"text": "s"}]},
                   "generationConfig": {"maxOutputTokens": 9}})
        );
        let bare = ChatRequest::new(ModelSettings::new("g"), vec![Message::user("u")]);
        assert_eq!(
            GeminiProvider::body(&bare),
            json!({"contents": [{"role": "user", "parts": [{"text": "u"}]}]})
        );
    }

    #[test]
    fn responses_parse() {
        let body = json!({
            "candidates": [{"content": {"role": "model", "parts": [
                {"text": "thinking...", "thought": true}, {"text": "Hel"}, {"text": "lo"}]},
                "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 7, "candidatesTokenCount": 2,
                              "thoughtsTokenCount": 3, "totalTokenCount": 12},
            "modelVersion": "gemini-x"
        });
        let response = provider().parse(&body).unwrap();
        assert_eq!(response.text, "Hello");
        assert_eq!(response.finish_reason, FinishReason::Stop);
        assert_eq!(
            response.usage,
            Some(Usage {
                input_tokens: 7,
                output_tokens: 5
            })
        );
        assert_eq!(response.model.as_deref(), Some("gemini-x"));

        let blocked = json!({"promptFeedback": {"blockReason": "SAFETY"}});
        let response = provider().parse(&blocked).unwrap();
        assert_eq!(response.finish_reason, FinishReason::ContentFilter);
        assert_eq!(
            provider().parse(&json!({})).unwrap_err().kind(),
            ErrorKind::InvalidResponse
        );
    }
}
