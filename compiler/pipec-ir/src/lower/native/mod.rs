//! Lowering of the native format (`pipec: 1`, YAML or JSON) into the IR, with structure
//! diagnostics: unknown keys with "did you mean" (P0101), missing keys (P0103), wrong kinds
//! (P0104), duplicate ids (P0105), unknown step kinds (P0106), invalid values (P0107), the
//! format version (P0111), empty step lists (P0112), signature strings (P0113), type strings
//! (P0114) and duplicate names (P0117).
//!
//! The format is documented for users in `docs/native-format.md`; the key tables in
//! `keys` are the single source of truth for its keys, which the JSON Schema of
//! [`crate::surface`] is tested against. Declarations are read before steps, and type names
//! before any type string, so order in the file does not matter.

mod bindings;
mod calls;
mod compose;
mod config;
mod control;
mod decls;
mod demos;
mod fields;
pub(crate) mod keys;
mod names;
mod signature;
mod steps;
mod transform;
mod types;
mod values;

#[cfg(test)]
mod tests;

use pipec_diagnostics::{Code, Diagnostic, Span};
use pipec_syntax::{MapRef, NodeKind};

pub(crate) use self::steps::Kind;

use self::names::Seen;
use self::steps::{Scope, step_list};
use super::{Ctx, KeyPolicy};
use crate::ir::{Dialect, Name, Pipeline};

/// Lower a native pipeline. Returns `None` only for a format version pipec does not know:
/// reading such a file by version 1's rules would report errors that are not there.
pub fn lower(ctx: &mut Ctx<'_>, root: MapRef<'_>) -> Option<Pipeline> {
    if !version(ctx, root) {
        return None;
    }
    Some(lower_pipeline(ctx, root, None))
}

/// Check `pipec:`; `false` when the file must not be read as version 1.
fn version(ctx: &mut Ctx<'_>, map: MapRef<'_>) -> bool {
    let Some(node) = map.get("pipec") else {
        return true;
    };
    let (readable, label, help) = match node.kind() {
        NodeKind::Int(1) => return true,
        // Version 1 written as text or a float: the intent is clear, so read on.
        NodeKind::Str(text, _) if text.trim() == "1" => (
            true,
            "this is a string".to_owned(),
            "write the version as a number: `pipec: 1`",
        ),
        NodeKind::Float(1.0) => (
            true,
            "this is a float".to_owned(),
            "write the version as a whole number: `pipec: 1`",
        ),
        NodeKind::Int(n) => (
            false,
            format!("version {n} is not supported"),
            "pipec reads version 1 of the native format; write `pipec: 1`",
        ),
        _ => (
            false,
            format!("expected the number 1, found {}", node.kind_name()),
            "start a native pipeline with `pipec: 1`",
        ),
    };
    ctx.push(
        Diagnostic::new(
            Code::P0111,
            node.span(),
            "unsupported native format version",
        )
        .with_primary_label(label)
        .with_help(help),
    );
    readable
}

/// Lower a native pipeline mapping: the file's root, or the inline `pipeline:` of the step
/// `step` (which may omit `pipec` and `name`; the name defaults to the step id). An inline
/// pipeline is self-contained: it sees only its own types, signatures, models and defaults.
pub(crate) fn lower_pipeline(ctx: &mut Ctx<'_>, map: MapRef<'_>, step: Option<&Name>) -> Pipeline {
    let context = match step {
        None => "the pipeline".to_owned(),
        Some(id) => format!("the inline pipeline of step `{}`", id.text),
    };
    ctx.check_keys(map, keys::ROOT, KeyPolicy::Error, &context);
    if step.is_some() {
        version(ctx, map);
    }
    let name = match (map.get("name"), step) {
        (Some(node), _) => ctx.name(node, "`name`"),
        (None, Some(id)) => Some(id.clone()),
        (None, None) => {
            ctx.require(map, "name", &context, map.span());
            None
        }
    };
    let name = name.unwrap_or_else(|| {
        Name::new(
            String::new(),
            Span::new(ctx.file, map.span().start, map.span().start),
        )
    });
    let description = map
        .get("description")
        .and_then(|n| ctx.str(n, "`description`"))
        .map(str::to_owned);

    let type_scope = decls::declared_types(map.get("types"));
    let types = map
        .get("types")
        .map(|n| decls::type_defs(ctx, n, &type_scope))
        .unwrap_or_default();
    let inputs = map
        .get("inputs")
        .map(|n| decls::inputs(ctx, n, &type_scope))
        .unwrap_or_default();
    let outputs = map
        .get("outputs")
        .map(|n| decls::outputs(ctx, n, &type_scope))
        .unwrap_or_default();
    let signatures = map
        .get("signatures")
        .map(|n| decls::signatures(ctx, n, &type_scope))
        .unwrap_or_default();
    let models = map
        .get("models")
        .map(|n| config::models(ctx, n))
        .unwrap_or_default();
    let limits = map
        .get("limits")
        .map(|n| config::limits(ctx, n))
        .unwrap_or_default();
    let eval = map
        .get("eval")
        .and_then(|n| config::eval(ctx, n, &outputs, &models));
    let defaults = map
        .get("defaults")
        .map(|n| config::defaults(ctx, n))
        .unwrap_or_default();

    let mut scope = Scope {
        types: type_scope,
        defaults,
        ids: Seen::new(),
    };
    let steps = match ctx.require(map, "steps", &context, map.span()) {
        Some(node) => step_list(ctx, node, &mut scope, &|| context.clone()),
        None => Vec::new(),
    };
    Pipeline {
        file: ctx.file,
        dialect: Dialect::Native,
        name,
        description,
        inputs,
        outputs,
        types,
        signatures,
        models,
        limits,
        eval,
        globals: Vec::new(),
        steps,
        span: map.span(),
    }
}
