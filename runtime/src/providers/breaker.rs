//! [`CircuitBreaker`]: stop calling a provider that keeps failing, and probe it again after
//! a cooldown.
//!
//! ```text
//! Closed ──failure_threshold outages in a row──▶ Open ──cooldown──▶ HalfOpen
//!   ▲                                              ▲                  │ probe fails
//!   └──────────── success_threshold probes succeed ┴──────────────────┘
//! ```
//!
//! Time is `tokio::time::Instant`, so tests drive it with paused time.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Thresholds of a [`CircuitBreaker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive outages (see [`ErrorKind::is_outage`](super::ErrorKind::is_outage)) that
    /// open the circuit. Default 5.
    pub failure_threshold: u32,
    /// How long the circuit stays open before probing. Default 30 s.
    pub cooldown: Duration,
    /// Calls let through at once while half-open. Default 1.
    pub half_open_probes: u32,
    /// Successful probes that close the circuit again. Default 1.
    pub success_threshold: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cooldown: Duration::from_secs(30),
            half_open_probes: 1,
            success_threshold: 1,
        }
    }
}

/// Where a circuit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls are refused until the cooldown ends.
    Open,
    /// A few probe calls go through; their outcome closes or reopens the circuit.
    HalfOpen,
}

#[derive(Debug)]
enum State {
    Closed,
    Open { until: Instant },
    HalfOpen,
}

#[derive(Debug)]
struct Inner {
    state: State,
    failures: u32,
    /// Bumped each time the circuit opens, so results of calls from an earlier period
    /// cannot move the current one.
    generation: u64,
    probes_in_flight: u32,
    probe_successes: u32,
}

/// A per-provider circuit breaker. Share one (`Arc`) among everything that calls the same
/// provider.
#[derive(Debug)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    inner: Mutex<Inner>,
}

/// Leave to make one call, from [`CircuitBreaker::try_acquire`]. Report the outcome with
/// [`BreakerPermit::success`] or [`BreakerPermit::failure`]; dropping it reports nothing
/// (for failures that say nothing about the provider's health, or a cancelled call).
#[derive(Debug)]
#[must_use = "report the call's outcome, or drop the permit if it says nothing"]
pub struct BreakerPermit<'a> {
    breaker: &'a CircuitBreaker,
    probe: bool,
    generation: u64,
    reported: bool,
}

impl CircuitBreaker {
    /// A closed breaker. Thresholds of 0 count as 1.
    #[must_use]
    pub fn new(mut config: BreakerConfig) -> Self {
        config.failure_threshold = config.failure_threshold.max(1);
        config.half_open_probes = config.half_open_probes.max(1);
        config.success_threshold = config.success_threshold.max(1);
        let inner = Inner {
            state: State::Closed,
            failures: 0,
            generation: 0,
            probes_in_flight: 0,
            probe_successes: 0,
        };
        Self {
            config,
            inner: Mutex::new(inner),
        }
    }

    /// The current state (an open circuit whose cooldown has passed reports half-open).
    #[must_use]
    pub fn state(&self) -> BreakerState {
        match self.lock().state {
            State::Closed => BreakerState::Closed,
            State::Open { until } if Instant::now() < until => BreakerState::Open,
            State::Open { .. } | State::HalfOpen => BreakerState::HalfOpen,
        }
    }

