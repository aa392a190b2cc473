//! The provider-neutral request: chat messages plus the model settings of a pipeline's
//! `models:` entry.

use serde::{Deserialize, Serialize};

/// Who says a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions (DSPy's field description, structure and task).
    System,
    /// The caller's turn.
    User,
    /// The model's turn (demos and history).
    Assistant,
}

impl Role {
    /// `system`, `user` or `assistant`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

/// One chat message, `{"role", "content"}` as DSPy and `pipec prompt` print it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    /// Who says it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl Message {
    /// A system message.
    #[must_use]
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }

    /// A user message.
    #[must_use]
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

    /// An assistant message.
    #[must_use]
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// Prices in USD per million tokens (a `models:` entry's `price`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// Per million input (prompt) tokens.
    pub input_per_mtok: f64,
    /// Per million output (completion) tokens.
    pub output_per_mtok: f64,
}

/// A model's settings: what a pipeline's `models:` entry holds, less the provider name
/// (which picks the [`Provider`](super::Provider)).
///
/// Only `model`, `temperature` and `max_tokens` go on the wire; `max_input_tokens` and
/// `price` are for budgets and accounting.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelSettings {
    /// The provider's model id, e.g. `gpt-4o-mini`.
    pub model: String,
    /// Sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Most tokens one call may generate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Most tokens one call may send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_input_tokens: Option<u64>,
    /// Prices in USD per million tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
}

impl ModelSettings {
    /// Settings for `model` with nothing else set.
    #[must_use]
    pub fn new(model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            ..Self::default()
        }
    }
}

/// One chat call: the messages and the model settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The conversation, system message first.
    pub messages: Vec<Message>,
    /// The model and its settings.
    pub settings: ModelSettings,
}

impl ChatRequest {
    /// A request for `settings` with `messages`.
    #[must_use]
    pub fn new(settings: ModelSettings, messages: Vec<Message>) -> Self {
        Self { messages, settings }
    }

    /// A canonical text of everything that goes on the wire (model, temperature, max_tokens,
    /// messages) and nothing else: two requests with the same key get the same answer from a
    /// deterministic model. The replay provider and the response cache key on it.
    #[must_use]
    pub fn key(&self) -> String {
        #[derive(Serialize)]
        struct Key<'a> {
            model: &'a str,
            temperature: Option<f64>,
            max_tokens: Option<u64>,
            messages: &'a [Message],
        }
        let key = Key {
            model: &self.settings.model,
            temperature: self.settings.temperature,
            max_tokens: self.settings.max_tokens,
            messages: &self.messages,
        };
        // Serialising plain strings, numbers and enums cannot fail; the fallback keeps this
        // total without an unwrap.
        serde_json::to_string(&key).unwrap_or_else(|_| format!("{:?}", self.messages))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_ignores_accounting_settings() {
        let mut settings = ModelSettings::new("m");
        settings.temperature = Some(0.0);
        let a = ChatRequest::new(settings.clone(), vec![Message::user("hi")]);
        settings.price = Some(Price {
            input_per_mtok: 1.0,
            output_per_mtok: 2.0,
        });
        settings.max_input_tokens = Some(10);
        let b = ChatRequest::new(settings.clone(), vec![Message::user("hi")]);
        assert_eq!(a.key(), b.key());
        settings.max_tokens = Some(5);
        let c = ChatRequest::new(settings, vec![Message::user("hi")]);
        assert_ne!(a.key(), c.key());
        assert_eq!(
            a.key(),
            r#"{"model":"m","temperature":0.0,"max_tokens":null,"messages":[{"role":"user","content":"hi"}]}"#
        );
    }

    #[test]
    fn requests_round_trip_through_json() {
        let request = ChatRequest::new(
            ModelSettings::new("m"),
            vec![
                Message::system("s"),
                Message::user("u"),
                Message::assistant("a"),
            ],
        );
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<ChatRequest>(&text).unwrap(), request);
    }
}
