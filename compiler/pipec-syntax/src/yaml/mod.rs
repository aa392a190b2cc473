//! YAML front-end: saphyr's spanned events folded into a [`Document`] with an explicit stack
//! (no recursion), byte spans, duplicate-key detection and the limits of [`crate::limits`].

use std::collections::HashMap;

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle as YamlStyle, ScanError};

use crate::Parsed;

pub(crate) mod fast;
use crate::limits::{MAX_ALIAS_EXPANSION, MAX_DEPTH};
use crate::node::{Document, Entry, NodeId, NodeKind, ScalarStyle};

/// Parse YAML text. Never panics; see [`Parsed`].
#[must_use]
pub fn parse_yaml(file: FileId, text: &str) -> Parsed {
    // Most pipeline files are plain block YAML, which the fast path reads directly; anything
    // it is unsure of (and every error) goes through saphyr, the reference reader.
    let mut builder = Builder::new(file, text);
    if fast::build(&mut builder).is_ok() {
        return finish(file, builder, Ok(()));
    }
    parse_with_saphyr(file, text)
}

/// The fast path alone: `None` when it leaves the text to saphyr. For differential tests
/// and fuzzing, which check it against [`parse_with_saphyr`].
#[doc(hidden)]
#[must_use]
pub fn parse_fast_only(file: FileId, text: &str) -> Option<Parsed> {
    let mut builder = Builder::new(file, text);
    fast::build(&mut builder).ok()?;
    Some(finish(file, builder, Ok(())))
}

/// Parse with saphyr's events alone (the reference the fast path is tested against).
#[doc(hidden)]
#[must_use]
pub fn parse_with_saphyr(file: FileId, text: &str) -> Parsed {
    let mut builder = Builder::new(file, text);
    let outcome = builder.run();
    finish(file, builder, outcome)
}

/// The document a finished build gives, with the whole-document checks (alias expansion,
/// emptiness).
fn finish(file: FileId, builder: Builder<'_>, outcome: Result<(), ()>) -> Parsed {
    let Builder {
        mut doc,
        mut diagnostics,
        sizes,
        root,
        ..
    } = builder;
    let document = match (outcome, root) {
        (Ok(()), Some(root)) => {
            doc.root = root;
            let expanded = sizes.get(root.0 as usize).copied().unwrap_or(0);
            let physical = doc.nodes.len() as u64;
            if expanded.saturating_sub(physical) > MAX_ALIAS_EXPANSION {
                let span = doc
                    .nodes
                    .get(root.0 as usize)
                    .map_or_else(Span::default, |n| n.span);
                diagnostics.push(
                    Diagnostic::new(
                        Code::P0008,
                        Span::new(file, span.start, span.start),
                        "aliases expand this document beyond pipec's limit",
                    )
                    .with_primary_label(format!(
                        "{physical} nodes in the file expand to {expanded} through aliases"
                    ))
                    .with_note(format!(
                        "pipec allows aliases to add at most {MAX_ALIAS_EXPANSION} nodes"
                    ))
                    .with_help(
                        "write the repeated parts out, or reduce how many times aliases are nested",
                    ),
                );
                None
            } else {
                Some(doc)
            }
        }
        (Ok(()), None) => {
            diagnostics.push(
                Diagnostic::new(Code::P0001, Span::new(file, 0, 0), "file is empty")
                    .with_primary_label("no YAML document here")
                    .with_help(
                        "a pipeline starts with `pipec: 1` (native) or `workflow:` (pipeline_ex)",
                    ),
            );
            None
        }
        (Err(()), _) => None,
    };
    Parsed {
        document,
        diagnostics,
    }
}

/// Converts saphyr's character indices to byte offsets. ASCII text (the common case) maps
/// one to one; otherwise a checkpoint every 64 characters bounds each lookup.
struct CharToByte<'a> {
    text: &'a str,
    checkpoints: Option<Vec<u32>>,
}

const CHECKPOINT_EVERY: usize = 64;