    /// Leave to make a call, or `Err(wait)` when the circuit refuses it: `wait` is the rest
    /// of the cooldown (zero while half-open with every probe slot taken).
    ///
    /// # Errors
    /// The circuit is open, or half-open with no probe slot free.
    pub fn try_acquire(&self) -> Result<BreakerPermit<'_>, Duration> {
        let mut inner = self.lock();
        if let State::Open { until } = inner.state {
            let now = Instant::now();
            if now < until {
                return Err(until - now);
            }
            inner.state = State::HalfOpen;
            inner.probes_in_flight = 0;
            inner.probe_successes = 0;
        }
        let probe = match inner.state {
            State::Closed => false,
            State::HalfOpen if inner.probes_in_flight < self.config.half_open_probes => {
                inner.probes_in_flight += 1;
                true
            }
            State::HalfOpen | State::Open { .. } => return Err(Duration::ZERO),
        };
        Ok(BreakerPermit {
            breaker: self,
            probe,
            generation: inner.generation,
            reported: false,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The state stays consistent between statements, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self, inner: &mut Inner) {
        inner.state = State::Open {
            until: Instant::now() + self.config.cooldown,
        };
        inner.failures = 0;
        inner.generation += 1;
        inner.probes_in_flight = 0;
    }

    fn report(&self, permit: &BreakerPermit<'_>, outcome: Option<bool>) {
        let mut inner = self.lock();
        if permit.generation != inner.generation {
            return;
        }
        match (&inner.state, permit.probe, outcome) {
            (State::Closed, false, Some(true)) => inner.failures = 0,
            (State::Closed, false, Some(false)) => {
                inner.failures += 1;
                if inner.failures >= self.config.failure_threshold {
                    self.open(&mut inner);
                }
            }
            (State::HalfOpen, true, Some(true)) => {
                inner.probes_in_flight = inner.probes_in_flight.saturating_sub(1);
                inner.probe_successes += 1;
                if inner.probe_successes >= self.config.success_threshold {
                    inner.state = State::Closed;
                    inner.failures = 0;
                }
            }
            (State::HalfOpen, true, Some(false)) => self.open(&mut inner),
            (State::HalfOpen, true, None) => {
                inner.probes_in_flight = inner.probes_in_flight.saturating_sub(1);
            }
            _ => {}
        }
    }
}

impl BreakerPermit<'_> {
    /// The call succeeded.
    pub fn success(mut self) {
        self.reported = true;
        self.breaker.report(&self, Some(true));
    }

    /// The call failed in a way that says the provider is unhealthy.
    pub fn failure(mut self) {
        self.reported = true;
        self.breaker.report(&self, Some(false));
    }
}

impl Drop for BreakerPermit<'_> {
    fn drop(&mut self) {
        if !self.reported {
            self.breaker.report(self, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new(BreakerConfig {
            failure_threshold: 3,
            cooldown: Duration::from_secs(10),
            half_open_probes: 1,
            success_threshold: 2,
        })
    }

    fn fail(breaker: &CircuitBreaker) {
        breaker.try_acquire().unwrap().failure();
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_consecutive_failures_only() {
        let breaker = breaker();
        fail(&breaker);
        fail(&breaker);
        breaker.try_acquire().unwrap().success();
        fail(&breaker);
        fail(&breaker);
        assert_eq!(breaker.state(), BreakerState::Closed);
        fail(&breaker);
        assert_eq!(breaker.state(), BreakerState::Open);
        assert_eq!(breaker.try_acquire().unwrap_err(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn half_opens_after_the_cooldown_and_closes_on_probe_successes() {
        let breaker = breaker();
        for _ in 0..3 {
            fail(&breaker);
        }
        tokio::time::advance(Duration::from_secs(4)).await;
        assert_eq!(breaker.try_acquire().unwrap_err(), Duration::from_secs(6));
        tokio::time::advance(Duration::from_secs(6)).await;
        assert_eq!(breaker.state(), BreakerState::HalfOpen);

        let probe = breaker.try_acquire().unwrap();
        // One probe at a time.
        assert_eq!(breaker.try_acquire().unwrap_err(), Duration::ZERO);
        probe.success();
        assert_eq!(
            breaker.state(),
            BreakerState::HalfOpen,
            "needs two successes"
        );
        breaker.try_acquire().unwrap().success();
        assert_eq!(breaker.state(), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_probe_reopens_and_a_dropped_probe_frees_its_slot() {
        let breaker = breaker();
        for _ in 0..3 {
            fail(&breaker);
        }
        tokio::time::advance(Duration::from_secs(10)).await;
        drop(breaker.try_acquire().unwrap());
        let probe = breaker.try_acquire().unwrap();
        probe.failure();
        assert_eq!(breaker.state(), BreakerState::Open);
        assert_eq!(breaker.try_acquire().unwrap_err(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn stale_results_do_not_move_a_newer_period() {
        let breaker = breaker();
        let slow = breaker.try_acquire().unwrap();
        for _ in 0..3 {
            fail(&breaker);
        }
        tokio::time::advance(Duration::from_secs(10)).await;
        let probe = breaker.try_acquire().unwrap();
        // A call from before the circuit opened finishes now: it must not close it.
        slow.success();
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        probe.success();
        breaker.try_acquire().unwrap().success();
        assert_eq!(breaker.state(), BreakerState::Closed);
    }
}
