//! Small readers shared by the pipeline_ex lowering, on top of [`Ctx`]: pipeline_ex's notion
//! of "missing" (an absent key *or* a null value, since the loader tests `is_nil`), key
//! checks with hand-written hints for typos too far for "did you mean", documented-only keys
//! (P0109), values pipeline_ex silently replaces (P0110), and values rendered as templates
//! whatever their YAML kind.

use pipec_diagnostics::{Code, Diagnostic, Span, did_you_mean_help};
use pipec_syntax::expr::{Template, TemplatePart};
use pipec_syntax::{MapRef, NodeKind, NodeRef};

use crate::ir::TemplateValue;
use crate::lower::ctx::quote_list;
use crate::lower::{Ctx, KeyPolicy};

/// The value of `key`, unless it is absent or null.
pub(super) fn present<'d>(map: MapRef<'d>, key: &str) -> Option<NodeRef<'d>> {
    map.get(key).filter(|v| !v.is_null())
}

/// The value of a required key; P0103 at `at` when it is absent, at the value when null.
pub(super) fn required<'d>(
    ctx: &mut Ctx<'_>,
    map: MapRef<'d>,
    key: &str,
    context: &str,
    at: Span,
) -> Option<NodeRef<'d>> {
    match map.get(key) {
        Some(value) if !value.is_null() => Some(value),
        Some(value) => {
            ctx.push(
                Diagnostic::new(
                    Code::P0103,
                    value.span(),
                    format!("{context} is missing `{key}`"),
                )
                .with_primary_label(format!("`{key}` has no value")),
            );
            None
        }
        None => ctx.require(map, key, context, at),
    }
}

/// Where to point a "missing key" error for a mapping: its first key, so the label sits on
/// one line instead of covering the whole block.
pub(super) fn head_span(map: MapRef<'_>) -> Span {
    map.entries().next().map_or(map.span(), |(k, _)| k.span())
}

/// [`Ctx::check_keys`] with a warning policy, plus specific help for keys listed in
/// `hints` (reported as P0102 with that help instead of a distance-based suggestion).
pub(super) fn check_keys(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    known: &[&str],
    hints: &[(&str, &str)],
    context: &str,
) {
    let mut all: Vec<&str> = known.to_vec();
    all.extend(hints.iter().map(|(k, _)| *k).filter(|k| !known.contains(k)));
    ctx.check_keys(map, &all, KeyPolicy::Warn, context);
    for (key, help) in hints {
        if known.contains(key) {
            continue;
        }
        if let Some((k, _)) = map.entry(key) {
            ctx.push(
                Diagnostic::new(
                    Code::P0102,
                    k.span(),
                    format!("key `{key}` in {context} is ignored by pipeline_ex"),
                )
                .with_primary_label("pipeline_ex never reads this key")
                .with_help(*help),
            );
        }
    }
}

/// P0109 for each documented-only key of `table` present in `map`.
pub(super) fn documented_only(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    table: &[(&str, &str)],
    context: &str,
) {
    for (key, why) in table {
        if let Some((k, _)) = map.entry(key) {
            ctx.push(
                Diagnostic::new(
                    Code::P0109,
                    k.span(),
                    format!("pipeline_ex documents `{key}` in {context} but never reads it"),
                )
                .with_primary_label("has no effect")
                .with_help(*why),
            );
        }
    }
}

/// A value pipeline_ex accepts but does not recognise, and silently replaces by a default:
/// P0110 with a suggestion. Returns whether the value is one of `allowed`.
pub(super) fn soft_one_of(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    what: &str,
    allowed: &[&str],
    fallback: &str,
) -> bool {
    let Some(text) = node.scalar_text() else {
        ctx.push(
            Diagnostic::new(
                Code::P0110,
                node.span(),
                format!("{what} should be one of {}", quote_list(allowed)),
            )
            .with_primary_label(format!("found {}", node.kind_name()))
            .with_note(fallback.to_owned()),
        );
        return false;
    };
    if allowed.contains(&text.as_ref()) {
        return true;
    }
    let help = did_you_mean_help(&text, allowed)
        .unwrap_or_else(|| format!("expected one of {}", quote_list(allowed)));
    ctx.push(
        Diagnostic::new(
            Code::P0110,
            node.span(),
            format!("pipeline_ex does not recognise {what} `{text}`"),
        )
        .with_primary_label(format!("not a known {what}"))
        .with_note(fallback.to_owned())
        .with_help(help),
    );
    false
}

