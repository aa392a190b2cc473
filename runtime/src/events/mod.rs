//! What a run reports while it goes: [`Event`]s to an [`EventSink`] (`pipec run --events`
//! writes them as JSON Lines with [`JsonLines`]), and the [`RunSummary`] at the end.
//!
//! One JSON object per event, with `"event"` naming it and `"at_ms"` the milliseconds since
//! the run (or the resumed run) started. A step is named by its key (`each[2]/summarize`);
//! `step_finished` carries the step's output, so the stream holds the state after every
//! step. Events never carry API keys: nothing in them comes from the environment.

mod summary;

use std::io::Write;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;

pub use summary::RunSummary;

/// One thing that happened in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The run started (or resumed).
    RunStarted {
        /// The run id.
        run_id: String,
        /// The pipeline's name.
        pipeline: String,
        /// The hash of the pipeline's sources.
        pipeline_hash: String,
        /// The inputs, defaults applied.
        inputs: Value,
        /// Steps restored from the checkpoint instead of run again.
        restored_steps: usize,
    },
    /// A step started.
    StepStarted {
        /// The step key.
        step: String,
        /// Its kind (`predict`, `map`, ...), as written.
        kind: String,
        /// Milliseconds since the run started.
        at_ms: u64,
    },
    /// A step finished, was skipped, or was restored from the checkpoint.
    StepFinished {
        /// The step key.
        step: String,
        /// `ok`, `skipped` or `restored`.
        status: String,
        /// Its result.
        output: Value,
        /// How long it took.
        duration_ms: u64,
        /// Milliseconds since the run started.
        at_ms: u64,
    },
    /// A step failed; the run stops.
    StepFailed {
        /// The step key.
        step: String,
        /// The diagnostic code.
        code: String,
        /// What went wrong.
        message: String,
        /// Milliseconds since the run started.
        at_ms: u64,
    },
    /// A model call finished (all its attempts), or was answered from the cache.
    ModelCall {
        /// The step key.
        step: String,
        /// The provider's name.
        provider: String,
        /// The model id.
        model: String,
        /// The adapter that formatted it (`chat`, `json`), or `none` for raw prompts.
        adapter: String,
        /// Attempts made (0 when cached).
        attempts: u32,
        /// Prompt tokens (reported, or estimated when the provider reports none).
        input_tokens: u64,
        /// Output tokens.
        output_tokens: u64,
        /// USD, when the model has a price.
        cost_usd: f64,
        /// Whether the response came from the cache.
        cached: bool,
        /// How long it took.
        duration_ms: u64,
        /// Milliseconds since the run started.
        at_ms: u64,
    },
    /// An attempt failed and another is coming.
    Retry {
        /// The step key.
        step: String,
        /// The provider's name.
        provider: String,
        /// The attempt that failed (1-based).
        attempt: u32,
        /// Why (`server_error`, `rate_limited`, ...).
        error: String,
        /// Its HTTP status, if any.
        status: Option<u16>,
        /// The wait before the next attempt.
        delay_ms: u64,
        /// Milliseconds since the run started.
        at_ms: u64,
    },
    /// The run ended.
    RunFinished {
        /// The run id.
        run_id: String,
        /// `succeeded`, `failed` or `cancelled`.
        status: String,
        /// The outputs, when it succeeded.
        #[serde(skip_serializing_if = "Option::is_none")]
        outputs: Option<Value>,
        /// The error, when it failed: `{code, message, step}`.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<Value>,
        /// Totals.
        summary: RunSummary,
    },
}

/// Receives a run's events, from any task.
pub trait EventSink: Send + Sync {
    /// Handles one event. Sinks never fail a run: a sink that cannot write drops events.
    fn emit(&self, event: &Event);
}

/// Writes each event as one JSON line, flushed at once (so a killed run leaves every event
/// it emitted).
#[derive(Debug)]
pub struct JsonLines<W: Write + Send> {
    out: Mutex<W>,
}

impl<W: Write + Send> JsonLines<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        JsonLines {
            out: Mutex::new(out),
        }
    }
}

impl<W: Write + Send> EventSink for JsonLines<W> {
    fn emit(&self, event: &Event) {
        let Ok(mut line) = serde_json::to_string(event) else {
            return;
        };
        line.push('\n');
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        // A full disk or a closed pipe must not stop the run; the checkpoint is the record.
        let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    }
}

/// Keeps every event in memory (tests, embedders).
#[derive(Debug, Default)]
pub struct Recorded {
    events: Mutex<Vec<Event>>,
}

impl Recorded {
    /// The events so far.
    #[must_use]
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl EventSink for Recorded {
    fn emit(&self, event: &Event) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_one_tagged_json_line_each() {
        let sink = JsonLines::new(Vec::new());
        sink.emit(&Event::StepStarted {
            step: "each[0]/fix".into(),
            kind: "llm".into(),
            at_ms: 5,
        });
        let text = String::from_utf8(sink.out.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "{\"event\":\"step_started\",\"step\":\"each[0]/fix\",\"kind\":\"llm\",\"at_ms\":5}\n"
        );
    }
}
