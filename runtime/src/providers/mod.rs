//! Model providers: one request/response model, the HTTP clients that speak each vendor's
//! wire format, a replay provider, and the reliability layer that wraps any of them.
//!
//! ```text
//! ChatRequest ──▶ Reliable ──(rate limiter ▸ circuit breaker ▸ attempt ▸ retry)──▶ Provider
//!                                                                   OpenAi / Anthropic / Gemini / Replay
//! ```
//!
//! A [`Provider`] is one attempt: it sends the request once and maps whatever comes back to a
//! [`ChatResponse`] or a typed [`ProviderError`]. [`Reliable`] adds retries with backoff,
//! the per-provider [`CircuitBreaker`] and [`RateLimiter`]; it is a [`Provider`] too.

mod anthropic;
mod breaker;
mod env;
mod error;
mod gemini;
mod http;
mod openai;
mod rate_limit;
mod registry;
mod reliable;
mod replay;
mod request;
mod response;
mod retry;
mod retry_after;
mod secret;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use anthropic::AnthropicProvider;
pub use breaker::{BreakerConfig, BreakerState, CircuitBreaker};
pub use env::{Env, ProcessEnv};
pub use error::{ErrorKind, ProviderError};
pub use gemini::GeminiProvider;
pub use http::{ApiFormat, HttpConfig};
pub use openai::{OpenAiProvider, TokenLimitField};
pub use rate_limit::RateLimiter;
pub use registry::{
    PROVIDER_SPECS, ProviderRegistry, ProviderSpec, RegisteredProvider, provider_spec,
};
pub use reliable::{Reliable, RetryEvent};
pub use replay::{Recorder, ReplayProvider};
pub use request::{ChatRequest, Message, ModelSettings, Price, Role};
pub use response::{ChatResponse, FinishReason, Usage};
pub use retry::RetryPolicy;
pub use retry_after::parse_retry_after;
pub use secret::Secret;

/// The future a [`Provider`] returns: one response or one error.
pub type ProviderFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ChatResponse, ProviderError>> + Send + 'a>>;

/// Something that answers chat requests: one call, one attempt.
///
/// Implementations never retry and never sleep on their own; [`Reliable`] does that.
pub trait Provider: Send + Sync {
    /// The provider's name as it appears in errors (`openai`, `anthropic`, `ollama`, ...).
    fn name(&self) -> &str;

    /// Sends `request` once.
    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a>;
}

impl<P: Provider + ?Sized> Provider for Box<P> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        (**self).complete(request)
    }
}

impl<P: Provider + ?Sized> Provider for Arc<P> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        (**self).complete(request)
    }
}
