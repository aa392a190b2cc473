//! The three wire formats the fake speaks: which path is which, what a request must hold
//! (validated like the real APIs, so a malformed request gets a 400), and the bodies of
//! answers and errors.

use serde_json::{Value, json};

/// A vendor wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `POST .../chat/completions`.
    OpenAi,
    /// `POST .../v1/messages`.
    Anthropic,
    /// `POST .../models/{model}:generateContent`.
    Gemini,
}

/// What the fake needs from a request, in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// The model named in the body (or, for Gemini, the path).
    pub model: String,
    /// The system message(s), joined by a blank line.
    pub system: String,
    /// The other messages' texts, in order.
    pub turns: Vec<String>,
    /// The output-token limit, if the request set one.
    pub max_tokens: Option<u64>,
    /// Whether the request asked for JSON (OpenAI `response_format`).
    pub json: bool,
}

impl Prompt {
    /// Every message's text, system first, one per line: what script rules search.
    #[must_use]
    pub fn text(&self) -> String {
        let mut text = self.system.clone();
        for turn in &self.turns {
            text.push('\n');
            text.push_str(turn);
        }
        text
    }
}

/// Why a generated answer stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// It was complete.
    Stop,
    /// It was cut at the request's token limit.
    Length,
}

impl Format {
    /// The format served at `path`, and for Gemini the model in it.
    #[must_use]
    pub fn route(path: &str) -> Option<(Self, Option<String>)> {
        match path {
            // With and without `/v1`: clients differ in whether the base URL carries it.
            "/v1/chat/completions" | "/chat/completions" => return Some((Self::OpenAi, None)),
            "/v1/messages" => return Some((Self::Anthropic, None)),
            _ => {}
        }
        let model = path
            .strip_suffix(":generateContent")?
            .strip_prefix("/v1beta/models/")
            .or_else(|| path.strip_prefix("/v1/models/"))?;
        let model = model.strip_suffix(":generateContent").unwrap_or(model);
        (!model.is_empty() && !model.contains('/')).then(|| (Self::Gemini, Some(model.to_owned())))
    }

    /// `openai`, `anthropic` or `gemini`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Gemini => "gemini",
        }
    }

    /// The key a request carries, from the header this format uses (Gemini also accepts
    /// `?key=`).
    #[must_use]
    pub fn key<'a>(
        self,
        header: &dyn Fn(&str) -> Option<&'a str>,
        query: Option<&'a str>,
    ) -> Option<&'a str> {
        match self {
            Self::OpenAi => header("authorization").and_then(|value| value.strip_prefix("Bearer ")),
            Self::Anthropic => header("x-api-key"),
            Self::Gemini => header("x-goog-api-key")
                .or_else(|| query?.split('&').find_map(|pair| pair.strip_prefix("key="))),
        }
    }

    /// Reads and checks a request body as the real API would.
    ///
    /// # Errors
    /// What is wrong with it, for a 400.
    pub fn parse(self, body: &Value, path_model: Option<&str>) -> Result<Prompt, String> {
        match self {
            Self::OpenAi => parse_openai(body),
            Self::Anthropic => parse_anthropic(body),
            Self::Gemini => parse_gemini(body, path_model.unwrap_or_default()),
        }
    }

    /// The body of a successful answer.
    #[must_use]
    pub fn answer(
        self,
        id: u64,
        model: &str,
        text: &str,
        finish: Finish,
        usage: (u64, u64),
    ) -> Value {
        let (input, output) = usage;
        match self {
            Self::OpenAi => json!({
                "id": format!("chatcmpl-fake-{id}"),
                "object": "chat.completion",
                "created": 0,
                "model": model,
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": if finish == Finish::Stop { "stop" } else { "length" },
                }],
                "usage": {"prompt_tokens": input, "completion_tokens": output,
                          "total_tokens": input + output},
            }),
            Self::Anthropic => json!({
                "id": format!("msg_fake_{id}"),
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": text}],
                "stop_reason": if finish == Finish::Stop { "end_turn" } else { "max_tokens" },
                "stop_sequence": null,
                "usage": {"input_tokens": input, "output_tokens": output},
            }),
            Self::Gemini => json!({
                "candidates": [{
                    "content": {"role": "model", "parts": [{"text": text}]},
                    "finishReason": if finish == Finish::Stop { "STOP" } else { "MAX_TOKENS" },
                    "index": 0,
                }],
                "usageMetadata": {"promptTokenCount": input, "candidatesTokenCount": output,
                                  "totalTokenCount": input + output},
                "modelVersion": model,
                "responseId": format!("fake-{id}"),
            }),
        }
    }

    /// The body of an error with `status`, as this format's API writes it.
    #[must_use]
    pub fn error(self, status: u16, message: &str) -> Value {
        match self {
            Self::OpenAi => {
                let kind = match status {
                    429 => "rate_limit_exceeded",
                    401 | 403 => "invalid_request_error",
                    400..=499 => "invalid_request_error",
                    _ => "server_error",
                };
                json!({"error": {"message": message, "type": kind, "param": null, "code": null}})
            }
            Self::Anthropic => {
                let kind = match status {
                    429 => "rate_limit_error",
                    401 => "authentication_error",
                    403 => "permission_error",
                    404 => "not_found_error",
                    529 => "overloaded_error",
                    400..=499 => "invalid_request_error",
                    _ => "api_error",
                };
                json!({"type": "error", "error": {"type": kind, "message": message}})
            }
            Self::Gemini => {
                let kind = match status {
                    429 => "RESOURCE_EXHAUSTED",
                    401 => "UNAUTHENTICATED",
                    403 => "PERMISSION_DENIED",
                    404 => "NOT_FOUND",
                    400..=499 => "INVALID_ARGUMENT",
                    503 => "UNAVAILABLE",
                    _ => "INTERNAL",
                };
                json!({"error": {"code": status, "message": message, "status": kind}})
            }
        }
    }
}