impl<'a> CharToByte<'a> {
    fn new(text: &'a str) -> Self {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(CHECKPOINT_EVERY)
                .map(|(b, _)| u32::try_from(b).unwrap_or(u32::MAX))
                .collect()
        });
        CharToByte { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> u32 {
        match &self.checkpoints {
            None => u32::try_from(char_index.min(self.text.len())).unwrap_or(u32::MAX),
            Some(points) => {
                let Some(&base) = points.get(char_index / CHECKPOINT_EVERY) else {
                    return u32::try_from(self.text.len()).unwrap_or(u32::MAX);
                };
                let rest = &self.text[base as usize..];
                let extra = rest
                    .char_indices()
                    .nth(char_index % CHECKPOINT_EVERY)
                    .map_or(rest.len(), |(b, _)| b);
                base + u32::try_from(extra).unwrap_or(0)
            }
        }
    }
}

/// An open collection. Its children so far sit at the end of the builder's scratch stacks
/// (from `at` on), so building a collection allocates nothing until it is copied, whole,
/// into the document's pools when it closes.
enum Frame {
    Seq {
        start: u32,
        anchor: usize,
        at: usize,
        size: u64,
        last_end: u32,
    },
    Map {
        start: u32,
        anchor: usize,
        at: usize,
        key: Option<NodeId>,
        seen: KeySet,
        size: u64,
        last_end: u32,
    },
}

/// Keys of one large mapping by hash, for duplicate detection. Small mappings (the usual
/// case) compare against their own entries' hashes, allocating nothing; past 16 entries the
/// keys move into a hash map so a 100,000-key mapping stays linear.
#[derive(Default)]
struct KeySet {
    large: Option<HashMap<u32, Vec<usize>>>,
}

/// Small mappings switch to a [`KeySet`] hash map past this many entries.
const SMALL_MAP: usize = 16;

/// The text of a scalar key (`1:` reads as `"1"`); `None` for a collection key.
fn key_text(doc: &Document, id: NodeId) -> Option<std::borrow::Cow<'_, str>> {
    let node = doc.node(id);
    if node.is_null() {
        return Some(std::borrow::Cow::Borrowed(""));
    }
    node.scalar_text()
}

