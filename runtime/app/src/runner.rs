//! [`Pipeline`] is what a generated crate implements for its pipeline (its typed inputs and
//! outputs, its embedded files, the pipec version that generated it); [`Runner`] runs it.
//!
//! Typed values cross into the runtime as JSON: inputs are serialized to the JSON object
//! `pipec run --inputs` takes (the runtime checks them against the declared types as it
//! always does), outputs are deserialized from the object it returns. A value that does not
//! fit the generated types is P0851.

use std::future::Future;

use pipec_diagnostics::Code;
use pipec_runtime::events::RunSummary;
use pipec_runtime::executor::{
    Executor, RunConfig, RunError, RunFailure, RunIdentity, RunOutcome, new_run_id,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::embedded::{Loaded, load};

/// A pipeline compiled into a crate by `pipec build`.
pub trait Pipeline: 'static {
    /// Its declared inputs.
    type Inputs: Serialize + DeserializeOwned + Send + Sync;
    /// Its declared outputs.
    type Outputs: Serialize + DeserializeOwned + Send;
    /// The pipeline's name.
    const NAME: &'static str;
    /// The pipec version that generated the crate.
    const PIPEC_VERSION: &'static str;
    /// The embedded source files, `(name, text)`, the root first.
    const FILES: &'static [(&'static str, &'static str)];
}

/// A checked pipeline and the runtime configuration it runs with.
pub struct Runner {
    loaded: Loaded,
    config: RunConfig,
}

impl Runner {
    /// Checks the version handshake and the embedded sources of `P`.
    ///
    /// # Errors
    /// P0850 for a version mismatch; the rendered diagnostics when the sources do not check.
    pub fn new<P: Pipeline>(config: RunConfig) -> Result<Runner, String> {
        crate::version::check(P::PIPEC_VERSION).map_err(|e| {
            format!(
                "error[{}]: {}\n  = help: {}",
                e.code,
                e.message,
                e.help.clone().unwrap_or_default()
            )
        })?;
        Ok(Runner {
            loaded: load(P::FILES)?,
            config,
        })
    }

    /// The checked program and its sources.
    #[must_use]
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// Runs once with typed inputs.
    ///
    /// # Errors
    /// Why the run stopped (P07xx), or P0851 when a value does not fit the generated types.
    pub async fn run<P: Pipeline>(&self, inputs: &P::Inputs) -> Result<P::Outputs, RunFailure> {
        let object = to_object(inputs)?;
        let outcome = self.run_json(new_run_id(), object).await?;
        from_outputs::<P>(&outcome)
    }

    /// Runs once with `inputs` as a JSON object, under `run_id`.
    ///
    /// # Errors
    /// Why the run stopped.
    pub fn run_json(
        &self,
        run_id: String,
        inputs: Map<String, Value>,
    ) -> impl Future<Output = Result<RunOutcome, RunFailure>> + '_ {
        let identity = RunIdentity {
            run_id,
            pipeline_hash: self.loaded.hash.clone(),
            file: self.loaded.file.clone(),
        };
        async move { self.executor().run(identity, inputs).await }
    }

    /// Runs once with inputs given as JSON text (a `--batch` line, a `POST /run` body) and
    /// returns the document `--json` prints.
    ///
    /// # Errors
    /// P0851 when the text is not an object of the typed inputs; why the run stopped.
    pub async fn run_text<P: Pipeline>(&self, text: &[u8]) -> Result<Value, RunFailure> {
        let object = match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err(mismatch("the inputs must be a JSON object".to_owned())),
            Err(e) => return Err(mismatch(format!("the inputs are not valid JSON: {e}"))),
        };
        let typed: P::Inputs = typed_inputs(object)?;
        let outcome = self.run_json(new_run_id(), to_object(&typed)?).await?;
        let outputs = from_outputs::<P>(&outcome)?;
        let outputs = serde_json::to_value(&outputs).unwrap_or(Value::Null);
        Ok(crate::report::succeeded(
            &outcome.run_id,
            outputs,
            &outcome.summary,
        ))
    }

    /// Continues the stopped run `run_id` from its checkpoint.
    ///
    /// # Errors
    /// Why it cannot be resumed, or why it stopped again.
    pub async fn resume(&self, run_id: &str) -> Result<RunOutcome, RunFailure> {
        self.executor().resume(run_id, &self.loaded.hash).await
    }

    /// Records that run `run_id` was cancelled (Ctrl-C), so it can be resumed.
    pub fn record_cancelled(&self, run_id: &str) {
        self.executor()
            .record_cancelled(run_id, RunSummary::default());
    }

    fn executor(&self) -> Executor<'_> {
        Executor::new(&self.loaded.program, self.config.clone())
    }
}

/// The typed inputs as the JSON object the runtime takes.
///
/// # Errors
/// P0851 when they do not serialize to an object.
pub fn to_object<T: Serialize>(inputs: &T) -> Result<Map<String, Value>, RunFailure> {
    match serde_json::to_value(inputs) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(mismatch("the inputs are not a JSON object".to_owned())),
        Err(e) => Err(mismatch(format!("the inputs cannot be serialized: {e}"))),
    }
}

/// Reads a JSON object as the typed inputs `T`.
///
/// # Errors
/// P0851 naming what does not fit.
pub fn typed_inputs<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, RunFailure> {
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        mismatch(format!(
            "the inputs do not fit the pipeline's input types: {e}"
        ))
    })
}

/// The typed outputs of a finished run.
///
/// # Errors
/// P0851 when they do not fit the generated output types.
pub fn from_outputs<P: Pipeline>(outcome: &RunOutcome) -> Result<P::Outputs, RunFailure> {
    serde_json::from_value(Value::Object(outcome.outputs.clone())).map_err(|e| RunFailure {
        run_id: Some(outcome.run_id.clone()),
        errors: vec![RunError::new(
            Code::P0851,
            format!("the outputs do not fit the generated output types: {e}"),
        )],
        summary: outcome.summary,
    })
}

/// A P0851 failure before a run starts.
#[must_use]
pub fn mismatch(message: String) -> RunFailure {
    RunFailure {
        run_id: None,
        errors: vec![RunError::new(Code::P0851, message)],
        summary: RunSummary::default(),
    }
}
