//! [`RunError`]: why a run stopped. Every run-time failure carries a stable diagnostic code
//! of the P07xx range (`pipec explain P0705`), the step it stopped at, and where that step
//! is written, so the CLI renders it like a `pipec check` diagnostic.

use std::fmt;
use std::ops::{Deref, DerefMut};

use pipec_diagnostics::{Code, Span};

use crate::providers::{ErrorKind, ProviderError};

/// A run that could not go on. Its details are boxed so that `Result<_, RunError>` stays
/// one pointer wide on the happy path; read them through `Deref` (`error.code`).
#[derive(Debug, Clone, PartialEq)]
pub struct RunError(Box<RunErrorDetails>);

/// What a [`RunError`] says.
#[derive(Debug, Clone, PartialEq)]
pub struct RunErrorDetails {
    /// The stable code (P07xx).
    pub code: Code,
    /// One sentence, lower case, no trailing period.
    pub message: String,
    /// The key of the step it stopped at (`analyze`, `each[2]/summarize`), if any.
    pub step: Option<String>,
    /// Where that step (or the failing expression) is written, if known.
    pub span: Option<Span>,
    /// A short text for the span.
    pub label: Option<String>,
    /// How to fix it, when that is knowable.
    pub help: Option<String>,
    /// Further facts (the numbers behind a limit, the attempts made).
    pub notes: Vec<String>,
}

impl RunError {
    /// An error with `code` and `message`, not tied to a step.
    #[must_use]
    pub fn new(code: Code, message: impl Into<String>) -> RunError {
        RunError(Box::new(RunErrorDetails {
            code,
            message: message.into(),
            step: None,
            span: None,
            label: None,
            help: None,
            notes: Vec::new(),
        }))
    }

    /// The same error, at step `key`, written at `span`. A step already set is kept: the
    /// innermost step is the one that failed.
    #[must_use]
    pub fn at_step(mut self, key: &str, span: Span) -> RunError {
        if self.step.is_none() {
            self.step = Some(key.to_owned());
            self.span.get_or_insert(span);
        }
        self
    }

    /// The same error pointing at `span` (an expression, a model name).
    #[must_use]
    pub fn at(mut self, span: Span) -> RunError {
        self.span = Some(span);
        self
    }

    /// The same error with a label on its span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> RunError {
        self.label = Some(label.into());
        self
    }

    /// The same error with a fix.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> RunError {
        self.help = Some(help.into());
        self
    }

    /// The same error with one more note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> RunError {
        self.notes.push(note.into());
        self
    }

    /// A failed model call as a run error: a missing key is P0703, no connection P0704, a
    /// timeout on every attempt P0709, anything else the provider answered P0705.
    #[must_use]
    pub fn from_provider(error: &ProviderError) -> RunError {
        let attempts = error.attempts();
        let tried = if attempts > 1 {
            format!(" ({attempts} attempts)")
        } else {
            String::new()
        };
        let (code, message, help) = match error.kind() {
            ErrorKind::MissingApiKey => (
                Code::P0703,
                format!("no API key for provider `{}`", error.provider()),
                Some(error.message().to_owned()),
            ),
            ErrorKind::Connect | ErrorKind::Network => (
                Code::P0704,
                format!("provider `{}` is unreachable{tried}", error.provider()),
                Some("check the provider's base URL variable and that the server is up".to_owned()),
            ),
            ErrorKind::Timeout => (
                Code::P0709,
                format!("the model call timed out{tried}"),
                Some("raise the step's `timeout`, or `retry` it".to_owned()),
            ),
            kind => (
                Code::P0705,
                format!(
                    "provider `{}` failed: {}{tried}",
                    error.provider(),
                    kind.code()
                ),
                None,
            ),
        };
        let mut run_error = RunError::new(code, message).with_note(error.to_string());
        run_error.help = help;
        run_error
    }
}

impl Deref for RunError {
    type Target = RunErrorDetails;

    fn deref(&self) -> &RunErrorDetails {
        &self.0
    }
}

impl DerefMut for RunError {
    fn deref_mut(&mut self) -> &mut RunErrorDetails {
        &mut self.0
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: ", self.code)?;
        if let Some(step) = &self.step {
            write!(f, "step `{step}`: ")?;
        }
        f.write_str(&self.message)?;
        for note in &self.notes {
            write!(f, "\n  = note: {note}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RunError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_map_to_codes() {
        let missing = ProviderError::new(ErrorKind::MissingApiKey, "openai", "set OPENAI_API_KEY");
        assert_eq!(RunError::from_provider(&missing).code, Code::P0703);
        let refused = ProviderError::new(ErrorKind::Connect, "openai", "refused").with_attempts(3);
        let error = RunError::from_provider(&refused);
        assert_eq!(error.code, Code::P0704);
        assert!(error.message.contains("3 attempts"), "{}", error.message);
        let slow = ProviderError::new(ErrorKind::Timeout, "gemini", "slow");
        assert_eq!(RunError::from_provider(&slow).code, Code::P0709);
        let bad = ProviderError::new(ErrorKind::BadRequest, "anthropic", "no such model");
        assert_eq!(RunError::from_provider(&bad).code, Code::P0705);
    }

    #[test]
    fn the_innermost_step_wins() {
        let span = Span::default();
        let error = RunError::new(Code::P0710, "x")
            .at_step("each[1]/fix", span)
            .at_step("each", span);
        assert_eq!(error.step.as_deref(), Some("each[1]/fix"));
        assert_eq!(error.to_string(), "error[P0710]: step `each[1]/fix`: x");
    }
}
