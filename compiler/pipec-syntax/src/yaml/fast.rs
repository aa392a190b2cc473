//! The fast path: plain block YAML read straight into the [`Builder`], without saphyr.
//!
//! Pipeline files use a small part of YAML: block mappings and sequences, plain and quoted
//! one-line scalars, one-line flow collections, comments. This reader handles exactly that
//! part, line by line, and gives up ([`Bail`]) on anything else — block scalars, anchors,
//! tags, multi-line scalars, documents markers, tabs, carriage returns, any syntax error —
//! so that saphyr, the reference reader, handles it. It drives the same [`Builder`] calls
//! with the same spans saphyr's events lead to, so both paths build the same [`Document`]
//! and the same diagnostics (duplicate keys, depth); a test compares the two on every
//! fixture, example and corpus file, and a fuzz target on arbitrary input.
//!
//! [`Document`]: crate::Document

use pipec_diagnostics::Span;

use super::{Builder, resolve_plain};
use crate::node::{NodeKind, ScalarStyle};

/// The fast path does not handle this input; saphyr reads it instead.
#[derive(Debug)]
pub(super) struct Bail;

type Fast<T> = Result<T, Bail>;

/// Flow collections nest at most this deep here (saphyr takes deeper ones).
const MAX_FLOW_DEPTH: usize = 32;

/// Read the whole text into `builder`, or bail.
pub(super) fn build(builder: &mut Builder<'_>) -> Fast<()> {
    let text = builder.text;
    // Tabs and carriage returns change what counts as indentation and line ends; leave
    // them to saphyr rather than model them.
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        builder,
        stack: Vec::new(),
        pending: None,
        saw_content: false,
    };
    reader.document()
}

