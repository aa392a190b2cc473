//! data_transform (ref §2; lib/pipeline/step/data_transform.ex, data/transformer.ex): an
//! input source and a list of operations → [`StepKind::Transform`]. A filter's `condition`
//! is lowered with the condition reader so syntax problems are reported; note that its paths
//! name fields of each *item* (`status == 'completed'`), not steps. Unknown operations and
//! aggregate functions fail at run time (errors); an unknown sort order or output format is
//! silently replaced (warnings).

use pipec_syntax::{MapRef, NodeRef};

use super::keys::{
    AGGREGATE_FUNCTIONS, SORT_ORDERS, TRANSFORM_OPS, TRANSFORM_OUTPUT_FORMATS, transform_op_keys,
};
use super::read::{check_keys, head_span, present, required, soft_one_of};
use super::sources::{Grammar, lower_source};
use super::steps::{Lowered, StepInfo};
use crate::ir::{StepKind, TransformOp};
use crate::lower::Ctx;

/// data_transform → [`StepKind::Transform`].
pub(super) fn lower_transform(ctx: &mut Ctx<'_>, map: MapRef<'_>, info: StepInfo<'_>) -> Lowered {
    let input = required(ctx, map, "input_source", info.context, info.at)
        .and_then(|n| lower_source(ctx, n, Grammar::Transform, "`input_source`"));
    // pipeline_ex returns the input unchanged when `operations` is absent or empty.
    let ops = match present(map, "operations") {
        Some(node) => ctx
            .seq(node, "`operations`")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|op| lower_op(ctx, op, info))
            .collect(),
        None => Vec::new(),
    };
    let output = present(map, "output_field").and_then(|node| ctx.name(node, "`output_field`"));
    if let Some(node) = present(map, "output_format") {
        soft_one_of(
            ctx,
            node,
            "output format",
            TRANSFORM_OUTPUT_FORMATS,
            "data_transform then returns the raw data",
        );
    }
    if let Some(node) = present(map, "lazy")
        && let Some(lazy) = ctx.map(node, "`lazy`")
    {
        check_keys(
            ctx,
            lazy,
            &["enabled"],
            &[],
            &format!("the `lazy` of {}", info.context),
        );
        if let Some(enabled) = present(lazy, "enabled") {
            ctx.bool(enabled, "`lazy.enabled`");
        }
    }
    Lowered::kind(StepKind::Transform { input, ops, output })
}

/// One operation; `None` when its `operation` is missing or unknown (reported).
fn lower_op(ctx: &mut Ctx<'_>, node: NodeRef<'_>, info: StepInfo<'_>) -> Option<TransformOp> {
    let map = ctx.map(node, "a data_transform operation")?;
    let context = format!("an operation of {}", info.context);
    let op_node = required(ctx, map, "operation", &context, head_span(map));
    let operation = op_node.and_then(|n| ctx.one_of(n, "data_transform operation", TRANSFORM_OPS));
    let op_text = operation.as_ref().map_or("", |o| o.text.as_str());
    let context = operation.as_ref().map_or(context, |o| {
        format!("a `{}` operation of {}", o.text, info.context)
    });
    check_keys(ctx, map, transform_op_keys(op_text), &[], &context);

    let field_key = if op_text == "join" {
        "left_field"
    } else {
        "field"
    };
    let field = present(map, field_key).and_then(|n| ctx.name(n, &format!("`{field_key}`")));
    let condition = present(map, "condition").map(|n| ctx.condition(n, "a filter condition"));
    let source = present(map, "right_source")
        .and_then(|n| lower_source(ctx, n, Grammar::Transform, "`right_source`"));
    if let Some(node) = present(map, "join_key") {
        ctx.name(node, "`join_key`");
    }
    if let Some(node) = present(map, "mapping") {
        ctx.map(node, "`mapping`");
    }
    if let Some(node) = present(map, "expression") {
        ctx.template(node, "`expression`");
    }
    if let Some(node) = present(map, "function") {
        ctx.one_of(node, "aggregate function", AGGREGATE_FUNCTIONS);
    }
    if let Some(node) = present(map, "order") {
        soft_one_of(
            ctx,
            node,
            "sort order",
            SORT_ORDERS,
            "pipeline_ex sorts ascending for anything but `desc`",
        );
    }
    // pipeline_ex runs are not executed yet; its sort order and aggregate function stay
    // checked-only.
    Some(TransformOp {
        operation: operation?,
        field,
        condition,
        source,
        order: None,
        count: None,
        function: None,
    })
}
