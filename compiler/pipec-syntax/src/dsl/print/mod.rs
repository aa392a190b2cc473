//! The canonical printer of `.pipe` files (`pipec fmt`, and `pipec convert --to pipe`),
//! from the syntax tree of [`super::ast`] and the text its spans point into.
//!
//! The canonical form (documented for users in `docs/dsl.md`, "Formatting"):
//!
//! - statements in the order written, one per line; blocks open with ` {` at the end of
//!   their statement's line and close with `}` on a line of their own; four spaces of
//!   indentation per block; no trailing blanks; one line break at the end of the file;
//! - blank lines between statements kept where there were some, at most one in a row,
//!   never right after a `{`;
//! - every comment kept: a comment on a line of its own stays on a line of its own before
//!   what it preceded; a comment after code stays at the end of that line (two spaces
//!   before it); doc comments are reprinted from their item as `/// text`;
//! - a signature's field lists, a step's argument list and an enum's values go on one line
//!   when that line fits in [`WIDTH`] columns and no comment or doc comment is inside;
//!   otherwise one per line, each followed by a comma (a signature then breaks both lists);
//!   a nested settings block (`retry { ... }`) is `{ a 1; b 2 }` on one line under the same
//!   rule; every other block is one statement per line;
//! - values are printed canonically (`values.rs`); expressions, types and conditions are
//!   kept as written, trimmed.
//!
//! The printer never changes what a file means: its output lowers to the same IR as its
//! input, and printing it again changes nothing (both tested on every `.pipe` file of the
//! repository, in `pipec-check`'s `tests/fmt.rs`).

mod items;
mod steps;
mod values;

pub use values::{block_can_hold, float, quote};

use pipec_diagnostics::{Diagnostic, FileId, Severity, Span};

use super::ast::{Comment, Docs, PipeFile};

/// The line width the printer breaks long lists at.
pub const WIDTH: usize = 100;

/// Format `.pipe` text. A file with syntax errors is not formatted: its diagnostics (errors
/// and warnings) are returned instead. Warnings alone do not stop it.
pub fn format_pipe(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (ast, diagnostics) = super::parse_ast(file, text);
    if ast.items.is_empty() || diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(super::parse_pipe(file, text).diagnostics);
    }
    Ok(print(&ast, text))
}

/// Print a syntax tree. `src` is the text its spans and comments point into.
#[must_use]
pub fn print(ast: &PipeFile, src: &str) -> String {
    print_with(ast, src, false)
}

/// Print a syntax tree converted from a native document (`pipec convert --to pipe`): its
/// spans and comments point into the document's source `src` (a YAML comment, `# text`, is
/// written `// text`), and a blank line also separates top-level items of different kinds
/// and every top-level item that takes more than one line.
#[must_use]
pub fn print_converted(ast: &PipeFile, src: &str) -> String {
    print_with(ast, src, true)
}

fn print_with(ast: &PipeFile, src: &str, sections: bool) -> String {
    let mut printer = Printer {
        sections,
        src,
        comments: &ast.comments,
        next: 0,
        out: String::new(),
        depth: 0,
        last_end: None,
        trailing_used: false,
        after_open: true,
        verbatim: Vec::new(),
    };
    printer.items(&ast.items);
    printer.flush_before(u32::MAX);
    if !printer.out.ends_with('\n') {
        printer.out.push('\n');
    }
    printer.out
}

/// The printer's state: the output so far and where it is in the source.
struct Printer<'a> {
    /// Separate top-level items by kind (converted output, which has no layout of its own).
    sections: bool,
    src: &'a str,
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    out: String,
    /// Blocks open around the current line.
    depth: usize,
    /// Source end of what the last line printed (`None` before the first line).
    last_end: Option<u32>,
    /// The last line cannot take a trailing comment (it has one, or is a doc comment).
    trailing_used: bool,
    /// The last line opened a block (no blank line may follow).
    after_open: bool,
    /// Spans printed as they are written: comments inside them are part of that text.
    verbatim: Vec<Span>,
}

