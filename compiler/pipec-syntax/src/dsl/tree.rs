//! The node-building toolkit of the desugaring: scalars with the right [`ScalarStyle`] for
//! each way a DSL value is written, and mappings that report a key given twice (P0025),
//! since unlike YAML and JSON nothing before the desugaring would notice.
//!
//! Spans follow one rule: a key node gets the span of the DSL keyword or name that stands
//! for it, a value node the span of its DSL text. Values the native lowering parses further
//! (expressions, types, templates) are strings whose style lets
//! [`crate::ScalarMapper`] map offsets inside them to the exact source bytes:
//! [`ScalarStyle::Plain`] for raw text (value and source are the same bytes),
//! [`ScalarStyle::DoubleQuoted`] for `"..."`, [`ScalarStyle::Literal`] for `"""` blocks,
//! and [`ScalarStyle::Bare`] for an expression written where a template is expected.

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

use super::ast::{Ident, Raw, Setting, StrForm, StrLit, Value};
use crate::node::{Document, Entry, NodeId, ScalarStyle};

/// The document being built, and what the desugaring reports.
pub(crate) struct Tree {
    pub file: FileId,
    pub doc: Document,
    pub diagnostics: Vec<Diagnostic>,
}

impl Tree {
    pub fn new(file: FileId) -> Tree {
        Tree {
            file,
            doc: Document::new(file),
            diagnostics: Vec::new(),
        }
    }

    /// A string scalar written as plain text (a name, a keyword, raw text).
    pub fn plain(&mut self, text: &str, span: Span) -> NodeId {
        self.doc.add_str(text, ScalarStyle::Plain, span)
    }

    pub fn ident(&mut self, ident: &Ident) -> NodeId {
        self.plain(&ident.text, ident.span)
    }

    pub fn raw(&mut self, raw: &Raw) -> NodeId {
        self.plain(&raw.text, raw.span)
    }

    /// A string literal.
    pub fn literal(&mut self, lit: &StrLit) -> NodeId {
        let style = match lit.form {
            StrForm::Quoted => ScalarStyle::DoubleQuoted,
            StrForm::Block => ScalarStyle::Literal,
        };
        self.doc.add_str(&lit.value, style, lit.span)
    }

    /// A template: a string literal is one as it is; anything else is an expression, which
    /// becomes the template `{{ expression }}` (so it keeps its value's type).
    pub fn template(&mut self, value: &Value) -> NodeId {
        match value {
            Value::Str(lit) => self.literal(lit),
            Value::Raw(raw) => self.bare(raw),
            Value::Word(word) => self.bare(&Raw {
                text: word.text.clone(),
                span: word.span,
            }),
            other => self.value(other),
        }
    }

    /// An expression written where a template is expected.
    pub fn bare(&mut self, raw: &Raw) -> NodeId {
        let value = format!("{{{{ {} }}}}", raw.text);
        self.doc.add_str(&value, ScalarStyle::Bare, raw.span)
    }

    /// Any value, as YAML would hold it.
    pub fn value(&mut self, value: &Value) -> NodeId {
        match value {
            Value::Str(lit) => self.literal(lit),
            Value::Int(n, span) => self.doc.add_int(*n, *span),
            Value::Float(f, span) => self.doc.add_float(*f, *span),
            Value::Bool(b, span) => self.doc.add_bool(*b, *span),
            Value::Null(span) => self.doc.add_null(*span),
            Value::Word(word) => self.ident(word),
            Value::Raw(raw) => self.raw(raw),
            Value::List(items, span) => {
                let ids = items.iter().map(|v| self.value(v)).collect();
                self.doc.add_seq(ids, *span)
            }
            Value::Map(entries, span) => {
                let mut map = MapBuilder::new("this mapping");
                for (key, value) in entries {
                    let value = self.value(value);
                    map.insert(self, &key.text, key.span, value);
                }
                map.finish(self, *span)
            }
            Value::Block(settings, span) => self.settings(settings, "this block", *span),
        }
    }

    /// A block of `key value` settings as a mapping; a bare key means `true`.
    pub fn settings(&mut self, settings: &[Setting], what: &str, span: Span) -> NodeId {
        let mut map = MapBuilder::new(what);
        for setting in settings {
            let value = self.setting_value(setting);
            map.insert(self, &setting.key.text, setting.key.span, value);
        }
        map.finish(self, span)
    }

    /// A setting's value; a bare key means `true`.
    pub fn setting_value(&mut self, setting: &Setting) -> NodeId {
        match &setting.value {
            Some(value) => self.value(value),
            None => self.doc.add_bool(true, setting.key.span),
        }
    }

    /// A sequence of already-built nodes spanning `first..last`.
    pub fn seq(&mut self, items: Vec<(NodeId, Span)>) -> (NodeId, Span) {
        let span = match (items.first(), items.last()) {
            (Some((_, first)), Some((_, last))) => first.to(*last),
            _ => Span::new(self.file, 0, 0),
        };
        let ids = items.into_iter().map(|(id, _)| id).collect();
        (self.doc.add_seq(ids, span), span)
    }
}

/// A mapping under construction. Keys must be distinct: a key given twice is P0025 at the
/// second, with a label on the first, and only the first is kept (the native lowering reads
/// the first anyway).
pub(crate) struct MapBuilder {
    what: String,
    /// For declarations: "type", "input", ... ("type `Issue` is declared twice").
    noun: Option<&'static str>,
    entries: Vec<Entry>,
    keys: Vec<(String, Span)>,
    check: bool,
}

impl MapBuilder {
    /// A mapping whose repeated keys are reported; `what` names it in messages ("step
    /// `analyze`", "`limits`").
    pub fn new(what: impl Into<String>) -> MapBuilder {
        MapBuilder {
            what: what.into(),
            noun: None,
            entries: Vec::new(),
            keys: Vec::new(),
            check: true,
        }
    }

    /// A mapping of declarations (`types`, `inputs`, ...) named by `noun` in messages.
    pub fn declarations(noun: &'static str) -> MapBuilder {
        MapBuilder {
            noun: Some(noun),
            ..MapBuilder::new("")
        }
    }

    /// A mapping whose repeated keys the native lowering reports itself (the fields of a
    /// record or signature: P0117).
    pub fn unchecked() -> MapBuilder {
        MapBuilder {
            check: false,
            ..MapBuilder::new("")
        }
    }

    pub fn insert(&mut self, tree: &mut Tree, key: &str, key_span: Span, value: NodeId) {
        if self.check
            && let Some((_, first)) = self.keys.iter().find(|(k, _)| k == key)
        {
            let (message, again, before) = match self.noun {
                Some(noun) => (
                    format!("{noun} `{key}` is declared twice"),
                    "declared again here",
                    "first declared here",
                ),
                None => (
                    format!("`{key}` is given twice in {}", self.what),
                    "given again here",
                    "first given here",
                ),
            };
            tree.diagnostics.push(
                Diagnostic::new(Code::P0025, key_span, message)
                    .with_primary_label(again)
                    .with_label(*first, before)
                    .with_help("keep only one of them"),
            );
            return;
        }
        if self.check {
            self.keys.push((key.to_owned(), key_span));
        }
        let key = tree.plain(key, key_span);
        self.entries.push(Entry { key, value });
    }

    pub fn finish(self, tree: &mut Tree, span: Span) -> NodeId {
        tree.doc.add_map(self.entries, span)
    }
}
