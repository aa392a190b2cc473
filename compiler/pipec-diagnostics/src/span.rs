//! Byte-offset spans. Offsets are `u32`: pipec refuses files over its size limit long before
//! 4 GiB, and half-size spans keep the IR small.

/// Identifies a file inside a [`crate::SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// First byte, inclusive.
    pub start: u32,
    /// Last byte, exclusive.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` in `file`; a reversed range is normalised.
    #[must_use]
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span {
            file,
            start: start.min(end),
            end: end.max(start),
        }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(
            self.file,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }

    /// A sub-range of this span, given offsets relative to its start, clamped to it.
    #[must_use]
    pub fn sub(self, rel_start: u32, rel_end: u32) -> Span {
        let start = self.start.saturating_add(rel_start).min(self.end);
        let end = self.start.saturating_add(rel_end).min(self.end);
        Span::new(self.file, start, end)
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}
