//! [`RetryPolicy`]: how many times to retry, and how long to wait in between (exponential
//! backoff with full jitter, at least what `Retry-After` asks).

use std::time::Duration;

use super::error::ProviderError;

/// When and how [`Reliable`](super::Reliable) retries.
///
/// Only [retryable](super::ErrorKind::is_retryable) errors are retried. Before retry `n`
/// (1-based) it waits a uniformly random time in `[0, min(max_delay, base_delay * 2^(n-1))]`
/// ("full jitter"), or the server's `Retry-After` if that is longer. A `Retry-After` longer
/// than `max_retry_after` ends the call at once rather than stalling it.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most). Default 3.
    pub max_retries: u32,
    /// The backoff ceiling before the first retry; it doubles each retry. Default 500 ms.
    pub base_delay: Duration,
    /// The largest backoff ceiling. Default 30 s.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one fails the call. Default 120 s.
    pub max_retry_after: Duration,
    /// A deadline for each attempt, on top of the provider's own timeout. Default none.
    pub attempt_timeout: Option<Duration>,
    /// A deadline for the whole call, waits included: a retry whose wait would pass it is
    /// not made. Default none.
    pub max_elapsed: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            attempt_timeout: None,
            max_elapsed: None,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    #[must_use]
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The default policy with `max_retries` retries.
    #[must_use]
    pub fn retries(max_retries: u32) -> Self {
        Self {
            max_retries,
            ..Self::default()
        }
    }

    /// The backoff ceiling before retry `retry` (1-based).
    pub(crate) fn ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
    }

    /// A full-jitter backoff before retry `retry`.
    pub(crate) fn backoff(&self, retry: u32, rng: &mut fastrand::Rng) -> Duration {
        let ceiling = u64::try_from(self.ceiling(retry).as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rng.u64(0..=ceiling))
    }

    /// How long to wait before retry `retry` after `error`, or `None` when the call should
    /// stop here (the retries are used up, or the error is final, or the server asked for a
    /// longer wait than [`RetryPolicy::max_retry_after`]).
    pub(crate) fn delay(
        &self,
        retry: u32,
        error: &ProviderError,
        rng: &mut fastrand::Rng,
    ) -> Option<Duration> {
        if retry > self.max_retries || !error.is_retryable() {
            return None;
        }
        let backoff = self.backoff(retry, rng);
        match error.retry_after() {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked.max(backoff)),
            None => Some(backoff),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::error::ErrorKind;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let ceilings: Vec<u128> = (1..=6).map(|n| policy.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(policy.ceiling(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn full_jitter_stays_under_the_ceiling_and_spreads() {
        let policy = RetryPolicy::default();
        let mut rng = fastrand::Rng::with_seed(7);
        let delays: Vec<Duration> = (0..1000).map(|_| policy.backoff(3, &mut rng)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(2)));
        let low = delays
            .iter()
            .filter(|d| **d < Duration::from_secs(1))
            .count();
        assert!(
            (400..600).contains(&low),
            "{low} of 1000 under half the ceiling"
        );
    }

    #[test]
    fn retry_after_is_a_floor_and_too_long_is_final() {
        let policy = RetryPolicy::retries(2);
        let mut rng = fastrand::Rng::with_seed(1);
        let limited = |secs| {
            ProviderError::new(ErrorKind::RateLimited, "p", "")
                .with_retry_after(Some(Duration::from_secs(secs)))
        };
        let delay = policy.delay(1, &limited(5), &mut rng).unwrap();
        assert!(delay >= Duration::from_secs(5));
        assert_eq!(policy.delay(1, &limited(121), &mut rng), None);
        assert_eq!(
            policy.delay(3, &limited(1), &mut rng),
            None,
            "retries used up"
        );
        let bad = ProviderError::new(ErrorKind::BadRequest, "p", "").with_status(400);
        assert_eq!(policy.delay(1, &bad, &mut rng), None);
    }
}
