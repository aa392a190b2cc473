//! What the three HTTP providers share: their configuration, and one POST of a JSON body
//! that turns every failure (transport, status, body) into a typed [`ProviderError`].

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::env::{Env, non_empty};
use super::error::{ErrorKind, ProviderError};
use super::retry_after::{parse_retry_after, parse_retry_after_ms};
use super::secret::Secret;

/// The largest response body read, in bytes; a bigger one is an invalid response.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// How much of a server's error text goes into an error message.
const MAX_MESSAGE_CHARS: usize = 500;

/// A vendor wire format, with its environment variables and default base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiFormat {
    /// OpenAI chat completions (also vLLM, Ollama, llama.cpp, LM Studio).
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
    /// Gemini `generateContent`.
    Gemini,
}

impl ApiFormat {
    /// `openai`, `anthropic` or `gemini`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Gemini => "gemini",
        }
    }

    /// The variable holding the API key: `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`,
    /// `GEMINI_API_KEY`.
    #[must_use]
    pub fn key_var(self) -> &'static str {
        match self {
            Self::OpenAi => "OPENAI_API_KEY",
            Self::Anthropic => "ANTHROPIC_API_KEY",
            Self::Gemini => "GEMINI_API_KEY",
        }
    }

    /// The variable overriding the base URL: `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`,
    /// `GEMINI_BASE_URL`.
    #[must_use]
    pub fn base_url_var(self) -> &'static str {
        match self {
            Self::OpenAi => "OPENAI_BASE_URL",
            Self::Anthropic => "ANTHROPIC_BASE_URL",
            Self::Gemini => "GEMINI_BASE_URL",
        }
    }

    /// The vendor's own base URL. OpenAI's includes `/v1` (as the OpenAI SDKs'
    /// `base_url` does); Anthropic's and Gemini's are the bare host (as their SDKs').
    #[must_use]
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com",
            Self::Gemini => "https://generativelanguage.googleapis.com",
        }
    }
}

/// How to reach one HTTP provider.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The name used in errors (`openai`, or `ollama` for an OpenAI-compatible server).
    pub name: String,
    /// The base URL, `http://` or `https://`, without credentials.
    pub base_url: String,
    /// The API key, if any.
    pub api_key: Option<Secret>,
    /// Longest time for one whole call (connect, send, wait, read). Default 120 s.
    pub timeout: Duration,
    /// Longest time to connect. Default 10 s.
    pub connect_timeout: Duration,
}

impl HttpConfig {
    /// A configuration for `base_url` with no key and the default timeouts.
    #[must_use]
    pub fn new(name: impl Into<String>, base_url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            base_url: base_url.into(),
            api_key: None,
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// `format`'s configuration from the environment: the key from
    /// [`ApiFormat::key_var`], the base URL from [`ApiFormat::base_url_var`] or the vendor's
    /// default. Whether a missing key is an error is the provider's call (a local
    /// OpenAI-compatible server needs none).
    #[must_use]
    pub fn from_env(format: ApiFormat, env: &dyn Env) -> Self {
        let base_url = non_empty(env, format.base_url_var())
            .unwrap_or_else(|| format.default_base_url().to_owned());
        let mut config = Self::new(format.name(), base_url);
        config.api_key = non_empty(env, format.key_var()).and_then(Secret::new);
        config
    }

    /// The same configuration with `key`.
    #[must_use]
    pub fn with_api_key(mut self, key: Secret) -> Self {
        self.api_key = Some(key);
        self
    }

    /// The same configuration with a call timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The base URL without a trailing slash.
    pub(crate) fn trimmed_base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }
}

/// How a provider sends its key.
pub(crate) enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `<header>: <key>`.
    Header(&'static str),
}

/// A reqwest client bound to one provider: its headers (auth marked sensitive) and the
/// mapping of everything that can go wrong to [`ProviderError`].
#[derive(Debug)]
pub(crate) struct HttpClient {
    client: reqwest::Client,
    name: String,
    base_url: String,
    api_key: Option<Secret>,
    headers: HeaderMap,
}

