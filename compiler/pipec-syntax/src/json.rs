//! JSON front-end: a small recursive-descent parser (depth bounded by
//! [`crate::limits::MAX_DEPTH`]) producing the same spanned [`Document`] as YAML. A parser of
//! our own, rather than serde_json, because pipec needs a span on every value and must
//! report duplicate keys, which serde_json's `Value` silently merges.

use std::collections::HashMap;

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

use crate::Parsed;
use crate::limits::MAX_DEPTH;
use crate::node::{Document, Entry, NodeId, NodeKind, ScalarStyle};

/// Parse JSON text. Never panics; see [`Parsed`].
#[must_use]
pub fn parse_json(file: FileId, text: &str) -> Parsed {
    let mut p = JsonParser {
        file,
        src: text.as_bytes(),
        pos: 0,
        depth: 0,
        doc: Document::empty(file, text.len()),
        diagnostics: Vec::new(),
    };
    p.skip_ws();
    if p.pos >= p.src.len() {
        let d = Diagnostic::new(Code::P0001, Span::new(file, 0, 0), "file is empty")
            .with_primary_label("no JSON value here")
            .with_help("a pipeline starts with `pipec: 1` (native) or `workflow:` (pipeline_ex)");
        return Parsed {
            document: None,
            diagnostics: vec![d],
        };
    }
    let result = p.value().and_then(|root| {
        p.skip_ws();
        if p.pos < p.src.len() {
            Err(p.error_here(
                "unexpected content after the JSON value",
                "expected the end of the file",
            ))
        } else {
            Ok(root)
        }
    });
    match result {
        Ok(root) => {
            p.doc.root = root;
            Parsed {
                document: Some(p.doc),
                diagnostics: p.diagnostics,
            }
        }
        Err(d) => {
            p.diagnostics.push(*d);
            Parsed {
                document: None,
                diagnostics: p.diagnostics,
            }
        }
    }
}

struct JsonParser<'a> {
    file: FileId,
    src: &'a [u8],
    pos: usize,
    depth: usize,
    doc: Document,
    diagnostics: Vec<Diagnostic>,
}

/// Boxed: the error path is cold and a bare `Diagnostic` would bloat every `Ok`.
type PResult<T> = Result<T, Box<Diagnostic>>;