/// A message's text: a string, or the `text` of its parts / content blocks.
fn text_of(content: &Value) -> Result<String, String> {
    match content {
        Value::String(text) => Ok(text.clone()),
        Value::Array(parts) => Ok(parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("")),
        _ => Err("`content` must be a string or a list of parts".into()),
    }
}

fn model_of(body: &Value) -> Result<String, String> {
    match body.get("model").and_then(Value::as_str) {
        Some(model) if !model.is_empty() => Ok(model.to_owned()),
        _ => Err("`model` is required".into()),
    }
}

fn messages_of(body: &Value) -> Result<&Vec<Value>, String> {
    match body.get("messages").and_then(Value::as_array) {
        Some(messages) if !messages.is_empty() => Ok(messages),
        _ => Err("`messages` must be a non-empty list".into()),
    }
}

fn parse_openai(body: &Value) -> Result<Prompt, String> {
    let model = model_of(body)?;
    let mut system = Vec::new();
    let mut turns = Vec::new();
    for message in messages_of(body)? {
        let role = message
            .get("role")
            .and_then(Value::as_str)
            .ok_or("every message needs a `role`")?;
        let text = text_of(message.get("content").unwrap_or(&Value::Null))?;
        match role {
            "system" | "developer" => system.push(text),
            "user" | "assistant" | "tool" => turns.push(text),
            other => return Err(format!("unknown role `{other}`")),
        }
    }
    let max_tokens = body
        .get("max_completion_tokens")
        .or_else(|| body.get("max_tokens"))
        .and_then(Value::as_u64);
    let json = body
        .get("response_format")
        .is_some_and(|format| !format.is_null());
    Ok(Prompt {
        model,
        system: system.join("\n\n"),
        turns,
        max_tokens,
        json,
    })
}

fn parse_anthropic(body: &Value) -> Result<Prompt, String> {
    let model = model_of(body)?;
    let max_tokens = match body.get("max_tokens").and_then(Value::as_u64) {
        Some(max) if max > 0 => max,
        _ => return Err("`max_tokens` is required and must be a positive integer".into()),
    };
    let system = match body.get("system") {
        None | Some(Value::Null) => String::new(),
        Some(system) => text_of(system)?,
    };
    let mut turns = Vec::new();
    for message in messages_of(body)? {
        match message.get("role").and_then(Value::as_str) {
            Some("user" | "assistant") => {}
            Some("system") => {
                return Err("system messages go in the top-level `system` parameter".into());
            }
            _ => return Err("every message needs a `role` of `user` or `assistant`".into()),
        }
        turns.push(text_of(message.get("content").unwrap_or(&Value::Null))?);
    }
    Ok(Prompt {
        model,
        system,
        turns,
        max_tokens: Some(max_tokens),
        json: false,
    })
}