impl HttpClient {
    /// A client for `config`, sending the key (if any) as `auth` plus `extra` headers.
    pub(crate) fn new(
        config: &HttpConfig,
        auth: &Auth,
        extra: &[(&'static str, &'static str)],
    ) -> Result<Self, ProviderError> {
        let name = config.name.clone();
        let base_url = config.trimmed_base().to_owned();
        let invalid =
            |message: String| ProviderError::new(ErrorKind::InvalidConfig, &name, message);
        let Some((scheme, rest)) = base_url.split_once("://") else {
            return Err(invalid(format!(
                "base URL `{base_url}` is not an http(s) URL"
            )));
        };
        if scheme != "http" && scheme != "https" {
            return Err(invalid(format!(
                "base URL `{base_url}` is not an http(s) URL"
            )));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains('@') {
            // Credentials in the URL would end up in error messages; keys go in the key
            // variable.
            return Err(invalid(
                "the base URL contains credentials; put the key in the API key variable".into(),
            ));
        }
        if authority.is_empty() {
            return Err(invalid(format!("base URL `{base_url}` has no host")));
        }

        let mut headers = HeaderMap::new();
        for (header, value) in extra {
            headers.insert(
                HeaderName::from_static(header),
                HeaderValue::from_static(value),
            );
        }
        if let Some(key) = &config.api_key {
            let (header, text) = match auth {
                Auth::Bearer => (
                    reqwest::header::AUTHORIZATION,
                    format!("Bearer {}", key.expose()),
                ),
                Auth::Header(header) => (HeaderName::from_static(header), key.expose().to_owned()),
            };
            let mut value = HeaderValue::from_str(&text).map_err(|_| {
                invalid("the API key holds characters that cannot go in an HTTP header".into())
            })?;
            value.set_sensitive(true);
            headers.insert(header, value);
        }

        let host = authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host);
        let loopback = matches!(host, "localhost" | "[::1]") || host.starts_with("127.");
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("pipec-runtime/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A proxy from the environment has no business seeing loopback traffic.
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|error| invalid(format!("cannot build the HTTP client: {error}")))?;
        Ok(Self {
            client,
            name,
            base_url,
            api_key: config.api_key.clone(),
            headers,
        })
    }

    /// The provider's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The base URL without a trailing slash.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// An error from this provider, with any trace of the key removed from `message`.
    pub(crate) fn error(&self, kind: ErrorKind, message: impl Into<String>) -> ProviderError {
        ProviderError::new(kind, &self.name, self.redact(message.into()))
    }

    fn redact(&self, text: String) -> String {
        match &self.api_key {
            Some(key) => key.redact(&text),
            None => text,
        }
    }

    /// POSTs `body` to `url` and returns the parsed JSON of a 2xx reply.
    pub(crate) async fn post_json(&self, url: &str, body: &Value) -> Result<Value, ProviderError> {
        let request = self
            .client
            .post(url)
            .headers(self.headers.clone())
            .json(body);
        let mut response = request
            .send()
            .await
            .map_err(|error| self.transport_error(&error))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());

        let mut bytes = Vec::new();
        let read = loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                        break Err(self.error(
                            ErrorKind::InvalidResponse,
                            format!("the response body is larger than {MAX_BODY_BYTES} bytes"),
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break Ok(()),
                Err(error) if error.is_timeout() => {
                    break Err(self.error(ErrorKind::Timeout, error_chain(&error)));
                }
                Err(error) => {
                    break Err(self.error(
                        ErrorKind::TruncatedBody,
                        format!(
                            "the connection closed after {} bytes of the body: {}",
                            bytes.len(),
                            error_chain(&error)
                        ),
                    ));
                }
            }
        };

        if !(200..300).contains(&status) {
            let kind = match status {
                429 => ErrorKind::RateLimited,
                500..=599 => ErrorKind::ServerError,
                401 | 403 => ErrorKind::Auth,
                400..=499 => ErrorKind::BadRequest,
                _ => ErrorKind::InvalidResponse,
            };
            // A status says enough on its own if its body could not be read.
            let message = match read {
                Ok(()) => error_message(&bytes),
                Err(_) => String::new(),
            };
            let message = if message.is_empty() {
                status_text(status)
            } else {
                message
            };
            return Err(self
                .error(kind, message)
                .with_status(status)
                .with_retry_after(retry_after));
        }
        read.map_err(|error| error.with_status(status))?;
        serde_json::from_slice(&bytes).map_err(|error| {
            let (kind, what) = if error.is_eof() {
                (ErrorKind::TruncatedBody, "the JSON body ends early")
            } else {
                (ErrorKind::InvalidResponse, "the body is not JSON")
            };
            self.error(
                kind,
                format!(
                    "{what} ({error}, {} bytes): {}",
                    bytes.len(),
                    snippet(&bytes, 80)
                ),
            )
            .with_status(status)
        })
    }

    fn transport_error(&self, error: &reqwest::Error) -> ProviderError {
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else if error.is_connect() {
            ErrorKind::Connect
        } else {
            ErrorKind::Network
        };
        self.error(kind, error_chain(error))
    }
}

