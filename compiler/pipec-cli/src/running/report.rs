//! Printing what a run did: its outputs (human or JSON), its summary, and its errors —
//! rendered like `pipec check` diagnostics when they point into the pipeline file.

use std::io::Write;

use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_diagnostics::{Diagnostic, SourceMap};
use pipec_runtime::executor::{RunError, RunFailure, RunOutcome};
use serde_json::{Value, json};

/// Prints a finished run: outputs on stdout, the summary on stderr (human); or one JSON
/// document on stdout.
pub fn outcome(outcome: &RunOutcome, json: bool) {
    let mut stdout = std::io::stdout().lock();
    if json {
        let document = json!({
            "status": "succeeded",
            "run_id": outcome.run_id,
            "outputs": outcome.outputs,
            "summary": outcome.summary,
        });
        let _ = writeln!(stdout, "{document}");
        return;
    }
    for (name, value) in &outcome.outputs {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let _ = writeln!(stdout, "{name}: {text}");
    }
    eprintln!("run {} succeeded: {}", outcome.run_id, outcome.summary);
}

/// Prints the warnings found before a run starts (P0721: pipeline_ex options the run
/// cannot honour) on stderr, rendered like `pipec check` warnings.
pub fn warnings(sources: &SourceMap, warnings: &[RunError]) {
    let mut text = String::new();
    for warning in warnings {
        text.push_str(&human(sources, warning));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints a run that stopped: the errors (on stderr, or one JSON document on stdout) and,
/// when the run was checkpointed, how to resume it.
pub fn failure(sources: &SourceMap, failure: &RunFailure, json: bool, resume_hint: Option<&str>) {
    if json {
        let errors: Vec<Value> = failure
            .errors
            .iter()
            .map(|e| error_json(sources, e))
            .collect();
        let document = json!({
            "status": "failed",
            "run_id": failure.run_id,
            "errors": errors,
            "summary": failure.summary,
        });
        let _ = writeln!(std::io::stdout().lock(), "{document}");
        return;
    }
    let mut text = String::new();
    for error in &failure.errors {
        text.push_str(&human(sources, error));
    }
    if let (Some(run_id), Some(hint)) = (&failure.run_id, resume_hint) {
        text.push_str(&format!(
            "run {run_id} stopped; its finished steps are saved: resume with `{hint}`\n"
        ));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn color() -> ColorChoice {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}

fn message(error: &RunError) -> String {
    match &error.step {
        Some(step) => format!("step `{step}`: {}", error.message),
        None => error.message.clone(),
    }
}

/// An error rendered rustc-style when it has a place in the sources; as plain lines
/// otherwise.
fn human(sources: &SourceMap, error: &RunError) -> String {
    if let Some(span) = error.span.filter(|s| sources.get(s.file).is_some()) {
        let mut diagnostic = Diagnostic::new(error.code, span, message(error))
            .with_primary_label(error.label.clone().unwrap_or_default())
            .with_help_opt(error.help.clone());
        for note in &error.notes {
            diagnostic = diagnostic.with_note(note.clone());
        }
        return render_human(sources, &[diagnostic], color());
    }
    let mut text = format!("error[{}]: {}\n", error.code, message(error));
    for note in &error.notes {
        text.push_str(&format!("  = note: {note}\n"));
    }
    if let Some(help) = &error.help {
        text.push_str(&format!("  = help: {help}\n"));
    }
    text.push('\n');
    text
}

fn error_json(sources: &SourceMap, error: &RunError) -> Value {
    pipec_app::report::error_json(sources, error)
}
