//! [`ProviderError`]: every way a model call can fail, with a stable [`ErrorKind`] a caller
//! maps to its own diagnostic codes.

use std::fmt;
use std::time::Duration;

/// What went wrong, in a form that does not change between releases.
///
/// [`ErrorKind::code`] gives a stable snake_case name. [`ErrorKind::is_retryable`] says
/// whether another attempt may succeed; [`Reliable`](super::Reliable) retries exactly those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The provider needs an API key and the environment has none.
    MissingApiKey,
    /// A setting is unusable (a base URL that is not http(s), a bad model id, ...).
    InvalidConfig,
    /// No connection could be made.
    Connect,
    /// The call took longer than its timeout.
    Timeout,
    /// The connection failed after it was made, before a response arrived.
    Network,
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx.
    ServerError,
    /// HTTP 401 or 403: the key was refused.
    Auth,
    /// Any other HTTP 4xx: the request itself is wrong (unknown model, bad parameter, ...).
    BadRequest,
    /// The response body ended before its end (connection cut, or JSON cut short).
    TruncatedBody,
    /// A response that is not JSON, or JSON without the expected fields.
    InvalidResponse,
    /// The provider's circuit breaker is open; no call was made.
    CircuitOpen,
    /// The replay provider has no recording of this request.
    ReplayMiss,
}

impl ErrorKind {
    /// A stable snake_case name, e.g. `rate_limited`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::MissingApiKey => "missing_api_key",
            Self::InvalidConfig => "invalid_config",
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::RateLimited => "rate_limited",
            Self::ServerError => "server_error",
            Self::Auth => "auth",
            Self::BadRequest => "bad_request",
            Self::TruncatedBody => "truncated_body",
            Self::InvalidResponse => "invalid_response",
            Self::CircuitOpen => "circuit_open",
            Self::ReplayMiss => "replay_miss",
        }
    }

    /// Whether another attempt may succeed: transport failures, timeouts, 429, 5xx and
    /// broken bodies. Never a 4xx other than 429, a configuration problem, an open circuit
    /// or a replay miss.
    #[must_use]
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::Connect
                | Self::Timeout
                | Self::Network
                | Self::RateLimited
                | Self::ServerError
                | Self::TruncatedBody
                | Self::InvalidResponse
        )
    }

    /// Whether this failure says the provider is unhealthy, which is what a circuit breaker
    /// counts: the retryable kinds less 429 (a throttled provider is up; `Retry-After` and
    /// the rate limiter deal with it).
    #[must_use]
    pub fn is_outage(self) -> bool {
        self.is_retryable() && self != Self::RateLimited
    }

    fn describe(self) -> &'static str {
        match self {
            Self::MissingApiKey => "no API key",
            Self::InvalidConfig => "invalid configuration",
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Network => "network error",
            Self::RateLimited => "rate limited",
            Self::ServerError => "server error",
            Self::Auth => "authentication failed",
            Self::BadRequest => "request rejected",
            Self::TruncatedBody => "response body truncated",
            Self::InvalidResponse => "invalid response",
            Self::CircuitOpen => "circuit breaker open",
            Self::ReplayMiss => "no recorded response",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A failed model call: its kind, the provider, the HTTP status when there was one, and a
/// message. Never holds an API key (HTTP clients redact server text before building one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    kind: ErrorKind,
    provider: String,
    status: Option<u16>,
    message: String,
    retry_after: Option<Duration>,
    attempts: u32,
}

impl ProviderError {
    /// An error of `kind` from `provider`. Custom [`Provider`](super::Provider)s build their
    /// errors with this; the message must not contain secrets.
    #[must_use]
    pub fn new(kind: ErrorKind, provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            provider: provider.into(),
            status: None,
            message: message.into(),
            retry_after: None,
            attempts: 1,
        }
    }

    /// The same error with an HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The same error with the delay the server asked for (`Retry-After`).
    #[must_use]
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    /// The same error, reported after `attempts` attempts.
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The provider's name (`openai`, `anthropic`, `gemini`, `replay`, ...).
    #[must_use]
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The HTTP status, if a response arrived.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The detail: the server's own error message where it sent one.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How long the server asked the caller to wait (`Retry-After`), if it did.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How many attempts were made before giving up: 1 without retries, 0 when an open
    /// circuit refused the very first one.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Shorthand for `self.kind().is_retryable()`.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.kind.describe())?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(delay) = self.retry_after {
            write!(f, "; retry after {:.3}s", delay.as_secs_f64())?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ProviderError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_provider_and_the_status() {
        let error = ProviderError::new(ErrorKind::RateLimited, "openai", "slow down")
            .with_status(429)
            .with_retry_after(Some(Duration::from_secs(2)))
            .with_attempts(3);
        assert_eq!(
            error.to_string(),
            "openai: rate limited (HTTP 429): slow down; retry after 2.000s (after 3 attempts)"
        );
        let error = ProviderError::new(ErrorKind::MissingApiKey, "gemini", "set GEMINI_API_KEY");
        assert_eq!(error.to_string(), "gemini: no API key: set GEMINI_API_KEY");
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        use ErrorKind::*;
        let retryable = [
            Connect,
            Timeout,
            Network,
            RateLimited,
            ServerError,
            TruncatedBody,
            InvalidResponse,
        ];
        let final_ = [
            MissingApiKey,
            InvalidConfig,
            Auth,
            BadRequest,
            CircuitOpen,
            ReplayMiss,
        ];
        for kind in retryable {
            assert!(kind.is_retryable(), "{kind}");
        }
        for kind in final_ {
            assert!(!kind.is_retryable(), "{kind}");
            assert!(!kind.is_outage(), "{kind}");
        }
        assert!(!RateLimited.is_outage());
        assert!(ServerError.is_outage());
    }
}
