//! The JSON contract of SPEC §2, field for field. Serialised from structs (not maps) so
//! the keys come out in the documented order.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use crate::span::Span;

/// The whole document printed by `pipec check --format json`.
#[derive(Debug, Serialize)]
pub struct JsonReport {
    /// Number of files checked.
    pub files: usize,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Every diagnostic.
    pub diagnostics: Vec<JsonDiagnostic>,
}

/// One diagnostic.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    code: &'static str,
    severity: &'static str,
    message: String,
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    labels: Vec<JsonLabel>,
    help: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonLabel {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: String,
}

struct Position {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

fn position(sources: &SourceMap, span: Span) -> Position {
    let file = sources
        .get(span.file)
        .map_or_else(String::new, |f| f.name().to_owned());
    let (line, column, end_line, end_column) = sources
        .span_positions(span)
        .map_or((1, 1, 1, 1), |(s, e)| (s.line, s.column, e.line, e.column));
    Position {
        file,
        line,
        column,
        end_line,
        end_column,
    }
}

/// Build the report for `files` checked files.
#[must_use]
pub fn json_report(sources: &SourceMap, files: usize, diagnostics: &[Diagnostic]) -> JsonReport {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    JsonReport {
        files,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let p = position(sources, d.primary.span);
                JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: d.message.clone(),
                    file: p.file,
                    line: p.line,
                    column: p.column,
                    end_line: p.end_line,
                    end_column: p.end_column,
                    labels: std::iter::once(&d.primary)
                        .filter(|l| !l.message.is_empty())
                        .chain(&d.labels)
                        .map(|l| {
                            let p = position(sources, l.span);
                            JsonLabel {
                                file: p.file,
                                line: p.line,
                                column: p.column,
                                end_line: p.end_line,
                                end_column: p.end_column,
                                message: l.message.clone(),
                            }
                        })
                        .collect(),
                    help: d.help.clone(),
                }
            })
            .collect(),
    }
}

/// The report as pretty-printed JSON text with a trailing newline.
#[must_use]
pub fn render_json(sources: &SourceMap, files: usize, diagnostics: &[Diagnostic]) -> String {
    let report = json_report(sources, files, diagnostics);
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}
