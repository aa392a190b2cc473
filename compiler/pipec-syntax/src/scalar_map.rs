//! Mapping offsets inside a string's *value* back to bytes in the *source*.
//!
//! Expressions are parsed from the value of a YAML string, but diagnostics must point at the
//! exact characters in the file. For a one-line scalar without escapes the mapping is a plain
//! shift; for block scalars (indentation removed), folded lines and escapes it is an
//! alignment: walk the value and the source together, letting the source skip indentation,
//! quotes, escape sequences and line breaks. The walk looks only a short window ahead, so a
//! character that does not appear literally (an escape such as `\u00e9`) costs nothing and
//! does not derail the rest.

use pipec_diagnostics::Span;

use crate::node::ScalarStyle;

/// How far ahead in the source the alignment looks for the next value character.
const WINDOW: usize = 48;

/// The source span of `value[range]`, where `value` is the string held by a scalar whose
/// node spans `node_span` in `source` (the whole file's text).
#[must_use]
pub fn value_range_to_span(
    source: &str,
    node_span: Span,
    style: ScalarStyle,
    value: &str,
    range: std::ops::Range<usize>,
) -> Span {
    let Some(raw) = source.get(node_span.start as usize..node_span.end as usize) else {
        return node_span;
    };
    let body_offset = body_start(raw, style);
    let body = &raw[body_offset..];
    let base = node_span.start as usize + body_offset;
    let to_span = |s: usize, e: usize| {
        Span::new(
            node_span.file,
            u32::try_from(base + s).unwrap_or(node_span.end),
            u32::try_from(base + e).unwrap_or(node_span.end),
        )
    };
    // Fast path: the value is written verbatim at the start of the body.
    if body.starts_with(value) {
        return to_span(range.start.min(value.len()), range.end.min(value.len()));
    }
    let start = align(body.as_bytes(), value.as_bytes(), range.start);
    let end = align(body.as_bytes(), value.as_bytes(), range.end).max(start);
    to_span(start, end)
}

/// Where the value's characters begin inside the raw scalar text.
fn body_start(raw: &str, style: ScalarStyle) -> usize {
    match style {
        ScalarStyle::Plain => 0,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            usize::from(raw.starts_with(['\'', '"']))
        }
        // Skip the `|`/`>` header line.
        ScalarStyle::Literal | ScalarStyle::Folded => raw.find('\n').map_or(raw.len(), |i| i + 1),
    }
}

/// The body offset aligned with value offset `target`.
fn align(body: &[u8], value: &[u8], target: usize) -> usize {
    let mut j = 0usize;
    for &c in value.iter().take(target) {
        let window_end = (j + WINDOW).min(body.len());
        match body[j..window_end].iter().position(|&b| b == c) {
            Some(k) => j += k + 1,
            // Not written literally (an escape): stay put.
            None => {}
        }
    }
    // Land on the next value character, skipping indentation or a line break before it.
    if let Some(&next) = value.get(target) {
        let window_end = (j + WINDOW).min(body.len());
        if let Some(k) = body[j..window_end].iter().position(|&b| b == next) {
            if body[j..j + k].iter().all(|b| b.is_ascii_whitespace()) {
                j += k;
            }
        }
    }
    j.min(body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipec_diagnostics::FileId;

    fn span_text<'a>(src: &'a str, s: Span) -> &'a str {
        &src[s.start as usize..s.end as usize]
    }

    #[test]
    fn plain_and_quoted_shift() {
        let src = r#"k: "a {{ x }}""#;
        let node = Span::new(FileId(0), 3, src.len() as u32);
        let s = value_range_to_span(src, node, ScalarStyle::DoubleQuoted, "a {{ x }}", 5..6);
        assert_eq!(span_text(src, s), "x");
    }

    #[test]
    fn literal_block_skips_indentation() {
        let src = "k: |\n  line one\n  see {{ steps.a }}\n";
        let node = Span::new(FileId(0), 3, src.len() as u32);
        let value = "line one\nsee {{ steps.a }}\n";
        let at = value.find("steps").unwrap();
        let s = value_range_to_span(src, node, ScalarStyle::Literal, value, at..at + 7);
        assert_eq!(span_text(src, s), "steps.a");
    }

    #[test]
    fn escapes_do_not_derail() {
        let src = r#"k: "\u00e9 {{ y }}""#;
        let node = Span::new(FileId(0), 3, src.len() as u32);
        let value = "é {{ y }}";
        let at = value.find('y').unwrap();
        let s = value_range_to_span(src, node, ScalarStyle::DoubleQuoted, value, at..at + 1);
        assert_eq!(span_text(src, s), "y");
    }
}
