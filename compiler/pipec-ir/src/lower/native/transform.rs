//! `transform` steps: an `input` value and a list of built-in data operations (`filter`,
//! `map`, `sort`, `take`, `unique`, `flatten`, `group_by`, `aggregate`, `join`, `pluck`),
//! each checked against the keys its operation takes.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeRef};

use super::keys::{AGGREGATES, OP_KEYS, OPS, ORDERS, TRANSFORM_OP};
use super::steps::missing;
use crate::ir::{Name, StepKind, TransformOp};
use crate::lower::ctx::quote_list;
use crate::lower::{Ctx, KeyPolicy};

/// Lower a `transform` step.
pub fn transform(ctx: &mut Ctx<'_>, map: MapRef<'_>, id: &Name) -> StepKind {
    let input = match map.get("input") {
        Some(node) => ctx.expr(node, "`input`"),
        None => {
            missing(
                ctx,
                map,
                "input",
                id,
                "give the value to transform, such as `input: steps.fetch.items`",
            );
            None
        }
    };
    let ops = match map.get("ops") {
        Some(node) => ctx
            .seq(node, "`ops`")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|n| op(ctx, n))
            .collect(),
        None => {
            missing(
                ctx,
                map,
                "ops",
                id,
                "list the operations, such as `ops: [{op: take, count: 10}]`",
            );
            Vec::new()
        }
    };
    StepKind::Transform {
        input,
        ops,
        output: None,
    }
}

/// One operation. Keys of other operations are P0101 (saying which operations take them),
/// missing required ones P0103.
fn op(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Option<TransformOp> {
    let map = ctx.map(node, "an operation")?;
    ctx.check_keys(map, TRANSFORM_OP, KeyPolicy::Error, "an operation");
    let Some(op_node) = map.get("op") else {
        ctx.push(
            Diagnostic::new(
                Code::P0103,
                crate::lower::ctx::header_span(map),
                "operation is missing `op`",
            )
            .with_primary_label("`op` is required here")
            .with_help(format!("name the operation: {}", quote_list(OPS))),
        );
        return None;
    };
    let operation = ctx.one_of(op_node, "operation", OPS)?;
    let (_, takes, required) = OP_KEYS
        .iter()
        .find(|(name, _, _)| *name == operation.text)?;
    check_op_keys(ctx, map, &operation.text, takes);
    for key in *required {
        if !map.contains(key) {
            ctx.push(
                Diagnostic::new(
                    Code::P0103,
                    crate::lower::ctx::header_span(map),
                    format!("`{}` operation is missing `{key}`", operation.text),
                )
                .with_primary_label(format!("`{key}` is required here")),
            );
        }
    }
    let condition = map.get("where").map(|n| ctx.condition(n, "`where`"));
    let field = map.get("field").and_then(|n| ctx.name(n, "`field`"));
    let source = map.get("source").and_then(|n| ctx.expr(n, "`source`"));
    let order = map
        .get("order")
        .and_then(|n| ctx.one_of(n, "sort order", ORDERS));
    let count = map.get("count").and_then(|n| ctx.count(n, "`count`"));
    let function = map
        .get("function")
        .and_then(|n| ctx.one_of(n, "aggregate function", AGGREGATES));
    Some(TransformOp {
        operation,
        field,
        condition,
        source,
        order,
        count,
        function,
    })
}

/// P0101 for keys of other operations.
fn check_op_keys(ctx: &mut Ctx<'_>, map: MapRef<'_>, op: &str, takes: &[&str]) {
    for (key, _) in map.entries() {
        let Some(text) = key.as_str() else { continue };
        if text == "op" || takes.contains(&text) || !TRANSFORM_OP.contains(&text) {
            continue;
        }
        let owners: Vec<&str> = OP_KEYS
            .iter()
            .filter(|(_, keys, _)| keys.contains(&text))
            .map(|(name, _, _)| *name)
            .collect();
        let takes_text = if takes.is_empty() {
            "nothing but `op`".to_owned()
        } else {
            quote_list(takes)
        };
        ctx.push(
            Diagnostic::new(
                Code::P0101,
                key.span(),
                format!("key `{text}` does not apply to `{op}` operations"),
            )
            .with_primary_label(format!("`{op}` takes {takes_text}"))
            .with_help(format!(
                "`{text}` is a key of {} operations",
                quote_list(&owners)
            )),
        );
    }
}
