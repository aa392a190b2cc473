//! rustc-style rendering through codespan-reporting. pipec's own types are converted only
//! here, at the edge, so the rest of the compiler never depends on the renderer.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, Styles, StylesWriter, termcolor::Ansi};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use crate::span::FileId;

/// Whether to emit ANSI colour codes. The CLI decides (terminal, `NO_COLOR`); this crate
/// only obeys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// Plain text.
    Never,
    /// ANSI escapes.
    Always,
}

/// Render diagnostics one after another, each followed by a blank line, as rustc does.
#[must_use]
pub fn render_human(sources: &SourceMap, diagnostics: &[Diagnostic], color: ColorChoice) -> String {
    let config = Config::default();
    let files = FilesAdapter(sources);
    let styles = Styles::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let cs = to_codespan(sources, diagnostic);
        let rendered = match color {
            ColorChoice::Never => term::emit_into_string(&config, &files, &cs),
            ColorChoice::Always => {
                let mut ansi = Ansi::new(Vec::new());
                let mut writer = StylesWriter::new(&mut ansi, &styles);
                term::emit_to_write_style(&mut writer, &config, &files, &cs)
                    .map(|()| String::from_utf8_lossy(&ansi.into_inner()).into_owned())
            }
        };
        match rendered {
            Ok(text) => out.push_str(&text),
            // A span outside its file is a compiler bug, but the message must still reach
            // the user: fall back to a one-line form.
            Err(_) => {
                out.push_str(&format!(
                    "{}[{}]: {}\n",
                    diagnostic.severity.as_str(),
                    diagnostic.code,
                    diagnostic.message
                ));
            }
        }
    }
    out
}

fn to_codespan(sources: &SourceMap, d: &Diagnostic) -> CsDiagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    };
    let clamp = |span: crate::Span| {
        let len = sources.get(span.file).map_or(0, |f| f.text().len());
        let start = (span.start as usize).min(len);
        let end = (span.end as usize).clamp(start, len);
        start..end
    };
    let mut labels = vec![
        CsLabel::primary(d.primary.span.file, clamp(d.primary.span))
            .with_message(&d.primary.message),
    ];
    labels.extend(
        d.labels
            .iter()
            .map(|l| CsLabel::secondary(l.span.file, clamp(l.span)).with_message(&l.message)),
    );
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    CsDiagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// codespan's view of a [`SourceMap`].
struct FilesAdapter<'a>(&'a SourceMap);

impl<'a> Files<'a> for FilesAdapter<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|f| f.name())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|f| f.text())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        let byte = u32::try_from(byte_index).unwrap_or(u32::MAX);
        Ok(match file.line_starts().binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        })
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(file.text().len(), |&s| s as usize);
        Ok(start..end)
    }
}
