//! Data sources: the strings a for_loop (`data_source`) and a data_transform
//! (`input_source`, join `right_source`) read their data from. pipeline_ex has two slightly
//! different grammars (ref §3, "Loop data sources"):
//!
//! - for_loop splits once on `:`: `STEP:field.path` (loop context first, then the step's
//!   result) or a bare `NAME` (a variable, else a step result). `previous_response:x` names
//!   a step literally called `previous_response`.
//! - data_transform splits on `:` up to three parts: `previous_response:STEP[:field.path]`,
//!   `context:field`, or a bare `NAME`; `STEP:field` matches nothing and yields no data.
//!
//! pipec reads the union (`previous_response:STEP[:|.]field.path`, `STEP:field.path`,
//! `context:field`, `NAME`) so that the intended reference is always checked, lowers it to a
//! path `[STEP, field, ...]` (the pipeline_ex condition convention: first segment = step
//! name or variable), and warns (P0201) where the step's own grammar reads it differently.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::expr::{Expr, ExprKind, Ident, Path, Segment};
use pipec_syntax::{NodeRef, ScalarMapper, ScalarStyle};

use crate::lower::Ctx;

/// Which step reads the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grammar {
    /// for_loop `data_source`.
    ForLoop,
    /// data_transform `input_source` / `right_source`.
    Transform,
}

/// A source string as a path expression with file spans, or P0104/P0107.
pub(super) fn lower_source(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    grammar: Grammar,
    what: &str,
) -> Option<Expr> {
    let text = ctx.str(node, what)?;
    let style = node.style().unwrap_or(ScalarStyle::Plain);
    let mapper = ScalarMapper::new(ctx.source, node.span(), style, text);
    let map = |r: std::ops::Range<usize>| {
        let s = mapper.map(r);
        s.start..s.end
    };

    if text.trim().is_empty() {
        ctx.push(
            Diagnostic::new(Code::P0107, node.span(), format!("{what} is empty"))
                .with_primary_label("expected a step or variable name")
                .with_help("write `STEP:field.path`, `previous_response:STEP` or a variable name"),
        );
        return None;
    }

    let parsed = parse(text);
    let Some(parsed) = parsed else {
        ctx.push(
            Diagnostic::new(Code::P0107, node.span(), format!("malformed {what} `{text}`"))
                .with_primary_label("a name or field is empty or contains `:`")
                .with_help("write `STEP:field.path`, `previous_response:STEP:field.path`, `context:field` or a variable name"),
        );
        return None;
    };

    if let Some((message, fix)) = grammar_mismatch(grammar, &parsed, text) {
        ctx.push(
            Diagnostic::new(Code::P0201, node.span(), message)
                .with_primary_label("pipeline_ex will not find this data")
                .with_help(format!("write `{fix}`")),
        );
    }

    let segments = parsed
        .segments
        .iter()
        .enumerate()
        .map(|(i, (name, range))| match name.parse::<i64>() {
            Ok(n) if i > 0 && name.bytes().all(|b| b.is_ascii_digit()) => {
                Segment::Index(n, map(range.clone()))
            }
            _ => Segment::Field(Ident {
                name: (*name).to_owned(),
                span: map(range.clone()),
            }),
        })
        .collect();
    let whole = map(0..text.len());
    Some(Expr {
        kind: ExprKind::Path(Path {
            segments,
            span: whole.clone(),
        }),
        span: whole,
    })
}

/// How a source string is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `previous_response:STEP:field.path` (or no field).
    PreviousColon,
    /// `previous_response:STEP.field.path`.
    PreviousDot,
    /// `context:field`.
    Context,
    /// `STEP:field.path`.
    StepColon,
    /// `NAME` or `NAME.field`.
    Bare,
}

/// The segments with their byte ranges in the string.
struct Parsed<'t> {
    form: Form,
    segments: Vec<(&'t str, std::ops::Range<usize>)>,
}

