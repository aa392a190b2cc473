//! The comments of a YAML file, for `pipec convert --to pipe`: the YAML `Document` keeps
//! none, so they are found in the text, as the spans of `# ...` (to the end of the line)
//! that start a line or follow a blank and lie outside every scalar of the document (a `#`
//! inside a quoted string or a block scalar is text, not a comment). The printer writes each
//! as `// ...` before the statement whose node follows it, or at the end of the line of the
//! statement it follows on the same line.

use pipec_diagnostics::Span;

use crate::dsl::ast::Comment;
use crate::node::{Document, NodeKind, NodeRef};

/// Every comment of `text`, the YAML source of `doc`, in order.
#[must_use]
pub fn yaml_comments(text: &str, doc: &Document) -> Vec<Comment> {
    let mut scalars = Vec::new();
    collect_scalars(doc.root(), &mut scalars, 0);
    // A block scalar's text starts on the line after its `|` or `>` header, which may end
    // with a comment.
    for span in &mut scalars {
        let at = span.start as usize;
        if matches!(text.as_bytes().get(at), Some(b'|' | b'>'))
            && let Some(newline) = text[at..].find('\n')
        {
            span.start = u32::try_from(at + newline)
                .unwrap_or(span.start)
                .min(span.end);
        }
    }
    scalars.sort_by_key(|s| s.start);
    let inside = |pos: u32| {
        // The last scalar starting at or before `pos`; scalars do not overlap.
        let i = scalars.partition_point(|s| s.start <= pos);
        i > 0 && scalars[i - 1].end > pos
    };
    let file = doc.file();
    let mut out = Vec::new();
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let pos = u32::try_from(line_start + i).unwrap_or(u32::MAX);
            if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) && !inside(pos) {
                let end = line_start + line.trim_end().len();
                let end = u32::try_from(end).unwrap_or(u32::MAX);
                out.push(Comment {
                    span: Span::new(file, pos, end),
                    doc: false,
                });
                break;
            }
        }
        line_start += line.len();
    }
    out
}

/// The spans of every scalar (keys included), with a depth bound for aliases' sake.
fn collect_scalars(node: NodeRef<'_>, out: &mut Vec<Span>, depth: usize) {
    if depth > crate::limits::MAX_DEPTH {
        return;
    }
    match node.kind() {
        NodeKind::Seq(_) => {
            for item in node.as_seq().into_iter().flatten() {
                collect_scalars(item, out, depth + 1);
            }
        }
        NodeKind::Map(_) => {
            for (key, value) in node.as_map().into_iter().flat_map(|m| m.entries()) {
                collect_scalars(key, out, depth + 1);
                collect_scalars(value, out, depth + 1);
            }
        }
        _ => out.push(node.span()),
    }
}