fn parse_gemini(body: &Value, model: &str) -> Result<Prompt, String> {
    let parts_text = |value: &Value| -> Result<String, String> {
        let parts = value
            .get("parts")
            .and_then(Value::as_array)
            .ok_or("`parts` must be a list")?;
        Ok(parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect())
    };
    let contents = match body.get("contents").and_then(Value::as_array) {
        Some(contents) if !contents.is_empty() => contents,
        _ => return Err("`contents` must be a non-empty list".into()),
    };
    let mut turns = Vec::new();
    for content in contents {
        match content.get("role").and_then(Value::as_str) {
            None | Some("user" | "model") => turns.push(parts_text(content)?),
            Some(other) => return Err(format!("unknown role `{other}` (use `user` or `model`)")),
        }
    }
    let system = match body
        .get("systemInstruction")
        .or_else(|| body.get("system_instruction"))
    {
        None => String::new(),
        Some(instruction) => parts_text(instruction)?,
    };
    let config = body.get("generationConfig");
    let max_tokens = config
        .and_then(|c| c.get("maxOutputTokens"))
        .and_then(Value::as_u64);
    let json = config
        .and_then(|c| c.get("responseMimeType"))
        .and_then(Value::as_str)
        == Some("application/json");
    Ok(Prompt {
        model: model.to_owned(),
        system,
        turns,
        max_tokens,
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(
            Format::route("/v1/chat/completions"),
            Some((Format::OpenAi, None))
        );
        assert_eq!(
            Format::route("/chat/completions"),
            Some((Format::OpenAi, None))
        );
        assert_eq!(
            Format::route("/v1/messages"),
            Some((Format::Anthropic, None))
        );
        assert_eq!(
            Format::route("/v1beta/models/gemini-2.5-flash:generateContent"),
            Some((Format::Gemini, Some("gemini-2.5-flash".into())))
        );
        assert_eq!(Format::route("/v1/models"), None);
        assert_eq!(Format::route("/x/v1/chat/completions"), None);
        assert_eq!(Format::route("/v1beta/models/a/b:generateContent"), None);
        assert_eq!(Format::route("/_stats"), None);
    }

    #[test]
    fn requests_are_validated_like_the_real_apis() {
        assert!(
            Format::OpenAi
                .parse(
                    &json!({"messages": [{"role": "user", "content": "x"}]}),
                    None
                )
                .is_err()
        );
        assert!(
            Format::OpenAi
                .parse(&json!({"model": "m", "messages": []}), None)
                .is_err()
        );
        let prompt = Format::OpenAi
            .parse(
                &json!({"model": "m", "max_completion_tokens": 5, "messages": [
                    {"role": "system", "content": "S"},
                    {"role": "user", "content": [{"type": "text", "text": "U"}]}]}),
                None,
            )
            .unwrap();
        assert_eq!(
            (
                prompt.system.as_str(),
                prompt.turns.clone(),
                prompt.max_tokens
            ),
            ("S", vec!["U".to_owned()], Some(5))
        );

        let anthropic = json!({"model": "c", "messages": [{"role": "user", "content": "x"}]});
        assert!(
            Format::Anthropic
                .parse(&anthropic, None)
                .unwrap_err()
                .contains("max_tokens")
        );
        let anthropic = json!({"model": "c", "max_tokens": 9, "system": [{"type": "text", "text": "S"}],
                               "messages": [{"role": "user", "content": "x"}]});
        assert_eq!(
            Format::Anthropic.parse(&anthropic, None).unwrap().system,
            "S"
        );

        let gemini = json!({"contents": [{"role": "user", "parts": [{"text": "a"}, {"text": "b"}]}],
                            "systemInstruction": {"parts": [{"text": "S"}]}});
        let prompt = Format::Gemini.parse(&gemini, Some("g")).unwrap();
        assert_eq!(
            (
                prompt.model.as_str(),
                prompt.system.as_str(),
                prompt.turns[0].as_str()
            ),
            ("g", "S", "ab")
        );
        assert!(
            Format::Gemini
                .parse(&json!({"contents": []}), Some("g"))
                .is_err()
        );
    }

    #[test]
    fn keys_come_from_each_formats_header() {
        let headers = |name: &str| match name {
            "authorization" => Some("Bearer sk-1"),
            "x-api-key" => Some("ak-1"),
            _ => None,
        };
        assert_eq!(Format::OpenAi.key(&headers, None), Some("sk-1"));
        assert_eq!(Format::Anthropic.key(&headers, None), Some("ak-1"));
        assert_eq!(
            Format::Gemini.key(&headers, Some("alt=json&key=g-1")),
            Some("g-1")
        );
        assert_eq!(Format::Gemini.key(&headers, None), None);
    }
}