/// Whether two key nodes are the same key. Collection keys never equal anything.
fn keys_equal(doc: &Document, a: NodeId, b: NodeId) -> bool {
    match (key_text(doc, a), key_text(doc, b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    bytes: CharToByte<'a>,
    doc: Document,
    /// Expanded size (nodes a tree walk visits) of every node, by id.
    sizes: Vec<u64>,
    anchors: HashMap<usize, NodeId>,
    stack: Vec<Frame>,
    /// Items of the open sequences, innermost last.
    scratch_items: Vec<NodeId>,
    /// Entries of the open mappings, innermost last, with their key hashes alongside.
    scratch_entries: Vec<Entry>,
    scratch_hashes: Vec<u32>,
    root: Option<NodeId>,
    documents: usize,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(file: FileId, text: &'a str) -> Self {
        Builder {
            file,
            text,
            bytes: CharToByte::new(text),
            doc: Document::empty(file, text.len()),
            sizes: Vec::with_capacity(text.len() / 8),
            anchors: HashMap::new(),
            stack: Vec::new(),
            scratch_items: Vec::new(),
            scratch_entries: Vec::new(),
            scratch_hashes: Vec::new(),
            root: None,
            documents: 0,
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        Span::new(
            self.file,
            self.bytes.byte(s.start.index()),
            self.bytes.byte(s.end.index()),
        )
    }

    fn run(&mut self) -> Result<(), ()> {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let (event, span) = match parser.next_event() {
                None => return Ok(()),
                Some(Ok(pair)) => pair,
                Some(Err(e)) => {
                    self.scan_error(&e);
                    return Err(());
                }
            };
            let span = self.span(&span);
            match event {
                Event::StreamEnd => return Ok(()),
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::P0011,
                                span,
                                "file holds more than one YAML document",
                            )
                            .with_primary_label("a second document starts here")
                            .with_help("put each pipeline in its own file"),
                        );
                        return Err(());
                    }
                }
                Event::Alias(anchor) => {
                    let Some(&target) = self.anchors.get(&anchor) else {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::P0008,
                                span,
                                "alias refers to an anchor that is not complete",
                            )
                            .with_primary_label("this alias points into the node that contains it")
                            .with_help(
                                "a node cannot contain an alias to itself; write the value out",
                            ),
                        );
                        return Err(());
                    };
                    let size = self.sizes.get(target.0 as usize).copied().unwrap_or(1);
                    self.attach(target, size, span)?;
                }
                Event::Scalar(value, style, anchor, _tag) => {
                    let span = tight_scalar_span(self.text, span, style);
                    self.scalar(resolve_scalar(&value, style), span, anchor)?;
                }
                Event::SequenceStart(anchor, _) => self.start_seq(span, anchor)?,
                Event::MappingStart(anchor, _) => self.start_map(span, anchor)?,
                Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            }
        }
    }

    /// A scalar at its exact span (`anchor` 0: none).
    pub(crate) fn scalar(
        &mut self,
        kind: NodeKind<'_>,
        span: Span,
        anchor: usize,
    ) -> Result<(), ()> {
        self.sizes.push(1);
        let id = self.doc.push_scalar(kind, span);
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        self.attach(id, 1, span)
    }

    /// A sequence starts; `span` is its start event's (a block sequence's is empty).
    pub(crate) fn start_seq(&mut self, span: Span, anchor: usize) -> Result<(), ()> {
        self.open(
            Frame::Seq {
                start: span.start,
                anchor,
                at: self.scratch_items.len(),
                size: 1,
                last_end: span.end,
            },
            span,
        )
    }

    /// A mapping starts; `span` is its start event's (a block mapping's is empty).
    pub(crate) fn start_map(&mut self, span: Span, anchor: usize) -> Result<(), ()> {
        self.open(
            Frame::Map {
                start: span.start,
                anchor,
                at: self.scratch_entries.len(),
                key: None,
                seen: KeySet::default(),
                size: 1,
                last_end: span.end,
            },
            span,
        )
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), ()> {
        if self.stack.len() >= MAX_DEPTH {
            self.diagnostics.push(
                Diagnostic::new(Code::P0007, span, "nesting is too deep")
                    .with_primary_label(format!(
                        "this collection is nested more than {MAX_DEPTH} levels deep"
                    ))
                    .with_help("flatten the structure; no pipeline needs this depth"),
            );
            return Err(());
        }
        self.stack.push(frame);
        Ok(())
    }

    /// The innermost collection ends; `end` is its end event's span (at the bracket of a
    /// flow collection).
    pub(crate) fn close(&mut self, end: Span) -> Result<(), ()> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (start, anchor, size, last_end) = match frame {
            Frame::Seq {
                start,
                anchor,
                size,
                last_end,
                ..
            }
            | Frame::Map {
                start,
                anchor,
                size,
                last_end,
                ..
            } => (start, anchor, size, last_end),
        };
        // Flow collections end at their bracket (the end event starts on it); block ones
        // where their last child ends (the end event sits at the next token).
        let bracket = self
            .text
            .as_bytes()
            .get(end.start as usize)
            .is_some_and(|b| matches!(b, b']' | b'}'));
        let end_at = if bracket { end.start + 1 } else { last_end };
        let span = Span::new(self.file, start, end_at.max(start));
        self.sizes.push(size);
        let id = match frame {
            Frame::Seq { at, .. } => {
                let id = self.doc.push_seq(&self.scratch_items[at..], span);
                self.scratch_items.truncate(at);
                id
            }
            Frame::Map { at, .. } => {
                let id = self.doc.push_map_hashed(
                    &self.scratch_entries[at..],
                    &self.scratch_hashes[at..],
                    span,
                );
                self.scratch_entries.truncate(at);
                self.scratch_hashes.truncate(at);
                id
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        self.attach(id, size, span)
    }

    /// Hang a finished node on the innermost open collection (or make it the root).
    fn attach(&mut self, id: NodeId, size: u64, span: Span) -> Result<(), ()> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(id);
            }
            Some(Frame::Seq {
                size: total,
                last_end,
                ..
            }) => {
                *last_end = (*last_end).max(span.end);
                self.scratch_items.push(id);
                *total = total.saturating_add(size);
            }
            Some(Frame::Map {
                at,
                key,
                seen,
                size: total,
                last_end,
                ..
            }) => match key.take() {
                None => *key = Some(id),
                Some(key_id) => {
                    *last_end = (*last_end).max(span.end);
                    *total = total.saturating_add(size).saturating_add(1);
                    let at = *at;
                    let hash = self.doc.entry_key_hash(key_id);
                    let doc = &self.doc;
                    let entries = &self.scratch_entries;
                    let same_key = |index: usize| {
                        entries
                            .get(at + index)
                            .is_some_and(|first| keys_equal(doc, first.key, key_id))
                    };
                    let first = match &seen.large {
                        Some(map) => map
                            .get(&hash)
                            .and_then(|list| list.iter().copied().find(|&i| same_key(i))),
                        None => self.scratch_hashes[at..]
                            .iter()
                            .enumerate()
                            .filter(|(_, h)| **h == hash)
                            .map(|(i, _)| i)
                            .find(|&i| same_key(i)),
                    };
                    if let Some(index) = first {
                        let key_span = doc.node(key_id).span();
                        let first_span = entries
                            .get(at + index)
                            .map_or(key_span, |e| doc.node(e.key).span());
                        let text = key_text(doc, key_id).unwrap_or_default();
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::P0009,
                                key_span,
                                format!("duplicate key `{text}`"),
                            )
                            .with_primary_label("this key appears again here; its value is ignored")
                            .with_label(first_span, "first defined here")
                            .with_help("remove one of the two, or rename it"),
                        );
                    } else {
                        let index = self.scratch_entries.len() - at;
                        self.scratch_entries.push(Entry {
                            key: key_id,
                            value: id,
                        });
                        self.scratch_hashes.push(hash);
                        if let Some(map) = &mut seen.large {
                            map.entry(hash).or_default().push(index);
                        } else if index + 1 > SMALL_MAP {
                            let mut map: HashMap<u32, Vec<usize>> = HashMap::new();
                            for (i, h) in self.scratch_hashes[at..].iter().enumerate() {
                                map.entry(*h).or_default().push(i);
                            }
                            seen.large = Some(map);
                        }
                    }
                }
            },
        }
        Ok(())
    }

    fn scan_error(&mut self, e: &ScanError) {
        let at = self.bytes.byte(e.marker().index());
        let span = Span::new(self.file, at, next_char_end(self.text, at));
        let info = e.info();
        let diagnostic = if info.contains("tab") {
            let span = tab_near(self.text, at).map_or(span, |t| Span::new(self.file, t, t + 1));
            Diagnostic::new(Code::P0006, span, "tab character used for indentation")
                .with_primary_label("YAML does not allow tabs here")
                .with_help("indent with spaces; most editors can convert tabs to spaces")
        } else if info.contains("recursion limit") {
            Diagnostic::new(Code::P0007, span, "nesting is too deep")
                .with_primary_label("flow collections nest too deeply here")
                .with_help("flatten the structure; no pipeline needs this depth")
        } else {
            Diagnostic::new(Code::P0004, span, format!("invalid YAML: {info}"))
                .with_primary_label(info.to_owned())
        };
        self.diagnostics.push(diagnostic);
    }
}

