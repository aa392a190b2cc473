//! Where the source's comments go in emitted YAML (`pipec convert --to yaml`).
//!
//! A [`Document`] keeps no comments, so each comment of the source is tied to a node of the
//! document by position before emitting: a comment after code on the same source line
//! trails the last scalar (key or value) that ends before it on that line; any other comment
//! leads a mapping key or sequence item (an anchor): the one nearest after it in the source,
//! or the document's first when no anchor precedes the comment. The second rule is for
//! `.pipe` files, whose desugared document is not in source order: `pipec: 1` comes from
//! the `pipeline` line, after that line's doc comment, and a header comment belongs above
//! it. Anchors are source offsets, so the placement does not depend on the order the
//! emitter visits nodes in. The emitter takes each comment once; what no emitted node claims is written at the
//! end, so none is lost.

use std::collections::HashMap;

use pipec_diagnostics::Span;

use crate::node::{Document, NodeKind, NodeRef};

/// One comment to carry over: where it is in the source, and its text as YAML writes it
/// (`# ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceComment {
    /// Its span in the source the document was parsed from.
    pub span: Span,
    /// `# text`, ready to print.
    pub text: String,
}

/// A comment on its own line, before an anchor node.
#[derive(Debug, Clone)]
pub(super) struct Leading {
    pub text: String,
    /// A blank line separates it from what precedes it in the source.
    pub blank_before: bool,
}

/// The comments of one document, keyed by the source offsets of the nodes they belong to.
#[derive(Debug, Default)]
pub(super) struct Placed {
    /// By the start offset of the mapping key or sequence item they precede.
    leading: HashMap<u32, Vec<Leading>>,
    /// By the end offset of the scalar whose line they end.
    trailing: HashMap<u32, String>,
    /// Claimed by no node (written at the end), in source order.
    rest: Vec<Leading>,
}

impl Placed {
    /// Tie each of `comments` (sorted by position) to a node of `doc`, parsed from `src`.
    pub(super) fn new(doc: &Document, src: &str, comments: &[SourceComment]) -> Self {
        let mut emitted = Vec::new();
        let mut ends = Vec::new();
        collect(doc.root(), &mut emitted, &mut ends, 0);
        let first_emitted = emitted.first().copied();
        let mut anchors = emitted;
        anchors.sort_unstable();
        anchors.dedup();
        ends.sort_unstable();
        ends.dedup();
        let mut placed = Self::default();
        for comment in comments {
            let start = comment.span.start;
            let line_start = src[..(start as usize).min(src.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let own_line = src[line_start..start as usize].trim().is_empty();
            if !own_line {
                let i = ends.partition_point(|&e| e <= start);
                if let Some(&end) = i.checked_sub(1).and_then(|i| ends.get(i))
                    && (end as usize) >= line_start
                    && !placed.trailing.contains_key(&end)
                {
                    placed.trailing.insert(end, comment.text.clone());
                    continue;
                }
            }
            let leading = Leading {
                text: comment.text.clone(),
                blank_before: own_line && blank_line_before(src, line_start),
            };
            let before = anchors.partition_point(|&a| a < start);
            let anchor = if before == 0 {
                first_emitted
            } else {
                anchors.get(before).copied()
            };
            match anchor {
                Some(anchor) => placed.leading.entry(anchor).or_default().push(leading),
                None => placed.rest.push(leading),
            }
        }
        placed
    }

    /// The comments before the node starting at `pos` (each is returned once).
    pub(super) fn take_leading(&mut self, pos: u32) -> Vec<Leading> {
        self.leading.remove(&pos).unwrap_or_default()
    }

    /// The comment ending the line of the scalar ending at `pos` (returned once).
    pub(super) fn take_trailing(&mut self, pos: u32) -> Option<String> {
        self.trailing.remove(&pos)
    }

    /// Everything not taken yet, in source order, to write at the end.
    pub(super) fn take_rest(&mut self) -> Vec<Leading> {
        let mut left: Vec<(u32, Leading)> = self
            .leading
            .drain()
            .flat_map(|(pos, list)| list.into_iter().map(move |c| (pos, c)))
            .collect();
        left.extend(self.trailing.drain().map(|(pos, text)| {
            let leading = Leading {
                text,
                blank_before: false,
            };
            (pos, leading)
        }));
        left.sort_by_key(|(pos, _)| *pos);
        let mut out: Vec<Leading> = left.into_iter().map(|(_, c)| c).collect();
        out.append(&mut self.rest);
        out
    }
}

/// Whether the line before the one starting at `line_start` is blank (and exists).
fn blank_line_before(src: &str, line_start: usize) -> bool {
    if line_start == 0 {
        return false;
    }
    let before = &src[..line_start - 1];
    let previous = before.rfind('\n').map_or(before, |i| &before[i + 1..]);
    previous.trim().is_empty()
}

/// The start offsets of mapping keys and sequence items, and the end offsets of scalars
/// (keys included), with a depth bound for aliases' sake.
fn collect(node: NodeRef<'_>, anchors: &mut Vec<u32>, ends: &mut Vec<u32>, depth: usize) {
    if depth > crate::limits::MAX_DEPTH {
        return;
    }
    match node.kind() {
        NodeKind::Map(_) => {
            for (key, value) in node.as_map().into_iter().flat_map(|m| m.entries()) {
                anchors.push(key.span().start);
                ends.push(key.span().end);
                collect(value, anchors, ends, depth + 1);
            }
        }
        NodeKind::Seq(_) => {
            for item in node.as_seq().into_iter().flatten() {
                anchors.push(item.span().start);
                collect(item, anchors, ends, depth + 1);
            }
        }
        _ => ends.push(node.span().end),
    }
}
