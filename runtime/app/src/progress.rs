//! The progress display on a terminal (stderr): one line per finished, skipped, restored or
//! failed step, and per retry. Also [`Tee`], which sends events to several sinks.

use std::io::Write;
use std::sync::Arc;

use pipec_runtime::events::{Event, EventSink};

/// Step lines on stderr.
#[derive(Debug, Default)]
pub struct Progress;

impl EventSink for Progress {
    fn emit(&self, event: &Event) {
        let line = match event {
            Event::StepFinished {
                step,
                status,
                duration_ms,
                ..
            } => match status.as_str() {
                "skipped" => format!("  - {step} (skipped)"),
                "restored" => format!("  = {step} (restored from the checkpoint)"),
                _ => format!("  ✓ {step} ({duration_ms} ms)"),
            },
            Event::StepFailed {
                step,
                code,
                message,
                ..
            } => format!("  ✗ {step}: {code} {message}"),
            Event::Retry {
                step,
                attempt,
                error,
                delay_ms,
                ..
            } => {
                format!("  ⟳ {step}: attempt {attempt} failed ({error}); retrying in {delay_ms} ms")
            }
            _ => return,
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// Every event to each of several sinks.
pub struct Tee(pub Vec<Arc<dyn EventSink>>);

impl EventSink for Tee {
    fn emit(&self, event: &Event) {
        for sink in &self.0 {
            sink.emit(event);
        }
    }
}
