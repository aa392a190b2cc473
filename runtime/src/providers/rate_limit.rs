//! [`RateLimiter`]: at most N requests per second to one provider, served in call order.
//!
//! It is the generic cell rate algorithm with reservations: each caller, in the order it
//! calls, reserves the next free slot (`burst` slots may be taken at once) and sleeps until
//! its slot. One lock held for a few instructions, no queue, no task per waiter.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// A per-provider rate limiter. Share one (`Arc`) among everything that calls the same
/// provider.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    burst: u32,
    /// The theoretical arrival time of the next request; `None` until the first one.
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `rate` requests per second, one at a time (no burst). `None` unless `rate` is finite
    /// and above zero.
    #[must_use]
    pub fn per_second(rate: f64) -> Option<Self> {
        if !(rate.is_finite() && rate > 0.0) {
            return None;
        }
        let interval = Duration::try_from_secs_f64(1.0 / rate).ok()?;
        Some(Self {
            interval,
            burst: 1,
            next: Mutex::new(None),
        })
    }

    /// The same limiter letting `burst` requests through at once after an idle spell (the
    /// average rate stays the same). 0 counts as 1.
    #[must_use]
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The time between two requests at the steady rate.
    #[must_use]
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits for this caller's turn. Callers are served in the order they call; dropping
    /// the future gives up its slot without moving anyone else's.
    pub async fn acquire(&self) {
        let slot = self.reserve();
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
    }

    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let theoretical = next.unwrap_or(now).max(now);
        let tolerance = self.interval.saturating_mul(self.burst - 1);
        let slot = theoretical
            .checked_sub(tolerance)
            .map_or(now, |earliest| earliest.max(now));
        *next = Some(theoretical + self.interval);
        slot
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn rates_must_be_positive() {
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-300] {
            assert!(RateLimiter::per_second(rate).is_none(), "{rate}");
        }
        assert_eq!(
            RateLimiter::per_second(4.0).unwrap().interval(),
            Duration::from_millis(250)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_and_served_in_order() {
        let limiter = Arc::new(RateLimiter::per_second(10.0).unwrap());
        let start = Instant::now();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for index in 0..5_u64 {
            let limiter = Arc::clone(&limiter);
            let order = Arc::clone(&order);
            tasks.push(tokio::spawn(async move {
                limiter.acquire().await;
                order.lock().unwrap().push((index, start.elapsed()));
            }));
            // Make sure task `index` has called before the next one is spawned.
            tokio::task::yield_now().await;
        }
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        let expected: Vec<(u64, Duration)> = (0..5)
            .map(|i| (i, Duration::from_millis(100 * i)))
            .collect();
        assert_eq!(order, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_the_rate_holds() {
        let limiter = RateLimiter::per_second(2.0).unwrap().with_burst(3);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..5 {
            limiter.acquire().await;
            times.push(start.elapsed().as_millis());
        }
        assert_eq!(times, [0, 0, 0, 500, 1000]);
        // After an idle spell the burst is available again.
        tokio::time::advance(Duration::from_secs(10)).await;
        let idle = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!(idle.elapsed(), Duration::ZERO);
    }
}
