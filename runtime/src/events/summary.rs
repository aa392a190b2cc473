//! [`RunSummary`]: the totals printed at the end of a run and carried by `run_finished`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Steps that ran and finished (composite steps included).
    pub steps: u64,
    /// Steps skipped because their `when` was false.
    pub skipped: u64,
    /// Steps restored from the checkpoint instead of run.
    pub restored: u64,
    /// Model calls made (every attempt).
    pub calls: u64,
    /// Model calls answered from the response cache.
    pub cache_hits: u64,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// USD.
    pub cost_usd: f64,
    /// Wall time in milliseconds.
    pub wall_ms: u64,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} steps ({} skipped, {} restored), {} model calls ({} cached), {} tokens ({} in, {} out), ${:.6}, {:.2}s",
            self.steps,
            self.skipped,
            self.restored,
            self.calls,
            self.cache_hits,
            self.input_tokens + self.output_tokens,
            self.input_tokens,
            self.output_tokens,
            self.cost_usd,
            self.wall_ms as f64 / 1000.0
        )
    }
}