/// The delay the server asked for: `retry-after-ms` (OpenAI, more precise) or `Retry-After`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    text("retry-after-ms")
        .and_then(parse_retry_after_ms)
        .or_else(|| {
            text("retry-after").and_then(|value| parse_retry_after(value, SystemTime::now()))
        })
}

/// An error and its sources, `outer: inner: innermost`.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

/// The message of an error body: `error.message` (OpenAI, Anthropic, Gemini), `error` as a
/// string, `message` or `detail` (other OpenAI-compatible servers), else the text itself.
fn error_message(bytes: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<Value>(bytes) {
        let candidates = [
            json.pointer("/error/message"),
            json.get("error"),
            json.get("message"),
            json.get("detail"),
        ];
        if let Some(text) = candidates.into_iter().flatten().find_map(Value::as_str) {
            return clip(text, MAX_MESSAGE_CHARS);
        }
    }
    snippet(bytes, MAX_MESSAGE_CHARS)
}

/// Up to `max` characters of a body, control characters shown as spaces.
fn snippet(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clip(text.trim(), max)
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn status_text(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("unexpected status")
        .to_owned()
}

/// A required string field of a response, or an invalid-response error naming it.
pub(crate) fn need<'a>(
    client: &HttpClient,
    value: Option<&'a Value>,
    what: &str,
) -> Result<&'a Value, ProviderError> {
    value.ok_or_else(|| {
        client.error(
            ErrorKind::InvalidResponse,
            format!("the response has no {what}"),
        )
    })
}

/// A token count, if the field is a non-negative integer.
pub(crate) fn count(value: Option<&Value>) -> Option<u64> {
    value.and_then(Value::as_u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_come_from_the_usual_places() {
        assert_eq!(
            error_message(br#"{"error":{"message":"bad model","type":"x"}}"#),
            "bad model"
        );
        assert_eq!(
            error_message(
                br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
            ),
            "Overloaded"
        );
        assert_eq!(error_message(br#"{"error":"plain"}"#), "plain");
        assert_eq!(error_message(br#"{"detail":"fastapi"}"#), "fastapi");
        assert_eq!(
            error_message(b"<html>\n502\x00</html>"),
            "<html> 502 </html>"
        );
        let long = "x".repeat(600);
        assert_eq!(
            error_message(long.as_bytes()).chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
    }

    #[test]
    fn base_urls_are_checked() {
        let make = |url: &str| HttpClient::new(&HttpConfig::new("p", url), &Auth::Bearer, &[]);
        assert!(make("http://127.0.0.1:1/v1/").is_ok());
        assert!(make("https://api.example.com").is_ok());
        for bad in [
            "ftp://x",
            "api.openai.com",
            "http://",
            "http://user:pw@host/v1",
        ] {
            let error = make(bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{bad}");
            assert!(!error.to_string().contains("pw@"), "{error}");
        }
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_reported_without_the_key() {
        let config = HttpConfig::new("p", "http://127.0.0.1:1")
            .with_api_key(Secret::new("sk-bad\nkey-material").unwrap());
        let error = HttpClient::new(&config, &Auth::Bearer, &[]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidConfig);
        assert!(!error.to_string().contains("key-material"), "{error}");
    }

    #[test]
    fn from_env_reads_the_key_and_the_base_url() {
        let env = [
            ("ANTHROPIC_API_KEY", "k"),
            ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
        ];
        let config = HttpConfig::from_env(ApiFormat::Anthropic, &env);
        assert_eq!(config.base_url, "http://127.0.0.1:9");
        assert_eq!(config.api_key.as_ref().map(Secret::expose), Some("k"));
        assert_eq!(config.name, "anthropic");
        let config = HttpConfig::from_env(ApiFormat::Gemini, &[("GEMINI_API_KEY", "")]);
        assert_eq!(config.base_url, "https://generativelanguage.googleapis.com");
        assert!(config.api_key.is_none());
    }
}
