//! Checkpoints: every run and every finished step, written before the next step starts, so
//! a run that stops (an error, Ctrl-C, a killed process) resumes without redoing what
//! finished, and replays from any step.
//!
//! [`CheckpointStore`] is what the executor writes to; [`SqliteStore`] keeps it in an
//! embedded SQLite file (WAL mode, `synchronous=FULL`: a step's row is on disk when
//! `save_step` returns) and [`MemoryStore`] in memory. A step is stored under its key
//! (`analyze`, `each[2]/summarize`, `route/triage/triage`) with its status and result;
//! `seq` numbers the steps of a run in the order they finished.

mod memory;
mod sqlite;

/// The SQLite helpers the response cache shares with the store.
pub(crate) mod sqlite_support {
    pub(crate) use super::sqlite::{now_ms, open_connection};
}

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Started and not finished (or killed while running).
    Running,
    /// Finished with outputs.
    Succeeded,
    /// Stopped by an error.
    Failed,
    /// Stopped by Ctrl-C.
    Cancelled,
}

impl RunStatus {
    /// `running`, `succeeded`, `failed` or `cancelled`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }

    /// The status named `text`.
    #[must_use]
    pub fn parse(text: &str) -> Option<RunStatus> {
        Some(match text {
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            _ => return None,
        })
    }
}

/// One run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Its id.
    pub run_id: String,
    /// The pipeline's name.
    pub pipeline: String,
    /// The hash of the pipeline's sources (all files), to refuse resuming a changed one.
    pub pipeline_hash: String,
    /// The pipeline file as given to `pipec run`.
    pub file: String,
    /// The inputs, defaults applied.
    pub inputs: Value,
    /// Where it is.
    pub status: RunStatus,
    /// The run this one replays, if any.
    pub parent: Option<String>,
    /// The outputs, once it succeeded.
    pub outputs: Option<Value>,
    /// `{code, message, step}` once it failed.
    pub error: Option<Value>,
}

/// A finished step: `ok` with its result, or `skipped` (`when` was false; result `null`).
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// The step key.
    pub key: String,
    /// `ok` or `skipped`.
    pub status: String,
    /// Its result.
    pub result: Value,
    /// Finish order within the run, from 1 (set by the store).
    pub seq: u64,
}

/// A store that could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// What went wrong.
    pub message: String,
}

impl StoreError {
    /// An error with `message`.
    #[must_use]
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// Where runs and their finished steps are kept.
pub trait CheckpointStore: Send + Sync {
    /// Records a new run (or replaces a run of the same id).
    ///
    /// # Errors
    /// When the store cannot be written.
    fn create_run(&self, run: &RunRecord) -> Result<(), StoreError>;

    /// Records a finished step of `run_id`, durably, before returning. A step saved twice
    /// keeps its latest result.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn save_step(
        &self,
        run_id: &str,
        key: &str,
        status: &str,
        result: &Value,
    ) -> Result<(), StoreError>;

    /// Sets a run's status, with its outputs or error.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn finish_run(
        &self,
        run_id: &str,
        status: RunStatus,
        outputs: Option<&Value>,
        error: Option<&Value>,
    ) -> Result<(), StoreError>;

    /// A run and its finished steps in finish order, if the store has it.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn load(&self, run_id: &str) -> Result<Option<(RunRecord, Vec<StepRecord>)>, StoreError>;
}
