//! The executor: a checked [`Program`] run on tokio.
//!
//! ```text
//! Executor::run ─▶ inputs checked ─▶ RunState (budget, restored steps, totals)
//!     └─▶ run_steps(root frame, steps)          schedule.rs: sibling steps as a DAG
//!           └─▶ run_step                        step.rs: restore │ when │ kind │ checkpoint
//!                 └─▶ kinds::execute            kinds/: llm, predict, map, loop, branch, ...
//!                       └─▶ model_call::complete    cache ▸ Reliable ▸ Budgeted ▸ Provider
//!     └─▶ outputs::evaluate ─▶ RunOutcome (outputs, RunSummary)
//! ```
//!
//! Invariants:
//! - A step's result is saved to the checkpoint store before any step that depends on it
//!   starts; a restored step is never run again (a restored pipeline_ex set_variable or
//!   loop re-derives its variables over restored steps, calling nothing).
//! - Every model call attempt reserves its worst case from the budget before it is made.
//! - Steps are named by keys unique within a run (`each[2]/summarize`), the same in every
//!   attempt of the run, which is what makes resuming and replaying exact.
//! - Expressions are evaluated only by `pipec-eval`.

mod budget;
mod error;
mod evaluate;
mod frame;
mod kinds;
mod model_call;
mod models;
mod outputs;
mod pipeline_ex;
mod preflight;
mod program;
mod refs;
mod replay;
mod run_id;
mod schedule;
mod state;
mod step;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use pipec_diagnostics::Code;
use serde_json::{Map, Value, json};
use tracing::Instrument;

pub use budget::{Budget, BudgetLimits, Cost, Spent};
pub use error::RunError;
pub use pipeline_ex::RawSource;
pub use preflight::{check as preflight, warnings as preflight_warnings};
pub use program::Program;
pub use refs::{Reads, dependencies, reads_of};
pub use run_id::new_run_id;

use crate::adapter::Adapters;
use crate::cache::ResponseCache;
use crate::checkpoint::{CheckpointStore, RunRecord, RunStatus, StepRecord};
use crate::events::{Event, EventSink, RunSummary};
use crate::inputs::prepare;
use crate::providers::{ProviderRegistry, RetryPolicy};
use frame::Frame;
use replay::replay_state;
use state::RunState;

/// How runs are executed: where model calls go and what is recorded.
#[derive(Clone)]
pub struct RunConfig {
    /// Providers by name.
    pub providers: Arc<ProviderRegistry>,
    /// How predict steps format prompts and parse replies.
    pub adapters: Adapters,
    /// The retry policy's delays; each step's `retry` and `timeout` set its attempts and
    /// per-attempt timeout.
    pub retry: RetryPolicy,
    /// Where checkpoints go (none: nothing is saved, nothing can be resumed).
    pub store: Option<Arc<dyn CheckpointStore>>,
    /// Where events go.
    pub events: Option<Arc<dyn EventSink>>,
    /// The response cache, when on.
    pub cache: Option<Arc<dyn ResponseCache>>,
    /// The directory pipeline_ex paths are relative to (`file` prompt parts; the
    /// workflow's `workspace_dir`, where file_ops are confined; `defaults.output_dir`).
    pub working_dir: std::path::PathBuf,
}

impl RunConfig {
    /// A configuration calling `providers`, with the default adapters and retry delays, and
    /// no store, events or cache.
    #[must_use]
    pub fn new(providers: Arc<ProviderRegistry>) -> RunConfig {
        RunConfig {
            providers,
            adapters: Adapters::default(),
            retry: RetryPolicy::default(),
            store: None,
            events: None,
            cache: None,
            working_dir: std::path::PathBuf::from("."),
        }
    }
}

/// What identifies a run besides its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunIdentity {
    /// The run id (see [`new_run_id`]).
    pub run_id: String,
    /// The hash of the pipeline's sources; resuming requires the same.
    pub pipeline_hash: String,
    /// The pipeline file as the user named it.
    pub file: String,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    /// Its id.
    pub run_id: String,
    /// The declared outputs.
    pub outputs: Map<String, Value>,
    /// Totals.
    pub summary: RunSummary,
}

/// A run that stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFailure {
    /// Its id (resume it with this), if it got one.
    pub run_id: Option<String>,
    /// Why it stopped; several for inputs that do not fit.
    pub errors: Vec<RunError>,
    /// Totals up to the stop.
    pub summary: RunSummary,
}

impl RunFailure {
    fn before_start(errors: Vec<RunError>) -> RunFailure {
        RunFailure {
            run_id: None,
            errors,
            summary: RunSummary::default(),
        }
    }
}

/// Runs a [`Program`].
pub struct Executor<'p> {
    program: &'p Program,
    config: RunConfig,
}

