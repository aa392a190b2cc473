//! Run configuration: models, limits, defaults, and the retry and duration forms they use.

use schemars::JsonSchema;
use serde::Deserialize;

/// A model configuration.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Who serves the model.
    pub provider: Provider,
    /// The provider's model id, such as `gpt-4o-mini`.
    pub model: String,
    /// Most output tokens per call.
    #[schemars(range(min = 1))]
    pub max_tokens: Option<u64>,
    /// Most input (prompt) tokens per call; used for worst-case cost.
    #[schemars(range(min = 1))]
    pub max_input_tokens: Option<u64>,
    /// Sampling temperature.
    #[schemars(range(min = 0.0))]
    pub temperature: Option<f64>,
    /// Prices in USD per million tokens.
    pub price: Option<PriceSpec>,
}

/// A model provider.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// OpenAI chat completions.
    Openai,
    /// Anthropic Messages.
    Anthropic,
    /// Google Gemini.
    Gemini,
    /// An Ollama server.
    Ollama,
    /// A vLLM server.
    Vllm,
    /// Any OpenAI-compatible server (llama.cpp, LM Studio, ...).
    OpenaiCompatible,
    /// Recorded responses, for tests.
    Replay,
}

/// Prices in USD per million tokens.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceSpec {
    /// Per million input tokens.
    #[schemars(range(min = 0.0))]
    pub input_per_mtok: f64,
    /// Per million output tokens.
    #[schemars(range(min = 0.0))]
    pub output_per_mtok: f64,
}

/// Resource limits for one run.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSpec {
    /// Most LLM calls.
    #[schemars(range(min = 1))]
    pub max_llm_calls: Option<u64>,
    /// Most tokens, input and output.
    #[schemars(range(min = 1))]
    pub max_tokens: Option<u64>,
    /// Most cost in USD.
    #[schemars(range(min = 0.0))]
    pub max_cost_usd: Option<f64>,
    /// Most wall time.
    pub timeout: Option<Duration>,
    /// Deepest sub-pipeline nesting.
    pub max_depth: Option<u64>,
}

/// The dataset and metric for `dspy.Evaluate` and DSPy's optimizers.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSpec {
    /// A JSONL file (relative to the pipeline file): per line, the pipeline's inputs and the expected outputs.
    pub dataset: String,
    /// The metric (default `exact_match`).
    pub metric: Option<MetricName>,
    /// The output the metric compares (default: every declared output).
    pub field: Option<String>,
    /// `llm_judge`: the `models:` entry that judges.
    pub model: Option<String>,
}

/// The built-in metrics.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricName {
    /// Normalized exact match (DSPy's `answer_exact_match` normalization).
    ExactMatch,
    /// Token F1 of the normalized texts.
    F1,
    /// The expected text occurs in the prediction (normalized).
    Contains,
    /// A model judges whether the prediction matches the expected output.
    LlmJudge,
}

/// What steps that do not set these keys use.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultsSpec {
    /// A `models:` entry.
    pub model: Option<String>,
    /// Per-attempt timeout.
    pub timeout: Option<Duration>,
    /// Retry policy.
    pub retry: Option<RetrySpec>,
}

/// A duration: seconds as a number, or a number with a unit.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum Duration {
    /// Seconds (above zero).
    Seconds(#[schemars(extend("exclusiveMinimum" = 0))] f64),
    /// A number with a unit: `500ms`, `30s`, `2m`, `1h`.
    Text(#[schemars(regex(pattern = r"^\s*[0-9]+(\.[0-9]+)?\s*(ms|s|m|h)?\s*$"))] String),
}

/// `retry:` — a number of retries (`retry: 2` makes three attempts), or the policy form.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum RetrySpec {
    /// Retries after the first attempt.
    Retries(u32),
    /// The policy form.
    Policy(RetryPolicy),
}

/// The policy form of `retry:`.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Total attempts, the first included.
    #[schemars(range(min = 1))]
    pub max_attempts: u32,
    /// How the delay between attempts grows.
    pub backoff: Option<Backoff>,
    /// The first delay, in milliseconds.
    pub base_delay_ms: Option<u64>,
}

/// How the delay between retries grows.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Doubles each time (with jitter).
    Exponential,
    /// Grows by the base delay each time.
    Linear,
    /// Stays the base delay.
    Fixed,
}
