//! Source files held in memory, and the byte ↔ line/column conversion every renderer needs.
//!
//! Output positions are 1-based; columns count Unicode scalar values (SPEC §2), so a line's
//! column is found by counting `char`s from the line start, which is cheap because it is only
//! done for the handful of spans that end up in diagnostics. The line index itself is built
//! on first use: a clean check never renders a position, so it never pays for one.

use std::sync::OnceLock;

use crate::span::{FileId, Span};

/// One file: its display name, its full text and (once asked for) the byte offset of every
/// line start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: OnceLock<Vec<u32>>,
}

/// A 1-based line and column (column in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number, starting at 1, counted in `char`s.
    pub column: u32,
}

impl SourceFile {
    /// Index a file's text.
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// The name shown in diagnostics (usually the path as the user gave it).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte offsets of line starts (index 0 is line 1).
    #[must_use]
    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                memchr_newlines(self.text.as_bytes())
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// The 1-based position of a byte offset; offsets past the end or inside a UTF-8 sequence
    /// are clamped to the nearest valid position.
    #[must_use]
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line_idx = match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts()[line_idx] as usize;
        let mut end = offset as usize;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count();
        LineCol {
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a 0-based line and 0-based character column, clamped to the line.
    #[must_use]
    pub fn offset_of(&self, line0: usize, char_col0: usize) -> u32 {
        let Some(&start) = self.line_starts().get(line0) else {
            return u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        };
        let rest = &self.text[start as usize..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let byte = rest[..line_len]
            .char_indices()
            .nth(char_col0)
            .map_or(line_len, |(b, _)| b);
        start + u32::try_from(byte).unwrap_or(0)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| (*b == b'\n').then_some(i))
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    #[must_use]
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// The file behind an id. Ids are only minted by [`SourceMap::add`], so this cannot fail
    /// for ids from the same map.
    #[must_use]
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Iterate over `(id, file)` pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Start and end positions of a span.
    #[must_use]
    pub fn span_positions(&self, span: Span) -> Option<(LineCol, LineCol)> {
        let file = self.get(span.file)?;
        Some((file.line_col(span.start), file.line_col(span.end)))
    }

    /// The text a span covers (empty if out of range).
    #[must_use]
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text().get(span.start as usize..span.end as usize))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_not_bytes() {
        let f = SourceFile::new("a", "é: 1\nkey: x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // `:` after a two-byte `é` is byte 2 but column 2.
        assert_eq!(f.line_col(2), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.offset_of(1, 5), 11);
    }
}
