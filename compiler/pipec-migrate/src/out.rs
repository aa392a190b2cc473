//! The migrated file as a small ordered value tree, turned into a [`Document`] at the end so
//! the shared emitters (`pipec_syntax::emit`) print it. Keys keep insertion order, which is
//! what makes the output byte-deterministic.

use pipec_diagnostics::{FileId, Span};
use pipec_syntax::{Document, Entry, NodeId, ScalarStyle};

/// One value of the output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// A sequence.
    Seq(Vec<Out>),
    /// A mapping, in order.
    Map(Vec<(String, Out)>),
}

impl Out {
    /// A string value.
    pub(crate) fn str(text: impl Into<String>) -> Out {
        Out::Str(text.into())
    }

    /// An unsigned count (saturated into `i64`).
    pub(crate) fn count(n: u64) -> Out {
        Out::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// Build a [`Document`] for `file`; every span is empty (the output has no source yet).
    pub(crate) fn into_document(self, file: FileId) -> Document {
        let mut doc = Document::new(file);
        let root = add(&mut doc, &self, Span::new(file, 0, 0));
        doc.set_root(root);
        doc
    }
}

/// An ordered mapping being built.
#[derive(Debug, Default)]
pub(crate) struct MapOut(pub Vec<(String, Out)>);

impl MapOut {
    /// Append `key: value`.
    pub(crate) fn put(&mut self, key: &str, value: Out) {
        self.0.push((key.to_owned(), value));
    }

    /// Append `key: value` when there is a value.
    pub(crate) fn put_opt(&mut self, key: &str, value: Option<Out>) {
        if let Some(value) = value {
            self.put(key, value);
        }
    }

    /// The mapping as a value.
    pub(crate) fn done(self) -> Out {
        Out::Map(self.0)
    }
}

/// The output tree is built by the migration, whose nesting follows the input document's
/// (bounded by the front-end's depth limit), so this recursion is bounded too.
fn add(doc: &mut Document, value: &Out, span: Span) -> NodeId {
    match value {
        Out::Str(s) => doc.add_str(s, ScalarStyle::DoubleQuoted, span),
        Out::Int(n) => doc.add_int(*n, span),
        Out::Float(x) => doc.add_float(*x, span),
        Out::Bool(b) => doc.add_bool(*b, span),
        Out::Null => doc.add_null(span),
        Out::Seq(items) => {
            let ids = items.iter().map(|item| add(doc, item, span)).collect();
            doc.add_seq(ids, span)
        }
        Out::Map(entries) => {
            let entries = entries
                .iter()
                .map(|(key, value)| {
                    let key = doc.add_str(key, ScalarStyle::Plain, span);
                    let value = add(doc, value, span);
                    Entry { key, value }
                })
                .collect();
            doc.add_map(entries, span)
        }
    }
}