/// Split `text` into segments; `None` when a segment is empty or a name holds a stray `:`.
fn parse(text: &str) -> Option<Parsed<'_>> {
    const PREVIOUS: &str = "previous_response:";
    const CONTEXT: &str = "context:";
    let (form, offset, rest) = if let Some(rest) = text.strip_prefix(PREVIOUS) {
        let form = if rest.contains(':') || !rest.contains('.') {
            Form::PreviousColon
        } else {
            Form::PreviousDot
        };
        (form, PREVIOUS.len(), rest)
    } else if text.starts_with(CONTEXT) {
        // `context` stays the first segment.
        (Form::Context, 0, text)
    } else if text.contains(':') {
        (Form::StepColon, 0, text)
    } else {
        (Form::Bare, 0, text)
    };

    let mut segments = Vec::new();
    // Split the head (step name) from the field path: at the first `:` when there is one,
    // else at the first `.`.
    let (head, tail_at) = match rest.find(':') {
        Some(i) => (&rest[..i], Some(i + 1)),
        None => match (form, rest.find('.')) {
            (Form::PreviousDot | Form::Bare, Some(i)) => (&rest[..i], Some(i + 1)),
            _ => (rest, None),
        },
    };
    if head.trim().is_empty() {
        return None;
    }
    segments.push((head, offset..offset + head.len()));
    if let Some(start) = tail_at {
        let tail = &rest[start..];
        if tail.contains(':') {
            return None;
        }
        let mut at = offset + start;
        for field in tail.split('.') {
            if field.trim().is_empty() {
                return None;
            }
            segments.push((field, at..at + field.len()));
            at += field.len() + 1;
        }
    }
    Some(Parsed { form, segments })
}

/// A warning message and the rewrite pipeline_ex would understand, when the step's own
/// grammar reads `text` differently from what it plainly means.
fn grammar_mismatch(grammar: Grammar, parsed: &Parsed<'_>, text: &str) -> Option<(String, String)> {
    let names: Vec<&str> = parsed.segments.iter().map(|(n, _)| *n).collect();
    let (head, fields) = names.split_first()?;
    let field_path = fields.join(".");
    match (grammar, parsed.form) {
        (Grammar::ForLoop, Form::PreviousColon | Form::PreviousDot) => Some((
            "pipeline_ex's for_loop reads `previous_response:` as a step named `previous_response`"
                .to_owned(),
            if fields.is_empty() {
                (*head).to_owned()
            } else {
                format!("{head}:{field_path}")
            },
        )),
        (Grammar::ForLoop, Form::Bare) if !fields.is_empty() => Some((
            format!("pipeline_ex's for_loop reads `{text}` as one variable or step name"),
            format!("{head}:{field_path}"),
        )),
        (Grammar::Transform, Form::PreviousDot) => Some((
            format!("pipeline_ex's data_transform reads `{head}.{field_path}` as one step name"),
            format!("previous_response:{head}:{field_path}"),
        )),
        (Grammar::Transform, Form::StepColon) => Some((
            format!("pipeline_ex's data_transform does not understand `{text}`"),
            format!("previous_response:{head}:{field_path}"),
        )),
        (Grammar::Transform, Form::Bare) if !fields.is_empty() => Some((
            format!("pipeline_ex's data_transform reads `{text}` as one variable or step name"),
            format!("previous_response:{head}:{field_path}"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Segments = Vec<(String, std::ops::Range<usize>)>;

    fn names(text: &str) -> Option<(Form, Segments)> {
        parse(text).map(|p| {
            (
                p.form,
                p.segments
                    .into_iter()
                    .map(|(n, r)| (n.to_owned(), r))
                    .collect(),
            )
        })
    }

    #[test]
    fn forms() {
        let (form, segs) =
            names("previous_response:gen:large.items").unwrap_or((Form::Bare, vec![]));
        assert_eq!(form, Form::PreviousColon);
        assert_eq!(
            segs,
            vec![
                ("gen".into(), 18..21),
                ("large".into(), 22..27),
                ("items".into(), 28..33)
            ]
        );
        let (form, segs) = names("previous_response:gen.orders").unwrap_or((Form::Bare, vec![]));
        assert_eq!(form, Form::PreviousDot);
        assert_eq!(
            segs,
            vec![("gen".into(), 18..21), ("orders".into(), 22..28)]
        );
        let (form, segs) = names("context:x").unwrap_or((Form::Bare, vec![]));
        assert_eq!(form, Form::Context);
        assert_eq!(segs, vec![("context".into(), 0..7), ("x".into(), 8..9)]);
        let (form, segs) = names("step:a.b").unwrap_or((Form::Bare, vec![]));
        assert_eq!(form, Form::StepColon);
        assert_eq!(segs.len(), 3);
        let (form, segs) = names("items").unwrap_or((Form::StepColon, vec![]));
        assert_eq!(form, Form::Bare);
        assert_eq!(segs, vec![("items".into(), 0..5)]);
        assert!(names("a::b").is_none());
        assert!(names("a:b:c").is_none());
        assert!(names("a..b").is_none());
        assert!(names(":x").is_none());
        assert!(names("previous_response:").is_none());
    }
}