/// saphyr's scalar spans are loose at the edges: a quoted scalar's runs over a trailing
/// comment, and a block scalar's starts at its first content line. Narrow them to exactly the
/// written scalar: quotes included, block indicator (`|`, `>`) included.
fn tight_scalar_span(text: &str, span: Span, style: YamlStyle) -> Span {
    let bytes = text.as_bytes();
    match style {
        YamlStyle::DoubleQuoted | YamlStyle::SingleQuoted => {
            let quote = if style == YamlStyle::DoubleQuoted {
                b'"'
            } else {
                b'\''
            };
            let start = span.start as usize;
            if bytes.get(start) != Some(&quote) {
                return span;
            }
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' if quote == b'"' => i += 2,
                    b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    b if b == quote => {
                        return Span::new(
                            span.file,
                            span.start,
                            u32::try_from(i + 1).unwrap_or(span.end),
                        );
                    }
                    _ => i += 1,
                }
            }
            span
        }
        YamlStyle::Literal | YamlStyle::Folded => {
            let indicator = if style == YamlStyle::Literal {
                '|'
            } else {
                '>'
            };
            let before = &text[..(span.start as usize).min(text.len())];
            // The header is the last non-blank line before the content.
            let mut cut = before.len();
            let header = loop {
                let line_start = before[..cut]
                    .trim_end_matches([' ', '\t', '\r'])
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line = &before[line_start..cut];
                if !line.trim().is_empty() || line_start == 0 {
                    break line_start..cut;
                }
                cut = line_start.saturating_sub(1);
            };
            let line = &before[header.clone()];
            let code = line.find(" #").map_or(line, |i| &line[..i]);
            let start = match code.rfind(indicator) {
                Some(i) => header.start + i,
                None => span.start as usize,
            };
            let content =
                &text[(span.start as usize).min(text.len())..(span.end as usize).min(text.len())];
            let end = span.start as usize + content.trim_end().len();
            Span::new(
                span.file,
                u32::try_from(start).unwrap_or(span.start),
                u32::try_from(end).unwrap_or(span.end),
            )
        }
        YamlStyle::Plain => span,
    }
}

