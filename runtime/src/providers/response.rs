//! The provider-neutral response: the text, token usage and why the model stopped.

use serde::{Deserialize, Serialize};

use super::request::Price;

/// Tokens one call used, as the provider reported them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens (OpenAI `prompt_tokens`, Anthropic `input_tokens` plus cache reads and
    /// writes, Gemini `promptTokenCount`).
    pub input_tokens: u64,
    /// Generated tokens (OpenAI `completion_tokens`, Anthropic `output_tokens`, Gemini
    /// `candidatesTokenCount` plus `thoughtsTokenCount`).
    pub output_tokens: u64,
}

impl Usage {
    /// Input plus output tokens.
    #[must_use]
    pub fn total(self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }

    /// What these tokens cost at `price`, in USD.
    #[must_use]
    #[allow(
        clippy::cast_precision_loss,
        reason = "token counts are far below 2^52"
    )]
    pub fn cost_usd(self, price: Price) -> f64 {
        (self.input_tokens as f64 * price.input_per_mtok
            + self.output_tokens as f64 * price.output_per_mtok)
            / 1_000_000.0
    }
}

/// Why the model stopped generating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// A natural end or a stop sequence (OpenAI `stop`, Anthropic `end_turn` /
    /// `stop_sequence`, Gemini `STOP`).
    Stop,
    /// The `max_tokens` limit (OpenAI `length`, Anthropic `max_tokens`, Gemini `MAX_TOKENS`).
    Length,
    /// A safety or content filter (OpenAI `content_filter`, Anthropic `refusal`, Gemini
    /// `SAFETY`, `RECITATION`, `BLOCKLIST`, ... or a blocked prompt).
    ContentFilter,
    /// The model asked for a tool.
    ToolCalls,
    /// The provider did not say.
    Unknown,
    /// Anything else, verbatim.
    Other(String),
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    /// The generated text (all text parts, concatenated).
    pub text: String,
    /// Token usage, when the provider reported it (local servers often do not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Why generation stopped.
    pub finish_reason: FinishReason,
    /// The model that answered, as the provider named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl ChatResponse {
    /// A response with `text`, stopped normally, with no usage: for replay recordings and
    /// tests.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            usage: None,
            finish_reason: FinishReason::Stop,
            model: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_per_million_tokens() {
        let usage = Usage {
            input_tokens: 2_000_000,
            output_tokens: 500_000,
        };
        let cost = usage.cost_usd(Price {
            input_per_mtok: 0.15,
            output_per_mtok: 0.6,
        });
        assert!((cost - 0.6).abs() < 1e-12, "{cost}");
        assert_eq!(usage.total(), 2_500_000);
    }

    #[test]
    fn responses_round_trip_through_json() {
        let response = ChatResponse {
            text: "x".into(),
            usage: Some(Usage {
                input_tokens: 1,
                output_tokens: 2,
            }),
            finish_reason: FinishReason::Other("weird".into()),
            model: Some("m".into()),
        };
        let text = serde_json::to_string(&response).unwrap();
        assert_eq!(
            serde_json::from_str::<ChatResponse>(&text).unwrap(),
            response
        );
    }
}
