//! The pre-scan: cuts a `.pipe` file into statements and blocks before pest sees any of it.
//!
//! pest stops at the first error, so it is only ever given one statement. This scan, a
//! single pass over the bytes with an explicit stack (no recursion), decides where each
//! statement starts and ends:
//!
//! - a statement ends at a line break or `;`, unless a `(` or `[` is open (a signature or an
//!   argument list may span lines);
//! - a `{` after a statement opens its block, which holds statements of its own, up to the
//!   matching `}` (a `{` inside brackets or right after `=` is part of a value instead);
//! - strings (`"..."`, `'...'`, `"""` text blocks) and comments are skipped as units, so a
//!   brace or quote inside them means nothing;
//! - `///` doc comments right before a statement are attached to it.
//!
//! Delimiter problems are reported here (P0021 unclosed, P0022 unmatched) and repaired so
//! that the rest of the file keeps its shape. In particular a `(` left open does not swallow
//! the file: a following line that starts like a new statement (`step x`, `type X`, ...)
//! closes it. Blocks nested deeper than [`MAX_BLOCK_DEPTH`] and statements with more than
//! [`MAX_BRACKET_DEPTH`] nested brackets are P0007 and skipped, which bounds every later
//! recursion (pest's, the parser's and the desugaring's).

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

/// Deepest nesting of `{ }` blocks. Each block adds two or three levels to the document
/// the native lowering walks, so this keeps it under [`crate::limits::MAX_DEPTH`].
pub const MAX_BLOCK_DEPTH: usize = 40;

/// Most nested brackets in one statement; pest's recursion on nested groups is bounded by
/// it (the expression parser uses the same bound).
pub const MAX_BRACKET_DEPTH: usize = 64;

/// Statement keywords that, at the start of a line, end a statement whose `(` or `[` was
/// left open (see the module docs).
const RESYNC_KEYWORDS: &[&str] = &[
    "step",
    "type",
    "enum",
    "signature",
    "model",
    "input",
    "output",
    "pipeline",
    "case",
];

/// One comment as written (kept for the formatter, which must not lose any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawComment {
    /// From the first `/` to the end of the line (without the line break).
    pub span: Span,
    /// `///` (exactly three slashes) rather than `//`.
    pub doc: bool,
}

/// A statement: its text, the doc comments before it, and its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    /// The statement's text without its block, leading and trailing blanks, or a trailing
    /// comment.
    pub span: Span,
    /// Each `///` line right before the statement.
    pub docs: Vec<Span>,
    /// The `{ ... }` after it, if any.
    pub block: Option<Block>,
    /// Whether the statement must not be parsed: too deeply nested, or with a delimiter
    /// problem the scan already reported (parsing it would only report it again).
    pub skipped: bool,
}

impl Stmt {
    /// The span of the statement with its block.
    #[must_use]
    pub fn full_span(&self) -> Span {
        match &self.block {
            Some(block) => self.span.to(block.span),
            None => self.span,
        }
    }
}

/// A `{ ... }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// From `{` to `}` (or to the end of the file when it is not closed).
    pub span: Span,
    /// Its statements.
    pub stmts: Vec<Stmt>,
}

/// What the scan found.
#[derive(Debug, Default)]
pub struct Outline {
    /// The file's top-level statements.
    pub stmts: Vec<Stmt>,
    /// Every comment, in order.
    pub comments: Vec<RawComment>,
    /// Delimiter and nesting problems.
    pub diagnostics: Vec<Diagnostic>,
}

/// Scan `text`.
#[must_use]
pub fn scan(file: FileId, text: &str) -> Outline {
    let mut scanner = Scanner {
        file,
        src: text.as_bytes(),
        pos: 0,
        out: Outline::default(),
        frames: Vec::new(),
        stmts: Vec::new(),
        cur: Current::default(),
        pending_docs: Vec::new(),
    };
    scanner.run();
    scanner.finish()
}

/// A bracket that is open in the current statement.
#[derive(Debug, Clone, Copy)]
struct Open {
    byte: u8,
    at: usize,
}

/// The statement being read.
#[derive(Debug, Default)]
struct Current {
    /// Offset of its first character, once it has one.
    start: Option<usize>,
    /// End of its last character that is not a blank or a comment.
    end: usize,
    /// Open brackets (`(`, `[`, and `{` that belong to a value).
    open: Vec<Open>,
    /// Deepest bracket nesting seen.
    deepest: usize,
    /// The last character that is not a blank or a comment (`=` makes a `{` a value).
    last: u8,
    docs: Vec<Span>,
    /// A delimiter problem was reported inside it.
    broken: bool,
}

