//! Building a [`Document`] by hand, for front-ends that are not YAML or JSON.
//!
//! The pipec DSL desugars into the same spanned tree the YAML and JSON front-ends build, so
//! the native lowering (and every diagnostic it reports) serves all three. The builder is
//! the only way to mint nodes from outside this crate: ids stay valid because nodes are only
//! ever appended.

use crate::node::{Document, Entry, NodeId, NodeKind, ScalarStyle};
use pipec_diagnostics::{FileId, Span};

impl Document {
    /// An empty document for `file`; its root is a null node at offset 0 until
    /// [`Document::set_root`] is called.
    #[must_use]
    pub fn new(file: FileId) -> Document {
        let mut doc = Document::empty(file, 0);
        let root = doc.push_scalar(NodeKind::Null, Span::new(file, 0, 0));
        doc.set_root(root);
        doc
    }

    /// Make `id` the root.
    pub fn set_root(&mut self, id: NodeId) {
        self.root = id;
    }

    /// Append a null scalar.
    pub fn add_null(&mut self, span: Span) -> NodeId {
        self.push_scalar(NodeKind::Null, span)
    }

    /// Append a boolean scalar.
    pub fn add_bool(&mut self, value: bool, span: Span) -> NodeId {
        self.push_scalar(NodeKind::Bool(value), span)
    }

    /// Append an integer scalar.
    pub fn add_int(&mut self, value: i64, span: Span) -> NodeId {
        self.push_scalar(NodeKind::Int(value), span)
    }

    /// Append a float scalar.
    pub fn add_float(&mut self, value: f64, span: Span) -> NodeId {
        self.push_scalar(NodeKind::Float(value), span)
    }

    /// Append a string scalar. `style` tells [`crate::ScalarMapper`] how offsets inside the
    /// value map back to the source text under `span`.
    pub fn add_str(&mut self, value: &str, style: ScalarStyle, span: Span) -> NodeId {
        self.push_scalar(NodeKind::Str(value, style), span)
    }

    /// Append a sequence of already-added nodes.
    pub fn add_seq(&mut self, items: Vec<NodeId>, span: Span) -> NodeId {
        self.push_seq(&items, span)
    }

    /// Append a mapping of already-added nodes, in order. Keys should be string scalars and
    /// distinct: lowering looks each key up by its text and takes the first.
    pub fn add_map(&mut self, entries: Vec<Entry>, span: Span) -> NodeId {
        self.push_map(&entries, span)
    }
}