/// Whether a line holds only what this path reads the way saphyr does: no tabs or
/// carriage returns (they change indentation and line ends), and no characters outside
/// YAML's printable set (C0 and C1 controls, DEL, a BOM inside the text, U+FFFE/U+FFFF),
/// which saphyr rejects.
fn plain_text(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {}
            0..=0x1f | 0x7f => return false,
            0xc2 if bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => return false,
            0xef if matches!(
                (bytes.get(i + 1), bytes.get(i + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ) =>
            {
                return false;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// An open block collection.
#[derive(Debug, Clone, Copy)]
enum Block {
    /// A mapping whose keys start at this column.
    Map { indent: usize },
    /// A sequence whose `-` are at this column; `indentless` when the dashes sit at the
    /// column of the mapping key that holds it (`key:\n- a`).
    Seq { indent: usize, indentless: bool },
}

impl Block {
    fn indent(self) -> usize {
        match self {
            Block::Map { indent } | Block::Seq { indent, .. } => indent,
        }
    }
}

/// A key whose value is on the following lines (`key:` at the end of a line).
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// The column of the key.
    indent: usize,
    /// The byte offset of its `:`, where an absent value's empty scalar is placed.
    colon: usize,
}

struct Reader<'t, 'b, 'a> {
    text: &'t str,
    bytes: &'t [u8],
    builder: &'b mut Builder<'a>,
    stack: Vec<Block>,
    pending: Option<Pending>,
    saw_content: bool,
}

/// One content line: where it starts, its indentation and where its text ends.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Offset of the first non-space byte.
    start: usize,
    /// Its column (leading spaces).
    indent: usize,
    /// Offset of the line's end (its `\n`, or the end of the text).
    end: usize,
}

impl Reader<'_, '_, '_> {
    fn span(&self, start: usize, end: usize) -> Span {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span::new(self.builder.file, at(start), at(end))
    }

    fn ok(result: Result<(), ()>) -> Fast<()> {
        result.map_err(|()| Bail)
    }

    fn document(&mut self) -> Fast<()> {
        let mut pos = 0;
        while pos < self.bytes.len() {
            // One pass finds the line's end and notices any byte that is not printable
            // ASCII; only such lines get the full check. Line by line, input this path
            // leaves to saphyr is handed over as soon as it shows.
            let (end, unusual) = line_end(self.bytes, pos);
            if unusual && !plain_text(&self.bytes[pos..end]) {
                return Err(Bail);
            }
            let indent = self.bytes[pos..end]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            let start = pos + indent;
            let next = (end + 1).min(self.bytes.len().max(end));
            if start < end && self.bytes[start] != b'#' {
                if indent == 0 {
                    let line = &self.bytes[start..end];
                    let marker =
                        |m: &[u8]| line.starts_with(m) && line.get(3).is_none_or(|&b| b == b' ');
                    if marker(b"---") || marker(b"...") || line[0] == b'%' {
                        return Err(Bail);
                    }
                }
                self.line(Line { start, indent, end })?;
                self.saw_content = true;
            }
            pos = next;
            if end >= self.bytes.len() {
                break;
            }
        }
        if !self.saw_content {
            // An empty document is an error saphyr words.
            return Err(Bail);
        }
        self.resolve_pending_as_null()?;
        let eof = self.span(self.bytes.len(), self.bytes.len());
        while self.stack.pop().is_some() {
            Self::ok(self.builder.close(eof))?;
        }
        Ok(())
    }

    /// An absent value (`key:` followed by nothing indented under it): the empty scalar
    /// saphyr places at the key's `:`.
    fn resolve_pending_as_null(&mut self) -> Fast<()> {
        if let Some(p) = self.pending.take() {
            let span = self.span(p.colon, p.colon);
            Self::ok(self.builder.scalar(NodeKind::Null, span, 0))?;
        }
        Ok(())
    }

    fn line(&mut self, line: Line) -> Fast<()> {
        let is_dash = self.is_dash_at(line.start, line.end);
        if let Some(p) = self.pending {
            if is_dash && line.indent >= p.indent {
                self.pending = None;
                let indentless = line.indent == p.indent;
                return self.open_seq_item(line, indentless);
            }
            if line.indent > p.indent {
                // The value is a block mapping on the following lines (anything else
                // there, such as a scalar continued onto the next line, goes to saphyr).
                self.pending = None;
                return self.open_map_entry(line);
            }
            self.resolve_pending_as_null()?;
        }
        // Close what this line's indentation ends.
        while let Some(&top) = self.stack.last() {
            let close = match top {
                _ if top.indent() > line.indent => true,
                Block::Seq {
                    indent, indentless, ..
                } if indent == line.indent && !is_dash => {
                    if !indentless {
                        // A non-item line at a block sequence's column.
                        return Err(Bail);
                    }
                    true
                }
                _ => false,
            };
            if !close {
                break;
            }
            self.stack.pop();
            let at = self.span(line.start, line.start);
            Self::ok(self.builder.close(at))?;
        }
        match self.stack.last().copied() {
            None => {
                if self.saw_content {
                    // A second top-level node.
                    return Err(Bail);
                }
                if is_dash {
                    self.open_seq_item(line, false)
                } else {
                    self.open_map_entry(line)
                }
            }
            Some(Block::Map { indent }) if indent == line.indent && !is_dash => {
                self.map_entry(line.start, line.end, indent)
            }
            Some(Block::Seq { indent, .. }) if indent == line.indent && is_dash => {
                self.seq_item(line.start, line.end, indent)
            }
            _ => Err(Bail),
        }
    }

    fn is_dash_at(&self, start: usize, end: usize) -> bool {
        self.bytes.get(start) == Some(&b'-')
            && (start + 1 == end || self.bytes.get(start + 1) == Some(&b' '))
    }

    /// A block sequence starts at this `-` line.
    fn open_seq_item(&mut self, line: Line, indentless: bool) -> Fast<()> {
        // saphyr starts a sequence at its first `-`, or, when the dashes sit at the parent
        // key's column, at the first item's content.
        let content = self.skip_spaces(line.start + 1, line.end);
        let start = if indentless { content } else { line.start };
        if content >= line.end {
            // `-` with nothing after it on the line.
            return Err(Bail);
        }
        Self::ok(self.builder.start_seq(self.span(start, start), 0))?;
        self.stack.push(Block::Seq {
            indent: line.indent,
            indentless,
        });
        self.seq_item(line.start, line.end, line.indent)
    }

    /// A block mapping starts at this line's key.
    fn open_map_entry(&mut self, line: Line) -> Fast<()> {
        Self::ok(self.builder.start_map(self.span(line.start, line.start), 0))?;
        self.stack.push(Block::Map {
            indent: line.indent,
        });
        self.map_entry(line.start, line.end, line.indent)
    }

    /// `- item` at `dash`; the item runs to `end` (a mapping may continue below).
    fn seq_item(&mut self, dash: usize, end: usize, indent: usize) -> Fast<()> {
        let content = self.skip_spaces(dash + 1, end);
        if content >= end || self.bytes[content] == b'#' || self.is_dash_at(content, end) {
            // An empty item, or a sequence nested on the same line.
            return Err(Bail);
        }
        if self.find_key_colon(content, end)?.is_some() {
            // `- key: value`: a mapping whose keys are at the content's column.
            let column = content - (dash - indent);
            Self::ok(self.builder.start_map(self.span(content, content), 0))?;
            self.stack.push(Block::Map { indent: column });
            return self.map_entry(content, end, column);
        }
        let after = self.value(content, end, 0)?;
        self.line_rest(after, end)
    }

    /// `key: value` or `key:` starting at `start`.
    fn map_entry(&mut self, start: usize, end: usize, indent: usize) -> Fast<()> {
        let Some((key_end, colon)) = self.find_key_colon(start, end)? else {
            return Err(Bail);
        };
        long_key(start, colon)?;
        self.key(start, key_end)?;
        let value = self.skip_spaces(colon + 1, end);
        if value >= end || self.bytes[value] == b'#' {
            self.pending = Some(Pending { indent, colon });
            return Ok(());
        }
        let after = self.value(value, end, 0)?;
        self.line_rest(after, end)
    }

    /// Where a key ends and its `:` is, if this line holds a mapping entry: `None` for a
    /// plain line; bail when unsure.
    fn find_key_colon(&self, start: usize, end: usize) -> Fast<Option<(usize, usize)>> {
        match self.bytes[start] {
            quote @ (b'"' | b'\'') => {
                let close = self.quoted_end(start, end, quote)?;
                let colon = self.skip_spaces(close, end);
                let is_key = self.bytes.get(colon) == Some(&b':')
                    && (colon + 1 == end || self.bytes.get(colon + 1) == Some(&b' '));
                Ok(is_key.then_some((close, colon)))
            }
            b if is_indicator(b) => {
                if b == b'-' || b == b'[' || b == b'{' || b == b'"' || b == b'\'' {
                    Ok(None)
                } else {
                    Err(Bail)
                }
            }
            _ => {
                let mut i = start;
                while i < end {
                    match self.bytes[i] {
                        b':' if i + 1 == end || self.bytes[i + 1] == b' ' => {
                            let key_end = trim_end(self.bytes, start, i);
                            return Ok(Some((key_end, i)));
                        }
                        b'#' if self.bytes[i - 1] == b' ' => return Ok(None),
                        _ => {}
                    }
                    i += 1;
                }
                Ok(None)
            }
        }
    }

    fn key(&mut self, start: usize, end: usize) -> Fast<()> {
        match self.bytes[start] {
            b'"' | b'\'' => {
                let after = self.quoted(start, end)?;
                if after != end {
                    return Err(Bail);
                }
                Ok(())
            }
            _ => self.plain(start, end),
        }
    }

    /// Only spaces and a comment may follow a value on its line.
    fn line_rest(&self, at: usize, end: usize) -> Fast<()> {
        let rest = self.skip_spaces(at, end);
        if rest == end || (self.bytes[rest] == b'#' && rest > at) {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// A value starting at `start` on a line ending at `end`: a quoted scalar, a flow
    /// collection, or a plain scalar. Returns where it ends.
    fn value(&mut self, start: usize, end: usize, depth: usize) -> Fast<usize> {
        match self.bytes[start] {
            b'"' | b'\'' => self.quoted(start, end),
            b'[' | b'{' => self.flow(start, end, depth),
            b'-' if self
                .bytes
                .get(start + 1)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'.') =>
            {
                self.block_plain(start, end)
            }
            b if is_indicator(b) => Err(Bail),
            _ => self.block_plain(start, end),
        }
    }

    /// A plain scalar in block context: to the end of the line or a ` #` comment.
    fn block_plain(&mut self, start: usize, end: usize) -> Fast<usize> {
        let mut stop = end;
        let mut i = start;
        while i < end {
            match self.bytes[i] {
                b'#' if self.bytes[i - 1] == b' ' => {
                    stop = i;
                    break;
                }
                // `a: b: c` is an error, and `a: b:` too; saphyr words them.
                b':' if i + 1 == end || self.bytes[i + 1] == b' ' => return Err(Bail),
                _ => {}
            }
            i += 1;
        }
        let value_end = trim_end(self.bytes, start, stop);
        self.plain(start, value_end)?;
        Ok(value_end)
    }

    fn plain(&mut self, start: usize, end: usize) -> Fast<()> {
        let value = self.text.get(start..end).ok_or(Bail)?;
        if value.is_empty() {
            return Err(Bail);
        }
        let span = self.span(start, end);
        Self::ok(self.builder.scalar(resolve_plain(value), span, 0))
    }

    /// The offset just past the closing quote of the scalar opening at `start`, on this
    /// line; bail when it does not close on the line.
    fn quoted_end(&self, start: usize, end: usize, quote: u8) -> Fast<usize> {
        let mut i = start + 1;
        while i < end {
            match self.bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') && i + 1 < end => {
                    i += 2;
                }
                b if b == quote => return Ok(i + 1),
                _ => i += 1,
            }
        }
        Err(Bail)
    }

    /// A quoted scalar; returns where it ends.
    fn quoted(&mut self, start: usize, end: usize) -> Fast<usize> {
        let quote = self.bytes[start];
        let close = self.quoted_end(start, end, quote)?;
        let raw = self.text.get(start + 1..close - 1).ok_or(Bail)?;
        let span = self.span(start, close);
        let (value, style) = if quote == b'"' {
            (unescape_double(raw)?, ScalarStyle::DoubleQuoted)
        } else {
            (
                if raw.contains('\'') {
                    std::borrow::Cow::Owned(raw.replace("''", "'"))
                } else {
                    std::borrow::Cow::Borrowed(raw)
                },
                ScalarStyle::SingleQuoted,
            )
        };
        Self::ok(self.builder.scalar(NodeKind::Str(&value, style), span, 0))?;
        Ok(close)
    }

    /// A one-line flow collection (`[a, b]`, `{k: v}`), nested ones included.
    fn flow(&mut self, start: usize, end: usize, depth: usize) -> Fast<usize> {
        if depth >= MAX_FLOW_DEPTH {
            return Err(Bail);
        }
        let is_map = self.bytes[start] == b'{';
        let close_byte = if is_map { b'}' } else { b']' };
        let open = self.span(start, start + 1);
        if is_map {
            Self::ok(self.builder.start_map(open, 0))?;
        } else {
            Self::ok(self.builder.start_seq(open, 0))?;
        }
        let mut i = self.skip_spaces(start + 1, end);
        loop {
            if i >= end {
                return Err(Bail);
            }
            if self.bytes[i] == close_byte {
                break;
            }
            if is_map {
                let key_end = self.flow_node(i, end, depth, true)?;
                let colon = self.skip_spaces(key_end, end);
                if self.bytes.get(colon) != Some(&b':') || colon >= end {
                    return Err(Bail);
                }
                long_key(i, colon)?;
                let value = self.skip_spaces(colon + 1, end);
                if value >= end || matches!(self.bytes[value], b',' | b'}') {
                    return Err(Bail);
                }
                i = self.flow_node(value, end, depth, false)?;
            } else {
                i = self.flow_node(i, end, depth, false)?;
            }
            i = self.skip_spaces(i, end);
            match self.bytes.get(i) {
                Some(b',') if i < end => {
                    i = self.skip_spaces(i + 1, end);
                    // saphyr ends a flow mapping with a trailing comma oddly; leave it to it.
                    if is_map && self.bytes.get(i) == Some(&b'}') {
                        return Err(Bail);
                    }
                }
                Some(&b) if b == close_byte && i < end => {}
                _ => return Err(Bail),
            }
        }
        Self::ok(self.builder.close(self.span(i, i + 1)))?;
        Ok(i + 1)
    }

    /// One node inside a flow collection; `key` when it is a mapping key (a plain key ends
    /// at `: `). Returns where it ends.
    fn flow_node(&mut self, start: usize, end: usize, depth: usize, key: bool) -> Fast<usize> {
        match self.bytes[start] {
            b'"' | b'\'' => self.quoted(start, end),
            b'[' | b'{' if !key => self.flow(start, end, depth + 1),
            b'-' if self
                .bytes
                .get(start + 1)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'.') =>
            {
                self.flow_plain(start, end, key)
            }
            b if is_indicator(b) => Err(Bail),
            _ => self.flow_plain(start, end, key),
        }
    }

    /// A plain scalar inside a flow collection: up to `,`, `]`, `}` (or `: ` for a key).
    fn flow_plain(&mut self, start: usize, end: usize, key: bool) -> Fast<usize> {
        let mut i = start;
        while i < end {
            match self.bytes[i] {
                b',' | b']' | b'}' => break,
                b'[' | b'{' => return Err(Bail),
                b'#' if self.bytes[i - 1] == b' ' => return Err(Bail),
                b':' => {
                    let next = self.bytes.get(i + 1).copied();
                    let separator = matches!(next, Some(b' ' | b',' | b']' | b'}')) || i + 1 == end;
                    if separator {
                        if key {
                            break;
                        }
                        // `[a: b]` (a single-pair mapping) or `{a: b: c}`.
                        return Err(Bail);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let value_end = trim_end(self.bytes, start, i);
        self.plain(start, value_end)?;
        Ok(value_end)
    }

    fn skip_spaces(&self, mut i: usize, end: usize) -> usize {
        while i < end && self.bytes[i] == b' ' {
            i += 1;
        }
        i
    }
}

/// The offset of the next `\n` at or after `from` (or the end of the text), and whether
/// the bytes before it include any that is not printable ASCII.
fn line_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut unusual = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        if b == b'\n' {
            return (i, unusual);
        }
        unusual |= !(0x20..0x7f).contains(&b);
    }
    (bytes.len(), unusual)
}

/// YAML limits an implicit key to 1024 characters, and saphyr reports a longer one as an
/// error; keys near the limit (counted in bytes, which is never fewer) are left to it.
const MAX_FAST_KEY_BYTES: usize = 1000;

fn long_key(start: usize, end: usize) -> Fast<()> {
    if end.saturating_sub(start) >= MAX_FAST_KEY_BYTES {
        return Err(Bail);
    }
    Ok(())
}

/// `end` moved back over trailing spaces (not before `start`).
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && bytes[end - 1] == b' ' {
        end -= 1;
    }
    end
}

