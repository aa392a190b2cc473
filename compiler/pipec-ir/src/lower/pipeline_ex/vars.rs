//! Value steps: set_variable (ref §2; `variables` map, `scope`) and test_echo (`value`).
//! Values may be any YAML value; non-strings become text templates (collections as JSON
//! text, keeping the `{{ }}` holes of their strings). The singular `variable:`/`value:` form
//! seen in examples/performance_demo.yaml is read by nothing, so the step sets nothing: P0110.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeKind, NodeRef};

use super::keys::SCOPES;
use super::read::{present, value_template};
use super::steps::{Lowered, StepInfo};
use crate::ir::{Binding, StepKind};
use crate::lower::Ctx;

/// set_variable: `variables` → [`StepKind::Set`].
pub(super) fn lower_set_variable(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    info: StepInfo<'_>,
) -> Lowered {
    let mut vars = Vec::new();
    if let Some(node) = present(map, "variables")
        && let Some(variables) = ctx.map(node, "`variables`")
    {
        for (key, value) in variables.entries() {
            let Some(name) = ctx.name(key, "a variable name") else {
                continue;
            };
            if let Some(value) = value_template(ctx, value, "a variable value") {
                vars.push(Binding { name, value });
            }
        }
    }
    if let Some(scope) = present(map, "scope") {
        ctx.one_of(scope, "variable scope", SCOPES);
    }

    let singular = map.entry("variable").or_else(|| map.entry("value"));
    if let Some((key, _)) = singular {
        let name = map
            .get("variable")
            .and_then(|n| n.scalar_text())
            .map_or_else(|| "NAME".to_owned(), |t| t.into_owned());
        let value = map
            .get("value")
            .map_or_else(|| "VALUE".to_owned(), short_value);
        let mut diagnostic = Diagnostic::new(
            Code::P0110,
            key.span(),
            format!(
                "{} uses the singular `variable:`/`value:` form",
                info.context
            ),
        )
        .with_primary_label("set_variable reads only `variables`, so this step sets nothing")
        .with_help(format!("write `variables: {{{name}: {value}}}`"));
        if let Some((value_key, _)) = map.entry("value").filter(|(k, _)| k.span() != key.span()) {
            diagnostic = diagnostic.with_label(value_key.span(), "ignored too");
        }
        ctx.push(diagnostic);
    } else if !map.contains("variables") {
        ctx.push(
            Diagnostic::new(
                Code::P0110,
                info.at,
                format!("{} sets no variable", info.context),
            )
            .with_primary_label("a set_variable step without `variables` does nothing")
            .with_help("add `variables: {NAME: VALUE}`"),
        );
    }
    Lowered::kind(StepKind::Set { vars })
}

/// A short YAML rendering of a value for a help text, built from the node rather than the
/// source so comments and layout do not leak in; "VALUE" when it would not fit on a line.
fn short_value(node: NodeRef<'_>) -> String {
    match node.kind() {
        NodeKind::Null => "null".to_owned(),
        NodeKind::Str(s, _) if s.len() <= 60 && !s.contains('\n') => {
            serde_json::to_string(s).unwrap_or_else(|_| "VALUE".to_owned())
        }
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => node
            .scalar_text()
            .map_or_else(|| "VALUE".to_owned(), |t| t.into_owned()),
        NodeKind::Seq([]) => "[]".to_owned(),
        NodeKind::Map([]) => "{}".to_owned(),
        _ => "VALUE".to_owned(),
    }
}

/// test_echo: `value` (any) → [`StepKind::Echo`]; `fail` and `error_message` are test hooks.
pub(super) fn lower_echo(ctx: &mut Ctx<'_>, map: MapRef<'_>) -> Lowered {
    let value = present(map, "value").and_then(|v| value_template(ctx, v, "`value`"));
    if let Some(fail) = present(map, "fail") {
        ctx.bool(fail, "`fail`");
    }
    if let Some(message) = present(map, "error_message") {
        ctx.template(message, "`error_message`");
    }
    Lowered::kind(StepKind::Echo { value })
}
