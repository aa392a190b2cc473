//! The spanned document tree both front-ends produce.
//!
//! Nodes live in an arena and refer to each other by [`NodeId`]. A YAML alias is simply a
//! second reference to the anchored node, so an alias-heavy document costs no memory; the
//! expansion a later tree walk would pay is bounded at parse time
//! ([`crate::limits::MAX_ALIAS_EXPANSION`]).

use pipec_diagnostics::{FileId, Span};

/// Index of a node in its [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub(crate) u32);

/// How a string scalar was written; decides how offsets inside its value map back to the
/// source (see [`crate::value_range_to_span`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted YAML.
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."` (YAML or JSON).
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
    /// A DSL expression written bare where a template is expected (`code = inputs.code`):
    /// the value is the source text wrapped in `{{ ` and ` }}`.
    Bare,
}

/// What a node holds. Scalars are resolved with the YAML 1.2 core schema; quoted scalars are
/// always strings.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string and how it was written.
    Str(String, ScalarStyle),
    /// A sequence.
    Seq(Vec<NodeId>),
    /// A mapping, in source order. Duplicate keys were reported and dropped by the parser.
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The key node (a scalar in every document pipec accepts).
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
}

#[derive(Debug, Clone)]
pub(crate) struct NodeData {
    pub(crate) kind: NodeKind,
    pub(crate) span: Span,
}

/// A parsed file.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) file: FileId,
    pub(crate) nodes: Vec<NodeData>,
    pub(crate) root: NodeId,
}

impl Document {
    /// The file this document was read from.
    #[must_use]
    pub fn file(&self) -> FileId {
        self.file
    }

    /// The root node.
    #[must_use]
    pub fn root(&self) -> NodeRef<'_> {
        NodeRef {
            doc: self,
            id: self.root,
        }
    }

    /// A node by id.
    #[must_use]
    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }

    /// Number of nodes physically in the file.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(NodeData { kind, span });
        id
    }

    fn data(&self, id: NodeId) -> &NodeData {
        // Ids are only minted by `push` on this document.
        &self.nodes[id.0 as usize]
    }
}

/// A borrowed view of one node, with convenience accessors for lowering.
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl<'a> NodeRef<'a> {
    /// The node's id.
    #[must_use]
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The document it belongs to.
    #[must_use]
    pub fn document(self) -> &'a Document {
        self.doc
    }

    /// What it holds.
    #[must_use]
    pub fn kind(self) -> &'a NodeKind {
        &self.doc.data(self.id).kind
    }

    /// Where it is. For a string this covers the quotes or block indicator too.
    #[must_use]
    pub fn span(self) -> Span {
        self.doc.data(self.id).span
    }

    /// The string value, if this is a string scalar.
    #[must_use]
    pub fn as_str(self) -> Option<&'a str> {
        match self.kind() {
            NodeKind::Str(s, _) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text whatever its type (`42`, `true`, `x`), for places such as names
    /// where YAML's typing is an accident; `None` for collections and null.
    #[must_use]
    pub fn scalar_text(self) -> Option<std::borrow::Cow<'a, str>> {
        match self.kind() {
            NodeKind::Str(s, _) => Some(std::borrow::Cow::Borrowed(s)),
            NodeKind::Bool(b) => Some(b.to_string().into()),
            NodeKind::Int(i) => Some(i.to_string().into()),
            NodeKind::Float(f) => Some(f.to_string().into()),
            NodeKind::Null | NodeKind::Seq(_) | NodeKind::Map(_) => None,
        }
    }

    /// The style of a string scalar.
    #[must_use]
    pub fn style(self) -> Option<ScalarStyle> {
        match self.kind() {
            NodeKind::Str(_, style) => Some(*style),
            _ => None,
        }
    }

    /// The integer value, if this is an integer.
    #[must_use]
    pub fn as_int(self) -> Option<i64> {
        match self.kind() {
            NodeKind::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A number as `f64` (integers widen).
    #[must_use]
    pub fn as_f64(self) -> Option<f64> {
        match self.kind() {
            #[allow(
                clippy::cast_precision_loss,
                reason = "prices and limits are far below 2^52"
            )]
            NodeKind::Int(i) => Some(*i as f64),
            NodeKind::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The boolean value, if this is a boolean.
    #[must_use]
    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            NodeKind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether this is null.
    #[must_use]
    pub fn is_null(self) -> bool {
        matches!(self.kind(), NodeKind::Null)
    }

    /// A mapping view, if this is a mapping.
    #[must_use]
    pub fn as_map(self) -> Option<MapRef<'a>> {
        match self.kind() {
            NodeKind::Map(entries) => Some(MapRef {
                doc: self.doc,
                entries,
                span: self.span(),
            }),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    #[must_use]
    pub fn as_seq(self) -> Option<impl ExactSizeIterator<Item = NodeRef<'a>> + Clone + 'a> {
        match self.kind() {
            NodeKind::Seq(items) => {
                let doc = self.doc;
                Some(items.iter().map(move |&id| NodeRef { doc, id }))
            }
            _ => None,
        }
    }

    /// "a string", "a mapping", ... for "expected X, found Y" messages.
    #[must_use]
    pub fn kind_name(self) -> &'static str {
        match self.kind() {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(..) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// A borrowed view of a mapping.
#[derive(Debug, Clone, Copy)]
pub struct MapRef<'a> {
    doc: &'a Document,
    entries: &'a [Entry],
    span: Span,
}

impl<'a> MapRef<'a> {
    /// The span of the whole mapping.
    #[must_use]
    pub fn span(self) -> Span {
        self.span
    }

    /// `(key, value)` pairs in source order.
    pub fn entries(self) -> impl ExactSizeIterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        self.entries
            .iter()
            .map(move |e| (NodeRef { doc, id: e.key }, NodeRef { doc, id: e.value }))
    }

    /// The value for a string key.
    #[must_use]
    pub fn get(self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value nodes for a string key.
    #[must_use]
    pub fn entry(self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        // Lowering looks keys up constantly: compare string keys in place, and only render
        // the rare non-string key (`1:`, `true:`) as text.
        let doc = self.doc;
        self.entries
            .iter()
            .find(|e| match &doc.data(e.key).kind {
                NodeKind::Str(s, _) => s == key,
                NodeKind::Seq(_) | NodeKind::Map(_) => false,
                _ => doc.node(e.key).scalar_text().as_deref() == Some(key),
            })
            .map(|e| (NodeRef { doc, id: e.key }, NodeRef { doc, id: e.value }))
    }

    /// Whether the key is present.
    #[must_use]
    pub fn contains(self, key: &str) -> bool {
        self.entry(key).is_some()
    }

    /// Number of entries.
    #[must_use]
    pub fn len(self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.entries.is_empty()
    }
}
