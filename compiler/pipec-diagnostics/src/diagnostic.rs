//! The one diagnostic model. Passes build these with [`Diagnostic::new`] and the chained
//! `with_*` methods; renderers never see anything else.

use crate::codes::Code;
use crate::span::Span;

/// How bad a diagnostic is. Fixed per code (see [`Code::severity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Extra information attached to a run; never fails a check.
    Note,
    /// A real problem that does not stop the pipeline from being built.
    Warning,
    /// The pipeline cannot be built as written.
    Error,
}

impl Severity {
    /// The lower-case name used in the JSON contract.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a short text explaining what is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What (may be empty for the primary label).
    pub message: String,
}

/// A coded message about one place in the sources, with optional secondary places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code; also fixes the severity.
    pub code: Code,
    /// How bad it is.
    pub severity: Severity,
    /// One short sentence, lower case, no trailing period (rustc style).
    pub message: String,
    /// The place the diagnostic is about.
    pub primary: Label,
    /// Related places (the other end of a cycle, the earlier duplicate, ...).
    pub labels: Vec<Label>,
    /// Free-form facts, such as the arithmetic behind a limit.
    pub notes: Vec<String>,
    /// How to fix it, when that is knowable.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity and an unlabelled primary span.
    #[must_use]
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Set the primary label's text.
    #[must_use]
    pub fn with_primary_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    /// Add a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Add a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Set the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Set the help text if there is one.
    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Whether this is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The sink every front-end and pass writes into. Nothing stops at the first error.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink.
    #[must_use]
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Record one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Record many.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Whether any error was recorded.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Borrow all, in insertion order.
    #[must_use]
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Take all, sorted by file, position, then code, so output is stable whatever order
    /// the passes ran in.
    #[must_use]
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (
                a.primary.span.file,
                a.primary.span.start,
                a.code,
                &a.message,
            )
                .cmp(&(
                    b.primary.span.file,
                    b.primary.span.start,
                    b.code,
                    &b.message,
                ))
        });
        self.items.dedup();
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
