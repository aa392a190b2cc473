//! Mapping offsets inside a string's *value* back to bytes in the *source*.
//!
//! Expressions are parsed from the value of a YAML string, but diagnostics must point at the
//! exact characters in the file. For a one-line scalar without escapes the mapping is a plain
//! shift; for block scalars (indentation removed), folded lines and escapes it is an
//! alignment: walk the value and the source together, letting the source skip indentation,
//! quotes, escape sequences and line breaks. The walk looks only a short window ahead, so a
//! character that does not appear literally (an escape such as `\u00e9`) costs nothing and
//! does not derail the rest.
//!
//! A DSL expression written bare where a template is expected ([`ScalarStyle::Bare`]) has
//! a value that is its source text wrapped in `{{ ` and ` }}`: the wrapper maps to the ends
//! of the text, and the text itself maps one to one.

use pipec_diagnostics::Span;

use crate::node::ScalarStyle;

/// How far ahead in the source the alignment looks for the next value character.
const WINDOW: usize = 48;

/// Maps ranges of one scalar's value to file spans. Build it once per string, then map
/// every expression span of that string through it.
#[derive(Debug, Clone, Copy)]
pub struct ScalarMapper<'a> {
    file: pipec_diagnostics::FileId,
    base: usize,
    body: &'a [u8],
    value: &'a [u8],
    /// Bytes at the start of the value that are not in the source (the `{{ ` of a bare
    /// expression).
    synthetic: usize,
    verbatim: bool,
    fallback: Span,
}

impl<'a> ScalarMapper<'a> {
    /// A mapper for the string `value` held by a scalar node spanning `node_span` in
    /// `source` (the whole file's text).
    #[must_use]
    pub fn new(
        source: &'a str,
        node_span: Span,
        style: ScalarStyle,
        value: &'a str,
    ) -> ScalarMapper<'a> {
        let raw = source
            .get(node_span.start as usize..node_span.end as usize)
            .unwrap_or("");
        let body_offset = body_start(raw, style);
        let body = raw.get(body_offset..).unwrap_or("");
        let (value, synthetic) = match style {
            ScalarStyle::Bare => bare_inner(value),
            _ => (value, 0),
        };
        ScalarMapper {
            file: node_span.file,
            base: node_span.start as usize + body_offset,
            body: body.as_bytes(),
            value: value.as_bytes(),
            synthetic,
            verbatim: body.as_bytes().starts_with(value.as_bytes()),
            fallback: node_span,
        }
    }

    /// The file span of `value[range]`.
    #[must_use]
    pub fn map(&self, range: std::ops::Range<usize>) -> Span {
        let range =
            range.start.saturating_sub(self.synthetic)..range.end.saturating_sub(self.synthetic);
        if self.body.is_empty() && !self.value.is_empty() {
            return self.fallback;
        }
        let (start, end) = if self.verbatim {
            (
                range.start.min(self.value.len()),
                range.end.min(self.value.len()),
            )
        } else {
            let start = align(self.body, self.value, range.start);
            (start, align(self.body, self.value, range.end).max(start))
        };
        let at = |off: usize| u32::try_from(self.base + off).unwrap_or(self.fallback.end);
        Span::new(self.file, at(start), at(end))
    }
}

/// The source span of `value[range]` (a one-off [`ScalarMapper`]).
#[must_use]
pub fn value_range_to_span(
    source: &str,
    node_span: Span,
    style: ScalarStyle,
    value: &str,
    range: std::ops::Range<usize>,
) -> Span {
    ScalarMapper::new(source, node_span, style, value).map(range)
}

/// The source text of a bare expression's value `{{ text }}`, and the length of the
/// wrapper before it.
fn bare_inner(value: &str) -> (&str, usize) {
    match value
        .strip_prefix("{{ ")
        .and_then(|rest| rest.strip_suffix(" }}"))
    {
        Some(inner) => (inner, 3),
        None => (value, 0),
    }
}

/// Where the value's characters begin inside the raw scalar text.
fn body_start(raw: &str, style: ScalarStyle) -> usize {
    match style {
        ScalarStyle::Plain | ScalarStyle::Bare => 0,
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
        // A character not written literally (an escape) leaves the source position alone.
        if let Some(k) = body[j..window_end].iter().position(|&b| b == c) {
            j += k + 1;
        }
    }
    // Land on the next value character, skipping indentation or a line break before it.
    if let Some(&next) = value.get(target) {
        let window_end = (j + WINDOW).min(body.len());
        if let Some(k) = body[j..window_end].iter().position(|&b| b == next)
            && body[j..j + k].iter().all(u8::is_ascii_whitespace)
        {
            j += k;
        }
    }
    j.min(body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipec_diagnostics::FileId;

    fn span_text(src: &str, s: Span) -> &str {
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
    fn bare_expressions_map_through_their_wrapper() {
        let src = "step a = predict qa(q = steps.b.x == 'y')";
        let text = "steps.b.x == 'y'";
        let at = src.find(text).unwrap();
        let node = Span::new(FileId(0), at as u32, (at + text.len()) as u32);
        let value = format!("{{{{ {text} }}}}");
        let mapper = ScalarMapper::new(src, node, ScalarStyle::Bare, &value);
        let x = value.find('x').unwrap();
        assert_eq!(span_text(src, mapper.map(x..x + 1)), "x");
        let quote = value.find('\'').unwrap();
        assert_eq!(span_text(src, mapper.map(quote..quote + 3)), "'y'");
        assert_eq!(span_text(src, mapper.map(0..value.len())), text);
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