/// A block being read: the statements before it, and the statement that owns it.
struct Frame {
    outer: Vec<Stmt>,
    owner: Stmt,
    open: usize,
    /// Deeper than the limit: contents are scanned but dropped.
    dropped: bool,
}

struct Scanner<'a> {
    file: FileId,
    src: &'a [u8],
    pos: usize,
    out: Outline,
    frames: Vec<Frame>,
    stmts: Vec<Stmt>,
    cur: Current,
    /// Doc comments seen on lines of their own, waiting for their statement.
    pending_docs: Vec<Span>,
}

impl Scanner<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span::new(self.file, at(start), at(end))
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    fn run(&mut self) {
        while let Some(&byte) = self.src.get(self.pos) {
            match byte {
                b'\n' => {
                    self.pos += 1;
                    if self.cur.open.is_empty() {
                        self.end_statement();
                    } else {
                        self.resync_at_line_start();
                    }
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b';' if self.cur.open.is_empty() => {
                    self.pos += 1;
                    self.end_statement();
                }
                b'/' if self.peek(1) == Some(b'/') => self.comment(),
                b'"' if self.peek(1) == Some(b'"') && self.peek(2) == Some(b'"') => {
                    self.text_block();
                }
                b'"' | b'\'' => self.string(byte),
                b'(' | b'[' => self.open_bracket(byte),
                b'{' if !self.cur.open.is_empty() || self.cur.last == b'=' => {
                    self.open_bracket(byte);
                }
                b'{' => self.open_block(),
                b')' | b']' => self.close_bracket(byte),
                b'}' if self.cur.open.iter().any(|o| o.byte == b'{') => self.close_bracket(byte),
                b'}' => self.close_block(),
                _ => {
                    let len = char_len(byte);
                    self.content(self.pos, self.pos + len, byte);
                    self.pos += len;
                }
            }
        }
    }

    /// Record statement content at `start..end`.
    fn content(&mut self, start: usize, end: usize, last: u8) {
        if self.cur.start.is_none() {
            self.cur.start = Some(start);
            self.cur.docs = std::mem::take(&mut self.pending_docs);
        }
        self.cur.end = end;
        self.cur.last = last;
    }

    fn comment(&mut self) {
        let start = self.pos;
        let end = self.line_end(start);
        let doc = self
            .src
            .get(start..end)
            .is_some_and(|c| c.starts_with(b"///") && c.get(3) != Some(&b'/'));
        let span = self.span(start, end);
        self.out.comments.push(RawComment { span, doc });
        self.pos = end;
        if !doc || !self.cur.open.is_empty() {
            // Inside brackets a doc comment documents a field; the grammar reads it there.
            return;
        }
        if self.cur.start.is_some() {
            self.out.diagnostics.push(dangling_doc(span).with_help(
                "a `///` comment documents the item on the lines below it; move it above that item, or write `//` for a plain comment",
            ));
        } else {
            self.pending_docs.push(span);
        }
    }

    fn line_end(&self, from: usize) -> usize {
        self.src
            .get(from..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(self.src.len(), |n| from + n)
    }

    /// A `"..."` or `'...'` string: it ends at its closing quote or, unclosed, at the end of
    /// the line (P0021).
    fn string(&mut self, quote: u8) {
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.src.get(i) {
                // An escaped quote or backslash; a backslash before a line break escapes
                // nothing (strings do not span lines).
                Some(b'\\') if self.src.get(i + 1).is_some_and(|b| *b != b'\n') => i += 2,
                Some(&b) if b == quote => {
                    i += 1;
                    break;
                }
                Some(b'\n') | None => {
                    self.cur.broken = true;
                    let what = if quote == b'"' {
                        "string"
                    } else {
                        "quoted text"
                    };
                    self.out.diagnostics.push(
                        Diagnostic::new(
                            Code::P0021,
                            self.span(start, start + 1),
                            format!("unclosed {what}"),
                        )
                        .with_primary_label("this quote is never closed on its line")
                        .with_help(if quote == b'"' {
                            "close the string on the same line, or write a `\"\"\"` text block for several lines"
                        } else {
                            "close the quoted text on the same line"
                        }),
                    );
                    i = i.min(self.src.len());
                    break;
                }
                Some(_) => i += 1,
            }
        }
        let end = i.min(self.src.len());
        self.content(start, end, quote);
        self.pos = end;
    }

    /// A `"""` text block, which may span lines.
    fn text_block(&mut self) {
        let start = self.pos;
        let body = start + 3;
        let close = self
            .src
            .get(body..)
            .and_then(|rest| rest.windows(3).position(|w| w == b"\"\"\""))
            .map(|n| body + n);
        let end = match close {
            Some(close) => close + 3,
            None => {
                self.cur.broken = true;
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::P0021,
                        self.span(start, body),
                        "unclosed `\"\"\"` text block",
                    )
                    .with_primary_label("this text block is never closed")
                    .with_help("end the text block with `\"\"\"` on a line of its own"),
                );
                self.src.len()
            }
        };
        self.content(start, end, b'"');
        self.pos = end;
    }

    fn open_bracket(&mut self, byte: u8) {
        self.content(self.pos, self.pos + 1, byte);
        self.cur.open.push(Open { byte, at: self.pos });
        self.cur.deepest = self.cur.deepest.max(self.cur.open.len());
        self.pos += 1;
    }

    fn close_bracket(&mut self, byte: u8) {
        let opener = match byte {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        let at = self.pos;
        self.pos += 1;
        match self.cur.open.iter().rposition(|o| o.byte == opener) {
            Some(index) => {
                // Brackets opened after the matching one were never closed.
                let unclosed: Vec<Open> = self.cur.open.drain(index..).skip(1).collect();
                self.cur.broken |= !unclosed.is_empty();
                for open in unclosed {
                    self.unclosed(open, Some(at));
                }
                self.content(at, at + 1, byte);
            }
            None => {
                self.cur.broken |= self.cur.start.is_some();
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::P0022,
                        self.span(at, at + 1),
                        format!("unmatched `{}`", byte as char),
                    )
                    .with_primary_label(format!("no `{}` is open here", opener as char))
                    .with_help("remove it, or add the opening bracket it closes"),
                );
            }
        }
    }

    /// P0021 for a bracket left open; `before` is where the scan noticed.
    fn unclosed(&mut self, open: Open, before: Option<usize>) {
        let close = match open.byte {
            b'(' => ')',
            b'[' => ']',
            _ => '}',
        };
        let mut diagnostic = Diagnostic::new(
            Code::P0021,
            self.span(open.at, open.at + 1),
            format!("unclosed `{}`", open.byte as char),
        )
        .with_primary_label(format!("this `{}` is never closed", open.byte as char))
        .with_help(format!("add the `{close}` that closes it"));
        if let Some(before) = before {
            diagnostic = diagnostic.with_label(
                self.span(before, (before + 1).min(self.src.len())),
                format!("expected `{close}` before this"),
            );
        }
        self.out.diagnostics.push(diagnostic);
    }

    /// Inside brackets, at the start of a line: a line that starts like a new statement
    /// means the statement before it left a bracket open.
    fn resync_at_line_start(&mut self) {
        let rest = self.src.get(self.pos..).unwrap_or_default();
        let indent = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count();
        let line = rest.get(indent..).unwrap_or_default();
        let word_len = line
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let word = line.get(..word_len).unwrap_or_default();
        let starts_statement = RESYNC_KEYWORDS.iter().any(|k| k.as_bytes() == word)
            && line
                .get(word_len)
                .is_some_and(|b| *b == b' ' || *b == b'\t')
            && line
                .get(word_len..)
                .and_then(|after| after.iter().find(|b| **b != b' ' && **b != b'\t'))
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'"');
        if starts_statement {
            let open = std::mem::take(&mut self.cur.open);
            if let Some(first) = open.first() {
                self.unclosed(*first, Some(self.pos + indent));
            }
            self.cur.broken = true;
            self.end_statement();
        }
    }

    fn end_statement(&mut self) {
        let cur = std::mem::take(&mut self.cur);
        let Some(start) = cur.start else {
            return;
        };
        let mut broken = cur.broken;
        for open in &cur.open {
            self.unclosed(*open, None);
            broken = true;
        }
        let too_deep_here = cur.deepest > MAX_BRACKET_DEPTH;
        let skipped = too_deep_here || broken;
        let span = self.span(start, cur.end.max(start));
        if too_deep_here {
            self.out.diagnostics.push(too_deep(span, "brackets"));
        }
        self.stmts.push(Stmt {
            span,
            docs: cur.docs,
            block: None,
            skipped,
        });
    }

    fn open_block(&mut self) {
        let at = self.pos;
        self.pos += 1;
        let cur = std::mem::take(&mut self.cur);
        let owner = match cur.start {
            Some(start) => Stmt {
                span: self.span(start, cur.end),
                docs: cur.docs,
                block: None,
                skipped: cur.deepest > MAX_BRACKET_DEPTH || cur.broken,
            },
            // `{` on a line of its own belongs to the statement on the line before.
            None if self.pending_docs.is_empty()
                && self.stmts.last().is_some_and(|s| s.block.is_none()) =>
            {
                match self.stmts.pop() {
                    Some(previous) => previous,
                    None => self.ownerless(at),
                }
            }
            // A block with no statement before it: kept, so its contents are still read.
            None => self.ownerless(at),
        };
        let parent_dropped = self.frames.last().is_some_and(|f| f.dropped);
        let dropped = parent_dropped || self.frames.len() >= MAX_BLOCK_DEPTH;
        if dropped && !parent_dropped {
            self.out
                .diagnostics
                .push(too_deep(self.span(at, at + 1), "blocks"));
        }
        let outer = std::mem::take(&mut self.stmts);
        self.frames.push(Frame {
            outer,
            owner,
            open: at,
            dropped,
        });
    }

    fn ownerless(&mut self, at: usize) -> Stmt {
        Stmt {
            span: self.span(at, at),
            docs: std::mem::take(&mut self.pending_docs),
            block: None,
            skipped: false,
        }
    }

    fn close_block(&mut self) {
        let at = self.pos;
        self.pos += 1;
        self.end_statement();
        let Some(frame) = self.frames.pop() else {
            self.out.diagnostics.push(
                Diagnostic::new(Code::P0022, self.span(at, at + 1), "unmatched `}`")
                    .with_primary_label("no block is open here")
                    .with_help("remove it, or add the `{` it closes"),
            );
            return;
        };
        self.attach(frame, at + 1);
    }

    /// Give a finished block to its statement and go back to the enclosing block.
    fn attach(&mut self, frame: Frame, end: usize) {
        self.dangling_docs();
        let inner = std::mem::replace(&mut self.stmts, frame.outer);
        let mut owner = frame.owner;
        owner.block = Some(Block {
            span: self.span(frame.open, end),
            stmts: if frame.dropped { Vec::new() } else { inner },
        });
        owner.skipped |= frame.dropped;
        self.stmts.push(owner);
    }

    /// Doc comments with nothing after them in their block.
    fn dangling_docs(&mut self) {
        for span in std::mem::take(&mut self.pending_docs) {
            self.out.diagnostics.push(dangling_doc(span).with_help(
                "write `//` for a plain comment, or put the item it documents below it",
            ));
        }
    }

    fn finish(mut self) -> Outline {
        self.end_statement();
        while let Some(frame) = self.frames.pop() {
            let at = frame.open;
            self.out.diagnostics.push(
                Diagnostic::new(Code::P0021, self.span(at, at + 1), "unclosed `{`")
                    .with_primary_label("this block is never closed")
                    .with_help("add the `}` that ends the block"),
            );
            let end = self.src.len();
            self.attach(frame, end);
        }
        self.dangling_docs();
        self.out.stmts = self.stmts;
        self.out
    }
}

/// P0027: a doc comment that documents nothing.
fn dangling_doc(span: Span) -> Diagnostic {
    Diagnostic::new(Code::P0027, span, "doc comment documents nothing")
        .with_primary_label("no item follows this `///` comment")
}

/// P0007 for a statement or block nested too deeply.
fn too_deep(span: Span, what: &str) -> Diagnostic {
    let limit = if what == "blocks" {
        MAX_BLOCK_DEPTH
    } else {
        MAX_BRACKET_DEPTH
    };
    Diagnostic::new(Code::P0007, span, "nesting is too deep")
        .with_primary_label(format!("more than {limit} nested {what}"))
        .with_help("split the pipeline into sub-pipelines, or flatten the nesting")
}

/// Length of the UTF-8 character that starts with `byte` (1 for a stray continuation byte,
/// so the scan always moves on).
fn char_len(byte: u8) -> usize {
    match byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
