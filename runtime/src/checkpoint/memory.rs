//! [`MemoryStore`]: checkpoints in memory, for tests and for runs that need no durability.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use super::{CheckpointStore, RunRecord, RunStatus, StepRecord, StoreError};

/// Runs and steps kept in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    runs: Mutex<HashMap<String, (RunRecord, Vec<StepRecord>)>>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (RunRecord, Vec<StepRecord>)>> {
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl CheckpointStore for MemoryStore {
    fn create_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.lock()
            .insert(run.run_id.clone(), (run.clone(), Vec::new()));
        Ok(())
    }

    fn save_step(
        &self,
        run_id: &str,
        key: &str,
        status: &str,
        result: &Value,
    ) -> Result<(), StoreError> {
        let mut runs = self.lock();
        let Some((_, steps)) = runs.get_mut(run_id) else {
            return Err(StoreError::new(format!("no run `{run_id}`")));
        };
        let seq = steps.iter().map(|s| s.seq).max().unwrap_or(0) + 1;
        steps.retain(|s| s.key != key);
        steps.push(StepRecord {
            key: key.to_owned(),
            status: status.to_owned(),
            result: result.clone(),
            seq,
        });
        Ok(())
    }

    fn finish_run(
        &self,
        run_id: &str,
        status: RunStatus,
        outputs: Option<&Value>,
        error: Option<&Value>,
    ) -> Result<(), StoreError> {
        let mut runs = self.lock();
        let Some((run, _)) = runs.get_mut(run_id) else {
            return Err(StoreError::new(format!("no run `{run_id}`")));
        };
        run.status = status;
        run.outputs = outputs.cloned();
        run.error = error.cloned();
        Ok(())
    }

    fn load(&self, run_id: &str) -> Result<Option<(RunRecord, Vec<StepRecord>)>, StoreError> {
        Ok(self.lock().get(run_id).cloned())
    }
}