impl JsonParser<'_> {
    fn at(&self, pos: usize) -> u32 {
        u32::try_from(pos).unwrap_or(u32::MAX)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.at(start), self.at(end))
    }

    fn error_here(&self, message: &str, label: &str) -> Box<Diagnostic> {
        let end = (self.pos + 1).min(self.src.len());
        let mut end = end;
        while end < self.src.len() && (self.src[end] & 0xC0) == 0x80 {
            end += 1;
        }
        Box::new(
            Diagnostic::new(
                Code::P0005,
                self.span(self.pos, end),
                format!("invalid JSON: {message}"),
            )
            .with_primary_label(label),
        )
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.src.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> PResult<NodeId> {
        self.skip_ws();
        let start = self.pos;
        match self.src.get(self.pos) {
            None => Err(self.error_here("unexpected end of file", "expected a value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(self.doc.push_scalar(
                    NodeKind::Str(&s, ScalarStyle::DoubleQuoted),
                    self.span(start, self.pos),
                ))
            }
            Some(b't') => self.literal("true", NodeKind::Bool(true)),
            Some(b'f') => self.literal("false", NodeKind::Bool(false)),
            Some(b'n') => self.literal("null", NodeKind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error_here("unexpected character", "expected a value")),
        }
    }

    fn literal(&mut self, word: &str, kind: NodeKind<'static>) -> PResult<NodeId> {
        let start = self.pos;
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(self.doc.push_scalar(kind, self.span(start, self.pos)))
        } else {
            Err(self.error_here("unexpected character", "expected a value"))
        }
    }

    fn number(&mut self) -> PResult<NodeId> {
        let start = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.src.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos - s
        };
        if digits(self) == 0 {
            return Err(self.error_here("invalid number", "expected a digit"));
        }
        let mut is_float = false;
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            is_float = true;
            if digits(self) == 0 {
                return Err(self.error_here("invalid number", "expected a digit after `.`"));
            }
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            is_float = true;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error_here("invalid number", "expected an exponent"));
            }
        }
        let text = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("0");
        let kind = match (is_float, text.parse::<i64>()) {
            (false, Ok(i)) => NodeKind::Int(i),
            _ => NodeKind::Float(text.parse::<f64>().unwrap_or(f64::NAN)),
        };
        Ok(self.doc.push_scalar(kind, self.span(start, self.pos)))
    }

    fn string(&mut self) -> PResult<String> {
        // Caller saw the opening quote.
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.src.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The source is valid UTF-8 and we stopped on an ASCII byte, so this slice is too.
            out.push_str(std::str::from_utf8(&self.src[run_start..self.pos]).unwrap_or(""));
            match self.src.get(self.pos) {
                None => {
                    return Err(self.error_here("unterminated string", "the string is not closed"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(&esc) = self.src.get(self.pos) else {
                        return Err(
                            self.error_here("unterminated string", "the string is not closed")
                        );
                    };
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return Err(self.error_here("invalid escape", "not a JSON escape"));
                        }
                    }
                }
                Some(_) => {
                    return Err(
                        self.error_here("control character in string", "escape it, e.g. `\\n`")
                    );
                }
            }
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .and_then(|h| std::str::from_utf8(h).ok());
        match digits.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.error_here("invalid unicode escape", "expected four hex digits")),
        }
    }

    fn unicode_escape(&mut self) -> PResult<char> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.src[self.pos..].starts_with(b"\\u") {
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
        }
        Ok(char::from_u32(high).unwrap_or('\u{FFFD}'))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Box::new(
                Diagnostic::new(
                    Code::P0007,
                    self.span(self.pos, self.pos + 1),
                    "nesting is too deep",
                )
                .with_primary_label(format!(
                    "this value is nested more than {MAX_DEPTH} levels deep"
                ))
                .with_help("flatten the structure; no pipeline needs this depth"),
            ));
        }
        Ok(())
    }

    fn array(&mut self) -> PResult<NodeId> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                items.push(self.value()?);
                self.skip_ws();
                match self.src.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(
                            self.error_here("expected `,` or `]`", "expected `,` or `]` here")
                        );
                    }
                }
            }
        }
        self.depth -= 1;
        Ok(self.doc.push_seq(&items, self.span(start, self.pos)))
    }

    fn object(&mut self) -> PResult<NodeId> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut entries = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let key_start = self.pos;
                if self.src.get(self.pos) != Some(&b'"') {
                    return Err(
                        self.error_here("expected a string key", "object keys are strings in JSON")
                    );
                }
                let key = self.string()?;
                let key_span = self.span(key_start, self.pos);
                let key_id = self
                    .doc
                    .push_scalar(NodeKind::Str(&key, ScalarStyle::DoubleQuoted), key_span);
                self.skip_ws();
                if self.src.get(self.pos) != Some(&b':') {
                    return Err(self.error_here("expected `:`", "expected `:` after the key"));
                }
                self.pos += 1;
                let value = self.value()?;
                if let Some(first) = seen.get(&key) {
                    self.diagnostics.push(
                        Diagnostic::new(Code::P0009, key_span, format!("duplicate key `{key}`"))
                            .with_primary_label("this key appears again here; its value is ignored")
                            .with_label(*first, "first defined here")
                            .with_help("remove one of the two, or rename it"),
                    );
                } else {
                    seen.insert(key, key_span);
                    entries.push(Entry { key: key_id, value });
                }
                self.skip_ws();
                match self.src.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(
                            self.error_here("expected `,` or `}`", "expected `,` or `}` here")
                        );
                    }
                }
            }
        }
        self.depth -= 1;
        Ok(self.doc.push_map(&entries, self.span(start, self.pos)))
    }
}
