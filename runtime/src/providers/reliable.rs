//! [`Reliable`]: a provider wrapped in the rate limiter, the circuit breaker, per-attempt
//! timeouts and retries.
//!
//! Each attempt: wait for the rate limiter, ask the breaker for leave (an open circuit fails
//! the call with [`ErrorKind::CircuitOpen`] without calling), call, report the outcome to
//! the breaker, and on a retryable error wait as [`RetryPolicy`] says and go again.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::breaker::CircuitBreaker;
use super::error::{ErrorKind, ProviderError};
use super::rate_limit::RateLimiter;
use super::request::ChatRequest;
use super::response::ChatResponse;
use super::retry::RetryPolicy;
use super::{Provider, ProviderFuture};

/// A retry about to happen, for logs, events and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryEvent {
    /// The provider's name.
    pub provider: String,
    /// The attempt that failed (1-based).
    pub attempt: u32,
    /// Why it failed.
    pub kind: ErrorKind,
    /// Its HTTP status, if any.
    pub status: Option<u16>,
    /// How long the wrapper waits before the next attempt.
    pub delay: Duration,
}

type Observer = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// A [`Provider`] made reliable: rate-limited, guarded by a circuit breaker, retried.
pub struct Reliable<P> {
    inner: P,
    policy: RetryPolicy,
    breaker: Option<Arc<CircuitBreaker>>,
    limiter: Option<Arc<RateLimiter>>,
    observer: Option<Observer>,
    rng: Mutex<fastrand::Rng>,
}

impl<P: Provider> Reliable<P> {
    /// `inner` retried by `policy`, with no breaker and no rate limit.
    pub fn new(inner: P, policy: RetryPolicy) -> Self {
        Self {
            inner,
            policy,
            breaker: None,
            limiter: None,
            observer: None,
            rng: Mutex::new(fastrand::Rng::new()),
        }
    }

    /// The same wrapper guarded by `breaker` (shared by every caller of this provider).
    #[must_use]
    pub fn with_breaker(mut self, breaker: Arc<CircuitBreaker>) -> Self {
        self.breaker = Some(breaker);
        self
    }

    /// The same wrapper limited by `limiter` (shared by every caller of this provider).
    #[must_use]
    pub fn with_rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The same wrapper calling `observer` before each retry's wait.
    #[must_use]
    pub fn with_observer(mut self, observer: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// The same wrapper with its jitter drawn from a seeded generator (reproducible waits).
    #[must_use]
    pub fn with_seed(self, seed: u64) -> Self {
        *self.rng.lock().unwrap_or_else(PoisonError::into_inner) = fastrand::Rng::with_seed(seed);
        self
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// The retry policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    async fn attempt(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let call = self.inner.complete(request);
        match self.policy.attempt_timeout {
            None => call.await,
            Some(limit) => tokio::time::timeout(limit, call).await.unwrap_or_else(|_| {
                Err(ProviderError::new(
                    ErrorKind::Timeout,
                    self.inner.name(),
                    format!("no reply within {:.3}s", limit.as_secs_f64()),
                ))
            }),
        }
    }

    async fn run(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.limiter {
                limiter.acquire().await;
            }
            let permit = match &self.breaker {
                None => None,
                Some(breaker) => match breaker.try_acquire() {
                    Ok(permit) => Some(permit),
                    Err(wait) => {
                        let message = format!(
                            "too many failures in a row; next probe in {:.3}s",
                            wait.as_secs_f64()
                        );
                        // Only the calls made count: none for this one.
                        return Err(ProviderError::new(
                            ErrorKind::CircuitOpen,
                            self.inner.name(),
                            message,
                        )
                        .with_attempts(attempt - 1));
                    }
                },
            };
            let result = self.attempt(request).await;
            if let Some(permit) = permit {
                match &result {
                    Ok(_) => permit.success(),
                    Err(error) if error.kind().is_outage() => permit.failure(),
                    Err(_) => drop(permit),
                }
            }
            let error = match result {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            let delay = {
                let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
                self.policy.delay(attempt, &error, &mut rng)
            };
            let within_budget = |delay: Duration| {
                self.policy
                    .max_elapsed
                    .is_none_or(|budget| start.elapsed() + delay <= budget)
            };
            let Some(delay) = delay.filter(|delay| within_budget(*delay)) else {
                return Err(error.with_attempts(attempt));
            };
            if let Some(observer) = &self.observer {
                observer(&RetryEvent {
                    provider: error.provider().to_owned(),
                    attempt,
                    kind: error.kind(),
                    status: error.status(),
                    delay,
                });
            }
            tokio::time::sleep(delay).await;
        }
    }
}

impl<P: Provider> Provider for Reliable<P> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(self.run(request))
    }
}
