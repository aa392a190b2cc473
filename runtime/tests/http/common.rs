//! Shared helpers: a fake server, providers pointed at it, DSPy-shaped requests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pipec_fake_provider::{Config, FakeServer};
use pipec_runtime::providers::{
    AnthropicProvider, ApiFormat, ChatRequest, GeminiProvider, HttpConfig, Message, ModelSettings,
    OpenAiProvider, Provider, RetryEvent, RetryPolicy,
};

/// The API key every test uses; it must never show up in any output.
pub const KEY: &str = "sk-test-Zq81vWx4mNc7";

/// The three HTTP providers.
pub const FORMATS: [ApiFormat; 3] = [ApiFormat::OpenAi, ApiFormat::Anthropic, ApiFormat::Gemini];

pub async fn server(config: Config) -> FakeServer {
    FakeServer::start(config).await.unwrap()
}

/// The configuration the environment would give `format` for `server`.
pub fn config(format: ApiFormat, server: &FakeServer, timeout: Duration) -> HttpConfig {
    let base = match format {
        ApiFormat::OpenAi => format!("{}/v1", server.url()),
        ApiFormat::Anthropic | ApiFormat::Gemini => server.url(),
    };
    let env = [
        (format.key_var(), KEY),
        (format.base_url_var(), base.as_str()),
    ];
    HttpConfig::from_env(format, &env).with_timeout(timeout)
}

/// A provider of `format` for `server` with a 5 s timeout.
pub fn provider(format: ApiFormat, server: &FakeServer) -> Box<dyn Provider> {
    provider_with_timeout(format, server, Duration::from_secs(5))
}

pub fn provider_with_timeout(
    format: ApiFormat,
    server: &FakeServer,
    timeout: Duration,
) -> Box<dyn Provider> {
    let config = config(format, server, timeout);
    match format {
        ApiFormat::OpenAi => Box::new(OpenAiProvider::new(&config).unwrap()),
        ApiFormat::Anthropic => Box::new(AnthropicProvider::new(&config).unwrap()),
        ApiFormat::Gemini => Box::new(GeminiProvider::new(&config).unwrap()),
    }
}

/// A model name each vendor would accept.
pub fn model(format: ApiFormat) -> &'static str {
    match format {
        ApiFormat::OpenAi => "gpt-4o-mini",
        ApiFormat::Anthropic => "claude-sonnet-4-5",
        ApiFormat::Gemini => "gemini-2.5-flash",
    }
}

/// The system message DSPy's ChatAdapter writes for `question -> answer, score: float`.
pub const SYSTEM: &str = "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answer` (str):\n2. `score` (float):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## score ## ]]\n{score}        # note: the value you produce must be a single float value\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`, `score`.";

pub const USER: &str = "[[ ## question ## ]]\nCapital of France?\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, then `[[ ## score ## ]]` (must be formatted as a valid Python float), and then ending with the marker for `[[ ## completed ## ]]`.";

/// What the fake answers to [`SYSTEM`].
pub const REPLY: &str =
    "[[ ## answer ## ]]\nexample answer\n\n[[ ## score ## ]]\n0.5\n\n[[ ## completed ## ]]";

pub fn request(format: ApiFormat) -> ChatRequest {
    let mut settings = ModelSettings::new(model(format));
    settings.temperature = Some(0.0);
    settings.max_tokens = Some(256);
    ChatRequest::new(settings, vec![Message::system(SYSTEM), Message::user(USER)])
}

/// The fake's token estimate: four characters a token.
pub fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

/// A policy that retries quickly.
pub fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

/// An observer that keeps every retry event.
pub fn events() -> (
    Arc<Mutex<Vec<RetryEvent>>>,
    impl Fn(&RetryEvent) + Send + Sync + 'static,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    (events, move |event: &RetryEvent| {
        sink.lock().unwrap().push(event.clone())
    })
}