/// A positive whole number, or P0104/P0107.
pub(super) fn positive(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str) -> Option<u64> {
    let value = ctx.count(node, what)?;
    if value == 0 {
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                node.span(),
                format!("{what} must be at least 1"),
            )
            .with_primary_label("0 is not allowed here"),
        );
        return None;
    }
    Some(value)
}

/// A list of strings (tool names, conditions), or P0104.
pub(super) fn string_list(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str) {
    if let Some(items) = ctx.seq(node, what) {
        for item in items {
            ctx.name(item, &format!("an item of {what}"));
        }
    }
}

/// Any value as a template: scalars through [`Ctx::template`], null as empty text, and
/// collections rendered as JSON text whose string leaves keep their `{{ }}` holes (with
/// file spans), so references inside a structured value are still seen by later passes.
pub(super) fn value_template(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    what: &str,
) -> Option<TemplateValue> {
    match node.kind() {
        NodeKind::Str(..) | NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => {
            ctx.template(node, what)
        }
        NodeKind::Null => Some(TemplateValue {
            template: Template::default(),
            span: node.span(),
        }),
        NodeKind::Seq(_) | NodeKind::Map(_) => {
            let mut parts = Vec::new();
            render_json(ctx, node, what, &mut parts);
            Some(TemplateValue {
                template: Template {
                    parts: merge_text(parts),
                },
                span: node.span(),
            })
        }
    }
}

/// Collections nest at most as deep as the YAML depth limit allows, so the recursion is
/// bounded by the front-end.
fn render_json(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str, out: &mut Vec<TemplatePart>) {
    let text = |out: &mut Vec<TemplatePart>, s: &str| out.push(TemplatePart::Text(s.to_owned()));
    match node.kind() {
        NodeKind::Null => text(out, "null"),
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => {
            text(
                out,
                &node
                    .scalar_text()
                    .map(|t| t.into_owned())
                    .unwrap_or_default(),
            );
        }
        NodeKind::Str(..) => {
            text(out, "\"");
            if let Some(value) = ctx.template(node, what) {
                for part in value.template.parts {
                    match part {
                        TemplatePart::Text(t) => out.push(TemplatePart::Text(json_escape(&t))),
                        other => out.push(other),
                    }
                }
            }
            text(out, "\"");
        }
        NodeKind::Seq(_) => {
            text(out, "[");
            for (i, item) in node.as_seq().into_iter().flatten().enumerate() {
                if i > 0 {
                    text(out, ", ");
                }
                render_json(ctx, item, what, out);
            }
            text(out, "]");
        }
        NodeKind::Map(_) => {
            text(out, "{");
            for (i, (k, v)) in node
                .as_map()
                .into_iter()
                .flat_map(MapRef::entries)
                .enumerate()
            {
                if i > 0 {
                    text(out, ", ");
                }
                let key = k.scalar_text().map(|t| t.into_owned()).unwrap_or_default();
                text(out, &format!("\"{}\": ", json_escape(&key)));
                render_json(ctx, v, what, out);
            }
            text(out, "}");
        }
    }
}

fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or("")
        .to_owned()
}

/// Adjacent text parts merged, as [`Template`] promises.
fn merge_text(parts: Vec<TemplatePart>) -> Vec<TemplatePart> {
    let mut out: Vec<TemplatePart> = Vec::with_capacity(parts.len());
    for part in parts {
        match (out.last_mut(), part) {
            (Some(TemplatePart::Text(prev)), TemplatePart::Text(t)) => prev.push_str(&t),
            (_, part) => out.push(part),
        }
    }
    out
}
