//! Turning a file's raw bytes into text, or a coded reason why not: too large (P0010),
//! binary (P0003), not UTF-8 (P0002). Runs before any parser sees the bytes.

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};
use pipec_syntax::limits::MAX_FILE_BYTES;

/// Why bytes were not accepted as text; converted to a diagnostic once the file has an id.
#[derive(Debug)]
pub(crate) enum DecodeProblem {
    TooLarge(usize),
    Binary(usize),
    InvalidUtf8(usize),
}

/// Text for the source map (lossy when invalid, so diagnostics can still show it) and the
/// problem, if any.
pub(crate) fn decode(bytes: &[u8]) -> (String, Option<DecodeProblem>) {
    if bytes.len() > MAX_FILE_BYTES {
        return (String::new(), Some(DecodeProblem::TooLarge(bytes.len())));
    }
    // `contains` on bytes is a vectorised memchr; the position is only wanted on failure.
    if bytes.contains(&0)
        && let Some(at) = bytes.iter().position(|&b| b == 0)
    {
        let shown = String::from_utf8_lossy(&bytes[..at]).into_owned();
        return (shown, Some(DecodeProblem::Binary(at)));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (
            text.strip_prefix('\u{feff}').unwrap_or(text).to_owned(),
            None,
        ),
        Err(e) => {
            let at = e.valid_up_to();
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(DecodeProblem::InvalidUtf8(at)),
            )
        }
    }
}

pub(crate) fn problem_diagnostic(file: FileId, text: &str, problem: &DecodeProblem) -> Diagnostic {
    let at = |offset: usize| {
        // Offsets are into the original bytes; the lossy text agrees only up to the first
        // bad byte (each is replaced by a 3-byte U+FFFD), so clamp to a char boundary.
        let mut start = offset.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let start = u32::try_from(start).unwrap_or(0);
        let end = text[start as usize..]
            .chars()
            .next()
            .map_or(start, |c| start + u32::try_from(c.len_utf8()).unwrap_or(1));
        Span::new(file, start, end)
    };
    match problem {
        DecodeProblem::TooLarge(size) => {
            Diagnostic::new(Code::P0010, Span::new(file, 0, 0), "file is too large")
                .with_primary_label(format!("{} MiB", size / (1024 * 1024)))
                .with_note(format!(
                    "pipec reads files of at most {} MiB",
                    MAX_FILE_BYTES / (1024 * 1024)
                ))
                .with_help("split the pipeline into sub-pipelines with `kind: pipeline`")
        }
        // The shown text ends right before the NUL, whatever it replaced on the way.
        DecodeProblem::Binary(offset) => {
            Diagnostic::new(Code::P0003, at(text.len()), "file is binary, not text")
                .with_primary_label(format!("NUL byte at offset {offset}"))
                .with_help("pass pipec YAML, JSON or .pipe files only")
        }
        DecodeProblem::InvalidUtf8(offset) => {
            Diagnostic::new(Code::P0002, at(*offset), "file is not valid UTF-8")
                .with_primary_label(format!("invalid byte sequence at offset {offset}"))
                .with_help("save the file as UTF-8")
        }
    }
}