/// The tab saphyr complains about: the first tab in the leading whitespace of the line
/// holding `at`, or of the line after it (saphyr often reports the end of the previous
/// token).
fn tab_near(text: &str, at: u32) -> Option<u32> {
    let at = (at as usize).min(text.len());
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..2 {
        let line = text[start..].split('\n').next().unwrap_or("");
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            return u32::try_from(start + i).ok();
        }
        start += line.len() + 1;
        if start > text.len() {
            break;
        }
    }
    None
}

fn next_char_end(text: &str, at: u32) -> u32 {
    let at_usize = at as usize;
    text.get(at_usize..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + u32::try_from(c.len_utf8()).unwrap_or(1))
}

/// YAML 1.2 core schema resolution; only plain scalars are typed.
fn resolve_scalar(value: &str, style: YamlStyle) -> NodeKind<'_> {
    let style = match style {
        YamlStyle::Plain => return resolve_plain(value),
        YamlStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        YamlStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        YamlStyle::Literal => ScalarStyle::Literal,
        YamlStyle::Folded => ScalarStyle::Folded,
    };
    NodeKind::Str(value, style)
}

pub(crate) fn resolve_plain(value: &str) -> NodeKind<'_> {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeKind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeKind::Float(f64::NAN),
        _ => {}
    }
    let numeric_start = value
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    if numeric_start {
        let parsed = if let Some(hex) = value.strip_prefix("0x") {
            i64::from_str_radix(hex, 16).ok().map(NodeKind::Int)
        } else if let Some(oct) = value.strip_prefix("0o") {
            i64::from_str_radix(oct, 8).ok().map(NodeKind::Int)
        } else if is_decimal_int(value) {
            value.parse::<i64>().ok().map(NodeKind::Int)
        } else if is_float(value) {
            value.parse::<f64>().ok().map(NodeKind::Float)
        } else {
            None
        };
        if let Some(kind) = parsed {
            return kind;
        }
    }
    NodeKind::Str(value, ScalarStyle::Plain)
}

fn is_decimal_int(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(v: &str) -> bool {
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let d = e.strip_prefix(['-', '+']).unwrap_or(e);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ScalarMapper;

    fn doc(text: &str) -> Document {
        parse_yaml(FileId(0), text).document.expect("parses")
    }

    fn text_of(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn spans_are_exactly_the_written_node() {
        let text =
            "a: |\n  line one\n  x {{ y }}\nb: \"q\"  # c\nc: [1, 2]  # d\ne:\n  f: 1\nh: 2\n";
        let d = doc(text);
        let map = d.root().as_map().unwrap();
        assert_eq!(
            text_of(text, map.get("a").unwrap().span()),
            "|\n  line one\n  x {{ y }}"
        );
        assert_eq!(text_of(text, map.get("b").unwrap().span()), "\"q\"");
        assert_eq!(text_of(text, map.get("c").unwrap().span()), "[1, 2]");
        assert_eq!(text_of(text, map.get("e").unwrap().span()), "f: 1");
    }

    #[test]
    fn holes_inside_block_scalars_map_to_their_source() {
        let text = "k: |  # prompt\n\n  first\n  then {{ steps.a }}\n";
        let d = doc(text);
        let node = d.root().as_map().unwrap().get("k").unwrap();
        let value = node.as_str().unwrap();
        let at = value.find("steps").unwrap();
        let mapper = ScalarMapper::new(text, node.span(), ScalarStyle::Literal, value);
        assert_eq!(text_of(text, mapper.map(at..at + 7)), "steps.a");
    }
}