impl<'p> Executor<'p> {
    /// An executor of `program` with `config`.
    #[must_use]
    pub fn new(program: &'p Program, config: RunConfig) -> Executor<'p> {
        Executor { program, config }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// Runs the program with `inputs` (checked against its declared inputs first).
    ///
    /// # Errors
    /// The inputs' problems (P0700–P0702), or why the run stopped.
    pub async fn run(
        &self,
        identity: RunIdentity,
        inputs: Map<String, Value>,
    ) -> Result<RunOutcome, RunFailure> {
        self.preflight()
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        let inputs = prepare(self.program.root(), inputs).map_err(RunFailure::before_start)?;
        let record = self.record(&identity, &inputs, None);
        self.start(&record)
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        self.execute(
            identity.run_id,
            &identity.pipeline_hash,
            inputs,
            HashMap::new(),
        )
        .await
    }

    /// Continues run `run_id` from its checkpoint: its finished steps are restored, the
    /// rest run.
    ///
    /// # Errors
    /// P0713 for an unknown run, P0714 when the pipeline changed since, P0715 when the
    /// store cannot be read; or why the run stopped again.
    pub async fn resume(
        &self,
        run_id: &str,
        pipeline_hash: &str,
    ) -> Result<RunOutcome, RunFailure> {
        self.preflight()
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        let (run, steps) = self
            .load(run_id)
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        if run.pipeline_hash != pipeline_hash {
            return Err(RunFailure::before_start(vec![
                RunError::new(
                    Code::P0714,
                    format!("the pipeline changed since run `{run_id}` started"),
                )
                .with_note(format!(
                    "the run was made with sources {}, the files now hash to {pipeline_hash}",
                    run.pipeline_hash
                ))
                .with_help(format!(
                    "restore the files as they were, or start over from a step with `pipec replay {run_id} --from STEP`"
                )),
            ]));
        }
        if run.status == RunStatus::Succeeded {
            return Ok(RunOutcome {
                run_id: run.run_id,
                outputs: match run.outputs {
                    Some(Value::Object(outputs)) => outputs,
                    _ => Map::new(),
                },
                summary: RunSummary::default(),
            });
        }
        let inputs = match run.inputs {
            Value::Object(inputs) => inputs,
            _ => Map::new(),
        };
        let restored = steps.into_iter().map(|s| (s.key.clone(), s)).collect();
        if let Some(store) = &self.config.store {
            store
                .finish_run(run_id, RunStatus::Running, None, None)
                .map_err(|e| RunFailure::before_start(vec![store_error(&e)]))?;
        }
        self.execute(run.run_id, pipeline_hash, inputs, restored)
            .await
    }

    /// Re-runs run `run_id` from step `from` as a new run: the steps that finished before
    /// `from` did are restored from it, `from` and everything after run again.
    ///
    /// `from` is a step key (`each[2]/summarize`) or id (`plan`; the first of its keys to
    /// finish). The new run records `run_id` as its parent.
    ///
    /// # Errors
    /// P0713 for an unknown run or step; or why the new run stopped.
    pub async fn replay(
        &self,
        run_id: &str,
        from: &str,
        identity: RunIdentity,
    ) -> Result<RunOutcome, RunFailure> {
        self.preflight()
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        let (run, steps) = self
            .load(run_id)
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        let restored = replay_state(&steps, from)
            .map_err(|e| RunFailure::before_start(vec![e.with_note(format!("run `{run_id}`"))]))?;
        let inputs = match run.inputs {
            Value::Object(inputs) => inputs,
            _ => Map::new(),
        };
        let record = self.record(&identity, &inputs, Some(run_id.to_owned()));
        self.start(&record)
            .map_err(|e| RunFailure::before_start(vec![e]))?;
        // The new run owns its restored steps, so it can itself be resumed or replayed.
        if let Some(store) = &self.config.store {
            for step in restored.values() {
                store
                    .save_step(&identity.run_id, &step.key, &step.status, &step.result)
                    .map_err(|e| RunFailure::before_start(vec![store_error(&e)]))?;
            }
        }
        self.execute(identity.run_id, &identity.pipeline_hash, inputs, restored)
            .await
    }

    /// Records that run `run_id` was cancelled (Ctrl-C): its finished steps stay, and it can
    /// be resumed.
    pub fn record_cancelled(&self, run_id: &str, summary: RunSummary) {
        let error = json!({"code": Code::P0717.as_str(), "message": "the run was cancelled"});
        if let Some(store) = &self.config.store {
            // The process is stopping; a store that cannot be written leaves the run
            // marked `running`, which resumes the same way.
            let _ = store.finish_run(run_id, RunStatus::Cancelled, None, Some(&error));
        }
        if let Some(sink) = &self.config.events {
            sink.emit(&Event::RunFinished {
                run_id: run_id.to_owned(),
                status: RunStatus::Cancelled.as_str().to_owned(),
                outputs: None,
                error: Some(error),
                summary,
            });
        }
    }

    /// What would stop any run of the program before its first call: a step kind that
    /// cannot run yet or a pipeline_ex file without its text (P0711), a model-calling step
    /// without a model (P0712). `run`, `resume` and `replay` check it first too.
    ///
    /// # Errors
    /// The first such problem.
    pub fn preflight(&self) -> Result<(), RunError> {
        preflight::check(self.program)
    }

    fn record(
        &self,
        identity: &RunIdentity,
        inputs: &Map<String, Value>,
        parent: Option<String>,
    ) -> RunRecord {
        RunRecord {
            run_id: identity.run_id.clone(),
            pipeline: self.program.root().name.text.clone(),
            pipeline_hash: identity.pipeline_hash.clone(),
            file: identity.file.clone(),
            inputs: Value::Object(inputs.clone()),
            status: RunStatus::Running,
            parent,
            outputs: None,
            error: None,
        }
    }

    fn start(&self, record: &RunRecord) -> Result<(), RunError> {
        match &self.config.store {
            Some(store) => store.create_run(record).map_err(|e| store_error(&e)),
            None => Ok(()),
        }
    }

    fn load(&self, run_id: &str) -> Result<(RunRecord, Vec<StepRecord>), RunError> {
        let Some(store) = &self.config.store else {
            return Err(RunError::new(
                Code::P0713,
                "there is no checkpoint store to read runs from",
            ));
        };
        match store.load(run_id) {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(RunError::new(Code::P0713, format!("no run `{run_id}` in the checkpoint store"))
                .with_help("the run id is printed when a run starts and stops; check `--db` points at the same file")),
            Err(e) => Err(store_error(&e)),
        }
    }

    async fn execute(
        &self,
        run_id: String,
        pipeline_hash: &str,
        inputs: Map<String, Value>,
        restored: HashMap<String, StepRecord>,
    ) -> Result<RunOutcome, RunFailure> {
        let root = self.program.root();
        let state = RunState::new(
            self.program,
            &self.config,
            run_id.clone(),
            Budget::new(BudgetLimits::of(&root.limits)),
            restored,
        );
        state.emit(Event::RunStarted {
            run_id: run_id.clone(),
            pipeline: root.name.text.clone(),
            pipeline_hash: pipeline_hash.to_owned(),
            inputs: Value::Object(inputs.clone()),
            restored_steps: state.restored.len(),
        });
        let inputs = Value::Object(inputs);
        let frame = Frame::root(root, &inputs, String::new(), 0);
        let span = tracing::info_span!("run", run_id = %run_id, pipeline = %root.name.text);
        let body = async {
            schedule::run_steps(&state, &frame, &root.steps).await?;
            if root.dialect == pipec_ir::Dialect::PipelineEx {
                // pipeline_ex declares no outputs; a run gives back its step results.
                return Ok(frame.own_results());
            }
            outputs::evaluate(&frame, root)
        }
        .instrument(span);
        let result = match root.limits.timeout_s.map(|l| l.value) {
            Some(limit) if limit.is_finite() && limit > 0.0 => {
                match tokio::time::timeout(Duration::from_secs_f64(limit), body).await {
                    Ok(result) => result,
                    Err(_) => Err(RunError::new(
                        Code::P0708,
                        format!(
                            "the run exceeded its time limit (`timeout: {limit}s` under `limits`)"
                        ),
                    )
                    .with_note(format!(
                        "{} s elapsed; steps still running were stopped",
                        state.at_ms() / 1000
                    ))),
                }
            }
            _ => body.await,
        };
        let summary = state.summary();
        let (status, outputs, error) = match &result {
            Ok(outputs) => (
                RunStatus::Succeeded,
                Some(Value::Object(outputs.clone())),
                None,
            ),
            Err(error) => (
                RunStatus::Failed,
                None,
                Some(
                    json!({"code": error.code.as_str(), "message": error.message, "step": error.step}),
                ),
            ),
        };
        let mut result = result;
        if let Some(store) = &self.config.store
            && let Err(e) = store.finish_run(&run_id, status, outputs.as_ref(), error.as_ref())
            && result.is_ok()
        {
            result = Err(store_error(&e));
        }
        state.emit(Event::RunFinished {
            run_id: run_id.clone(),
            status: status.as_str().to_owned(),
            outputs,
            error,
            summary,
        });
        match result {
            Ok(outputs) => Ok(RunOutcome {
                run_id,
                outputs,
                summary,
            }),
            Err(error) => Err(RunFailure {
                run_id: Some(run_id),
                errors: vec![error],
                summary,
            }),
        }
    }
}

fn store_error(error: &crate::checkpoint::StoreError) -> RunError {
    RunError::new(Code::P0715, error.message.clone())
        .with_help("check the checkpoint file given with `--db`")
}
