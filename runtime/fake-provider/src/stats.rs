//! Request counters (`GET /_stats`), so tests can assert how many calls were made.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::config::Fault;
use crate::wire::Format;

/// A snapshot of the counters since the start or the last reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Model requests received (admin requests not included).
    pub requests: u64,
    /// Requests answered normally (scripted replies included).
    pub ok: u64,
    /// Requests refused: a missing or wrong key, or an invalid body.
    pub rejected: u64,
    /// Requests answered with a scripted error status.
    pub scripted_errors: u64,
    /// Injected faults, by kind.
    pub faults: FaultCounts,
    /// Requests per wire format.
    pub by_format: FormatCounts,
    /// Requests being handled right now.
    pub in_flight: u64,
    /// The most requests handled at once.
    pub max_in_flight: u64,
}

/// Injected faults by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs, reason = "named after the faults")]
pub struct FaultCounts {
    pub server_error: u64,
    pub rate_limited: u64,
    pub hang: u64,
    pub truncated: u64,
    pub garbage: u64,
}

impl FaultCounts {
    /// All injected faults.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.server_error + self.rate_limited + self.hang + self.truncated + self.garbage
    }
}

/// Requests per wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs, reason = "named after the formats")]
pub struct FormatCounts {
    pub openai: u64,
    pub anthropic: u64,
    pub gemini: u64,
}

/// The live counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    ok: AtomicU64,
    rejected: AtomicU64,
    scripted_errors: AtomicU64,
    faults: [AtomicU64; 5],
    formats: [AtomicU64; 3],
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

/// Counts a request as in flight until dropped.
pub(crate) struct InFlight<'a>(&'a Counters);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Counters {
    pub(crate) fn request(&self, format: Format) -> InFlight<'_> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.formats[format as usize].fetch_add(1, Ordering::Relaxed);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.max_in_flight.fetch_max(now, Ordering::Relaxed);
        InFlight(self)
    }

    pub(crate) fn ok(&self) {
        self.ok.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn scripted_error(&self) {
        self.scripted_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn fault(&self, fault: Fault) {
        let index = match fault {
            Fault::Ok => return,
            Fault::ServerError => 0,
            Fault::RateLimited => 1,
            Fault::Hang => 2,
            Fault::Truncated => 3,
            Fault::Garbage => 4,
        };
        self.faults[index].fetch_add(1, Ordering::Relaxed);
    }

    /// Zeroes everything but the requests in flight.
    pub(crate) fn reset(&self) {
        let all = [
            &self.requests,
            &self.ok,
            &self.rejected,
            &self.scripted_errors,
        ];
        for counter in all.into_iter().chain(&self.faults).chain(&self.formats) {
            counter.store(0, Ordering::Relaxed);
        }
        self.max_in_flight
            .store(self.in_flight.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            requests: load(&self.requests),
            ok: load(&self.ok),
            rejected: load(&self.rejected),
            scripted_errors: load(&self.scripted_errors),
            faults: FaultCounts {
                server_error: load(&self.faults[0]),
                rate_limited: load(&self.faults[1]),
                hang: load(&self.faults[2]),
                truncated: load(&self.faults[3]),
                garbage: load(&self.faults[4]),
            },
            by_format: FormatCounts {
                openai: load(&self.formats[0]),
                anthropic: load(&self.formats[1]),
                gemini: load(&self.formats[2]),
            },
            in_flight: load(&self.in_flight),
            max_in_flight: load(&self.max_in_flight),
        }
    }
}