impl Printer<'_> {
    fn slice(&self, a: u32, b: u32) -> &str {
        self.src.get(a as usize..b as usize).unwrap_or("")
    }

    fn text(&self, span: Span) -> &str {
        self.slice(span.start, span.end)
    }

    fn indent(&self) -> String {
        "    ".repeat(self.depth)
    }

    /// Whether `a..b` of the source holds no line break.
    fn same_line(&self, a: u32, b: u32) -> bool {
        a <= b && !self.slice(a, b).contains('\n')
    }

    /// Whether `a..b` of the source holds a blank line.
    fn blank_between(&self, a: u32, b: u32) -> bool {
        if a >= b {
            return false;
        }
        let pieces: Vec<&str> = self.slice(a, b).split('\n').collect();
        pieces.len() > 2
            && pieces[1..pieces.len() - 1]
                .iter()
                .any(|p| p.trim().is_empty())
    }

    /// Whether a comment not printed yet starts inside `span` (which then cannot be printed
    /// on one line).
    fn has_comment_in(&self, span: Span) -> bool {
        self.comments[self.next.min(self.comments.len())..]
            .iter()
            .take_while(|c| c.span.start < span.end)
            .any(|c| c.span.start >= span.start)
    }

    /// Print the comments that start before `pos`.
    fn flush_before(&mut self, pos: u32) {
        while let Some(comment) = self.comments.get(self.next).copied() {
            if comment.span.start >= pos {
                break;
            }
            self.next += 1;
            if self
                .verbatim
                .iter()
                .any(|v| v.start <= comment.span.start && comment.span.end <= v.end)
            {
                continue;
            }
            let text = self.text(comment.span).trim_end();
            let text = match text.strip_prefix('#') {
                Some(rest) => format!("//{rest}"),
                None => text.to_owned(),
            };
            match self.last_end {
                Some(end) if !self.trailing_used && self.same_line(end, comment.span.start) => {
                    if self.out.ends_with('\n') {
                        self.out.pop();
                    }
                    self.out.push_str("  ");
                    self.out.push_str(&text);
                    self.out.push('\n');
                    self.trailing_used = true;
                }
                _ => {
                    self.blank_if(comment.span.start);
                    let line = format!("{}{text}\n", self.indent());
                    self.out.push_str(&line);
                    self.trailing_used = false;
                    self.after_open = false;
                }
            }
            self.last_end = Some(comment.span.end);
        }
    }

    /// A blank line before something at `pos`, if the source had one there.
    fn blank_if(&mut self, pos: u32) {
        if let Some(end) = self.last_end
            && !self.after_open
            && self.blank_between(end, pos)
        {
            self.out.push('\n');
        }
    }

    /// Print one line (or a statement that spans lines, such as one with a text block) for
    /// the source `span`.
    fn line(&mut self, span: Span, text: &str) {
        self.flush_before(span.start);
        self.blank_if(span.start);
        let indent = self.indent();
        self.out.push_str(&indent);
        self.out.push_str(text);
        self.out.push('\n');
        self.last_end = Some(span.end.max(span.start));
        self.trailing_used = false;
        self.after_open = false;
    }

    /// Print `text {` and enter the block.
    fn open(&mut self, span: Span, text: &str) {
        self.line(span, &format!("{text} {{"));
        self.depth += 1;
        self.after_open = true;
    }

    /// Leave a block (or a list laid out one per line) whose closing delimiter is at `pos`,
    /// printing `text`: the comments before `pos` stay inside.
    fn close(&mut self, pos: u32, text: &str) {
        self.flush_before(pos);
        // A comment at the end of the block's last line stays on that line.
        while let (Some(c), Some(end)) = (self.comments.get(self.next).copied(), self.last_end) {
            if self.trailing_used || !self.same_line(end, c.span.start) {
                break;
            }
            self.flush_before(c.span.start + 1);
        }
        self.depth = self.depth.saturating_sub(1);
        let indent = self.indent();
        self.out.push_str(&indent);
        self.out.push_str(text);
        self.out.push('\n');
        self.last_end = Some(pos.saturating_add(1));
        self.trailing_used = false;
        self.after_open = false;
    }

    /// Print a doc comment.
    fn docs(&mut self, docs: &Docs) {
        self.flush_before(docs.span.start);
        self.blank_if(docs.span.start);
        let indent = self.indent();
        for line in docs.text.split('\n') {
            if line.is_empty() {
                self.out.push_str(&format!("{indent}///\n"));
            } else {
                self.out.push_str(&format!("{indent}/// {line}\n"));
            }
        }
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start >= docs.span.end || !c.doc {
                break;
            }
            self.next += 1;
        }
        self.last_end = Some(docs.span.end);
        self.trailing_used = true;
        self.after_open = false;
    }

    fn maybe_docs(&mut self, docs: Option<&Docs>) {
        if let Some(docs) = docs {
            self.docs(docs);
        }
    }

    /// Whether `text` fits on one line at the current indentation.
    fn fits(&self, text: &str) -> bool {
        !text.contains('\n') && self.depth * 4 + text.chars().count() <= WIDTH
    }
}

#[cfg(test)]
mod tests;