/// YAML's indicator characters: a plain scalar may not start with one (the fast path
/// leaves the few exceptions YAML allows to saphyr).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// The value of a one-line double-quoted scalar's body; bail on an escape this path does
/// not decode (saphyr does).
fn unescape_double(raw: &str) -> Fast<std::borrow::Cow<'_, str>> {
    if !raw.contains('\\') {
        return Ok(std::borrow::Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next().ok_or(Bail)? {
            '\\' => '\\',
            '"' => '"',
            '/' => '/',
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'u' => hex_char(&mut chars, 4)?,
            'x' => hex_char(&mut chars, 2)?,
            'U' => hex_char(&mut chars, 8)?,
            _ => return Err(Bail),
        };
        out.push(decoded);
    }
    Ok(std::borrow::Cow::Owned(out))
}

fn hex_char(chars: &mut std::str::Chars<'_>, digits: usize) -> Fast<char> {
    let mut code = 0u32;
    for _ in 0..digits {
        let d = chars.next().and_then(|c| c.to_digit(16)).ok_or(Bail)?;
        code = code * 16 + d;
    }
    char::from_u32(code).ok_or(Bail)
}

/// A canonical text of a parse result (every node with its span and value, then every
/// diagnostic), for comparing the fast path with saphyr.
#[doc(hidden)]
#[must_use]
pub fn dump(parsed: &crate::Parsed) -> String {
    use std::fmt::Write as _;
    fn node(n: crate::NodeRef<'_>, out: &mut String, depth: usize) {
        let span = n.span();
        let _ = write!(out, "{:depth$}{}..{} ", "", span.start, span.end);
        match n.kind() {
            NodeKind::Map(_) => {
                out.push_str("map\n");
                for (key, value) in n.as_map().into_iter().flat_map(|m| m.entries()) {
                    node(key, out, depth + 1);
                    node(value, out, depth + 2);
                }
            }
            NodeKind::Seq(_) => {
                out.push_str("seq\n");
                for item in n.as_seq().into_iter().flatten() {
                    node(item, out, depth + 1);
                }
            }
            other => {
                let _ = writeln!(out, "{other:?}");
            }
        }
    }
    let mut out = String::new();
    if let Some(doc) = &parsed.document {
        node(doc.root(), &mut out, 0);
    }
    for d in &parsed.diagnostics {
        let _ = writeln!(out, "{:?} {} {:?}", d.code, d.message, d.primary.span);
    }
    out
}
