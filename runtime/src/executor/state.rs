//! [`RunState`]: what every step of one run shares — the program, the configuration, the
//! budget, the steps restored from a checkpoint, the totals, and the run's clock.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use pipec_diagnostics::Code;
use serde_json::Value;
use tokio::time::Instant;

use super::RunConfig;
use super::budget::Budget;
use super::error::RunError;
use super::program::Program;
use crate::checkpoint::StepRecord;
use crate::events::{Event, RunSummary};

/// Shared by every step of a run.
pub struct RunState<'p> {
    /// What runs.
    pub program: &'p Program,
    /// How it runs.
    pub config: &'p RunConfig,
    /// The run's id.
    pub run_id: String,
    /// The limits and what has been spent.
    pub budget: Budget,
    /// Finished steps of an earlier attempt of this run (resume) or of the run replayed,
    /// by key: these are not run again.
    pub restored: HashMap<String, StepRecord>,
    started: Instant,
    summary: Mutex<RunSummary>,
}

impl<'p> RunState<'p> {
    /// The state of a run starting now.
    #[must_use]
    pub fn new(
        program: &'p Program,
        config: &'p RunConfig,
        run_id: String,
        budget: Budget,
        restored: HashMap<String, StepRecord>,
    ) -> Self {
        RunState {
            program,
            config,
            run_id,
            budget,
            restored,
            started: Instant::now(),
            summary: Mutex::new(RunSummary::default()),
        }
    }

    /// When the run started.
    #[must_use]
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Milliseconds since the run started.
    #[must_use]
    pub fn at_ms(&self) -> u64 {
        millis(self.started.elapsed())
    }

    /// Sends `event` to the sink, if there is one.
    pub fn emit(&self, event: Event) {
        if let Some(sink) = &self.config.events {
            sink.emit(&event);
        }
    }

    /// Updates the totals.
    pub fn count(&self, update: impl FnOnce(&mut RunSummary)) {
        update(&mut self.summary.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// The totals so far, with the wall time and what the budget recorded.
    #[must_use]
    pub fn summary(&self) -> RunSummary {
        let mut summary = *self.summary.lock().unwrap_or_else(PoisonError::into_inner);
        let spent = self.budget.spent();
        summary.calls = spent.calls;
        summary.cost_usd = spent.usd;
        summary.wall_ms = self.at_ms();
        summary
    }

    /// Saves a finished step durably (when the run has a store).
    ///
    /// # Errors
    /// P0715 when the store cannot be written.
    pub fn checkpoint(&self, key: &str, status: &str, result: &Value) -> Result<(), RunError> {
        let Some(store) = &self.config.store else {
            return Ok(());
        };
        store
            .save_step(&self.run_id, key, status, result)
            .map_err(|e| {
                RunError::new(Code::P0715, e.message).with_help(
                    "check that the checkpoint file (`--db`) is writable and the disk is not full",
                )
            })
    }
}

/// A duration in whole milliseconds.
#[must_use]
pub fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
