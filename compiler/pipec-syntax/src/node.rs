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

/// What a node holds: a borrowed view into its [`Document`]. Scalars are resolved with the
/// YAML 1.2 core schema; quoted scalars are always strings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NodeKind<'a> {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string and how it was written.
    Str(&'a str, ScalarStyle),
    /// A sequence.
    Seq(&'a [NodeId]),
    /// A mapping, in source order. Duplicate keys were reported and dropped by the parser.
    Map(&'a [Entry]),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The key node (a scalar in every document pipec accepts).
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
}

/// How a node is stored. Strings, sequence items and mapping entries live in three pools
/// of the document, so building a tree costs a few large allocations instead of one per
/// node (the tree was a third of the check's time before).
#[derive(Debug, Clone, Copy)]
enum Stored {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str {
        at: u32,
        len: u32,
        style: ScalarStyle,
    },
    Seq {
        at: u32,
        len: u32,
    },
    Map {
        at: u32,
        len: u32,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct NodeData {
    stored: Stored,
    pub(crate) span: Span,
}

/// A parsed file.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) file: FileId,
    pub(crate) nodes: Vec<NodeData>,
    pub(crate) root: NodeId,
    /// Every string scalar's value, back to back.
    strings: String,
    /// Every sequence's items, each sequence contiguous.
    items: Vec<NodeId>,
    /// Every mapping's entries, each mapping contiguous.
    entries: Vec<Entry>,
    /// [`key_hash`] of each entry's key text, parallel to `entries`: a key lookup compares
    /// these before it touches any key node.
    key_hashes: Vec<u32>,
}

/// A cheap hash of a key's text (FNV-1a): keys are short, and lookups only use it to skip
/// entries that cannot match.
#[must_use]
pub(crate) fn key_hash(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &byte in text.as_bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Converts a pool length to the `u32` positions nodes store. Pools are bounded by the file
/// size limit ([`crate::limits::MAX_FILE_BYTES`]), far below `u32::MAX`.
fn pos(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Document {
    /// An empty document for `file` whose root is not set yet (callers set it before the
    /// document leaves the crate).
    pub(crate) fn empty(file: FileId, expected_bytes: usize) -> Document {
        Document {
            file,
            // Capacity hints, so that the pools are not copied as they grow: about one node
            // per 8 bytes of YAML and one mapping entry per 16; string values never hold
            // more text than the file (escapes and indentation only shrink it).
            nodes: Vec::with_capacity(expected_bytes / 8),
            root: NodeId(0),
            strings: String::with_capacity(expected_bytes),
            items: Vec::with_capacity(expected_bytes / 64),
            entries: Vec::with_capacity(expected_bytes / 16),
            key_hashes: Vec::with_capacity(expected_bytes / 16),
        }
    }

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

    fn push(&mut self, stored: Stored, span: Span) -> NodeId {
        let id = NodeId(pos(self.nodes.len()));
        self.nodes.push(NodeData { stored, span });
        id
    }

    /// Append a scalar (a `Seq` or `Map` kind is stored as a collection of its items).
    pub(crate) fn push_scalar(&mut self, kind: NodeKind<'_>, span: Span) -> NodeId {
        let stored = match kind {
            NodeKind::Null => Stored::Null,
            NodeKind::Bool(b) => Stored::Bool(b),
            NodeKind::Int(i) => Stored::Int(i),
            NodeKind::Float(f) => Stored::Float(f),
            NodeKind::Str(text, style) => {
                let at = pos(self.strings.len());
                self.strings.push_str(text);
                Stored::Str {
                    at,
                    len: pos(text.len()),
                    style,
                }
            }
            NodeKind::Seq(items) => return self.push_seq(items, span),
            NodeKind::Map(entries) => return self.push_map(entries, span),
        };
        self.push(stored, span)
    }

    /// Append a sequence of already-pushed nodes.
    pub(crate) fn push_seq(&mut self, items: &[NodeId], span: Span) -> NodeId {
        let at = pos(self.items.len());
        self.items.extend_from_slice(items);
        self.push(
            Stored::Seq {
                at,
                len: pos(items.len()),
            },
            span,
        )
    }

    /// Append a mapping of already-pushed nodes, hashing each key.
    pub(crate) fn push_map(&mut self, entries: &[Entry], span: Span) -> NodeId {
        let hashes: Vec<u32> = entries.iter().map(|e| self.entry_key_hash(e.key)).collect();
        self.push_map_hashed(entries, &hashes, span)
    }

    /// Append a mapping whose key hashes ([`Document::entry_key_hash`]) the caller has
    /// already computed, in entry order.
    pub(crate) fn push_map_hashed(
        &mut self,
        entries: &[Entry],
        hashes: &[u32],
        span: Span,
    ) -> NodeId {
        let at = pos(self.entries.len());
        self.entries.extend_from_slice(entries);
        self.key_hashes.extend_from_slice(hashes);
        self.push(
            Stored::Map {
                at,
                len: pos(entries.len()),
            },
            span,
        )
    }

    /// The hash a mapping stores for a key node: of its text for a scalar (so `1:` is found
    /// by `"1"`), a fixed value for a collection key (never looked up by text).
    pub(crate) fn entry_key_hash(&self, key: NodeId) -> u32 {
        self.node(key)
            .scalar_text()
            .map_or(0, |text| key_hash(text.as_ref()))
    }

    fn data(&self, id: NodeId) -> &NodeData {
        // Ids are only minted by `push` on this document.
        &self.nodes[id.0 as usize]
    }

    /// Whether a key node's text is `key`, reading a string key in place.
    fn key_is(&self, id: NodeId, key: &str) -> bool {
        match self.data(id).stored {
            Stored::Str { at, len, .. } => {
                len as usize == key.len()
                    && self.strings.get(at as usize..(at + len) as usize) == Some(key)
            }
            Stored::Seq { .. } | Stored::Map { .. } => false,
            _ => self.node(id).scalar_text().as_deref() == Some(key),
        }
    }

    fn kind_of(&self, id: NodeId) -> NodeKind<'_> {
        match self.data(id).stored {
            Stored::Null => NodeKind::Null,
            Stored::Bool(b) => NodeKind::Bool(b),
            Stored::Int(i) => NodeKind::Int(i),
            Stored::Float(f) => NodeKind::Float(f),
            Stored::Str { at, len, style } => NodeKind::Str(
                self.strings
                    .get(at as usize..(at + len) as usize)
                    .unwrap_or_default(),
                style,
            ),
            Stored::Seq { at, len } => NodeKind::Seq(
                self.items
                    .get(at as usize..(at + len) as usize)
                    .unwrap_or_default(),
            ),
            Stored::Map { at, len } => NodeKind::Map(
                self.entries
                    .get(at as usize..(at + len) as usize)
                    .unwrap_or_default(),
            ),
        }
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
    pub fn kind(self) -> NodeKind<'a> {
        self.doc.kind_of(self.id)
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
            NodeKind::Str(_, style) => Some(style),
            _ => None,
        }
    }

    /// The integer value, if this is an integer.
    #[must_use]
    pub fn as_int(self) -> Option<i64> {
        match self.kind() {
            NodeKind::Int(i) => Some(i),
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
            NodeKind::Int(i) => Some(i as f64),
            NodeKind::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The boolean value, if this is a boolean.
    #[must_use]
    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            NodeKind::Bool(b) => Some(b),
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
        let doc = self.doc;
        let data = doc.data(self.id);
        match data.stored {
            Stored::Map { at, len } => {
                let range = at as usize..(at + len) as usize;
                Some(MapRef {
                    doc,
                    entries: doc.entries.get(range.clone()).unwrap_or_default(),
                    hashes: doc.key_hashes.get(range).unwrap_or_default(),
                    span: data.span,
                })
            }
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
    hashes: &'a [u32],
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
        // Lowering looks keys up constantly: compare the stored hashes (one contiguous
        // slice) and read a key's text only on a hash match.
        let doc = self.doc;
        let wanted = key_hash(key);
        for (hash, e) in self.hashes.iter().zip(self.entries) {
            if *hash == wanted && doc.key_is(e.key, key) {
                return Some((NodeRef { doc, id: e.key }, NodeRef { doc, id: e.value }));
            }
        }
        None
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
