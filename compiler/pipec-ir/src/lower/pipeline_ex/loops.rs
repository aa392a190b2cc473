//! Loops (ref §2, for_loop/while_loop rows; ref §3, "Loop execution limits"; lib/pipeline/
//! step/loop.ex). for_loop becomes [`StepKind::Map`]: it runs sequentially unless
//! `parallel: true`, then in chunks of `max_parallel` (default 5, capped at 10). while_loop
//! becomes [`StepKind::Loop`] with a `While` condition and its iteration bound (default 100,
//! capped at 1000; any other value is silently replaced by the default). Bodies are lowered
//! with the same rules as top-level steps; the YAML depth limit bounds the recursion.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeKind};

use super::read::{positive, present, required};
use super::sources::{Grammar, lower_source};
use super::steps::{Env, Lowered, StepInfo, lower_steps, warn_if_empty_body};
use crate::ir::{Bound, LoopCondition, Name, Step, StepKind};
use crate::lower::Ctx;

/// `max_parallel` default and cap (`@default_max_parallel`, and the cap the docs state).
const DEFAULT_MAX_PARALLEL: u64 = 5;
const MAX_PARALLEL_CAP: u64 = 10;
/// `@default_max_iterations` and `@max_iterations`.
const DEFAULT_MAX_ITERATIONS: u64 = 100;
const MAX_ITERATIONS_CAP: u64 = 1000;

/// for_loop → [`StepKind::Map`].
pub(super) fn lower_for(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    info: StepInfo<'_>,
    env: Env<'_>,
) -> Lowered {
    let item = required(ctx, map, "iterator", info.context, info.at)
        .and_then(|n| ctx.str(n, "`iterator`").map(|t| Name::new(t, n.span())))
        // The loop is still lowered so its body is checked; the empty name never resolves.
        .unwrap_or_else(|| Name::new(String::new(), info.at));
    let over = required(ctx, map, "data_source", info.context, info.at)
        .and_then(|n| lower_source(ctx, n, Grammar::ForLoop, "`data_source`"));
    let steps = loop_body(ctx, map, info, env);

    let parallel = present(map, "parallel")
        .and_then(|n| ctx.bool(n, "`parallel`"))
        .unwrap_or(false);
    let mut max_parallel = DEFAULT_MAX_PARALLEL;
    if let Some(node) = present(map, "max_parallel")
        && let Some(value) = positive(ctx, node, "`max_parallel`")
    {
        max_parallel = value;
        if value > MAX_PARALLEL_CAP {
            max_parallel = MAX_PARALLEL_CAP;
            ctx.push(
                Diagnostic::new(
                    Code::P0110,
                    node.span(),
                    format!("`max_parallel` is capped at {MAX_PARALLEL_CAP}"),
                )
                .with_primary_label(format!(
                    "pipeline_ex runs at most {MAX_PARALLEL_CAP} iterations at once"
                ))
                .with_help(format!("write `max_parallel: {MAX_PARALLEL_CAP}` or less")),
            );
        }
        if !parallel {
            ctx.push(
                Diagnostic::new(
                    Code::P0110,
                    node.span(),
                    "`max_parallel` has no effect without `parallel: true`",
                )
                .with_primary_label("this for_loop runs its iterations one at a time")
                .with_help("add `parallel: true`, or remove `max_parallel`"),
            );
        }
    }
    if let Some(node) = present(map, "batch_size") {
        positive(ctx, node, "`batch_size`");
    }
    if let Some(node) = present(map, "break_on_error") {
        ctx.bool(node, "`break_on_error`");
    }
    // Not in the IR (the loop's results are the same either way), but their syntax is
    // checked here while the strings are at hand.
    for key in ["break_condition", "continue_condition"] {
        if let Some(node) = present(map, key) {
            ctx.condition(node, &format!("`{key}`"));
        }
    }

    Lowered::kind(StepKind::Map {
        over,
        item,
        max_items: None,
        max_parallel: Some(if parallel { max_parallel } else { 1 }),
        steps,
    })
}

/// while_loop → [`StepKind::Loop`] with a `While` condition.
pub(super) fn lower_while(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    info: StepInfo<'_>,
    env: Env<'_>,
) -> Lowered {
    let condition = required(ctx, map, "condition", info.context, info.at).and_then(|node| {
        if node.as_str().is_none() {
            ctx.push(
                Diagnostic::new(Code::P0104, node.span(), "a while_loop's `condition` must be a string")
                    .with_primary_label(format!("expected a string, found {}", node.kind_name()))
                    .with_note("pipeline_ex's loop runner fails with \"Condition must be a string\"; the and/or/not forms work only for step conditions"),
            );
            return None;
        }
        Some(LoopCondition::While(ctx.condition(node, "a while_loop condition")))
    });
    let steps = loop_body(ctx, map, info, env);

    let bound = match present(map, "max_iterations") {
        None => Bound {
            value: DEFAULT_MAX_ITERATIONS,
            span: None,
        },
        Some(node) => match node.kind() {
            NodeKind::Int(n) if (1..=MAX_ITERATIONS_CAP as i64).contains(&n) => Bound {
                value: n.unsigned_abs(),
                span: Some(node.span()),
            },
            NodeKind::Int(n) if n > MAX_ITERATIONS_CAP as i64 => {
                ctx.push(
                    Diagnostic::new(
                        Code::P0110,
                        node.span(),
                        format!("`max_iterations` is capped at {MAX_ITERATIONS_CAP}"),
                    )
                    .with_primary_label(format!(
                        "pipeline_ex stops a while_loop after {MAX_ITERATIONS_CAP} iterations"
                    ))
                    .with_help(format!(
                        "write `max_iterations: {MAX_ITERATIONS_CAP}` or less"
                    )),
                );
                Bound {
                    value: MAX_ITERATIONS_CAP,
                    span: Some(node.span()),
                }
            }
            _ => {
                ctx.push(
                    Diagnostic::new(Code::P0110, node.span(), "`max_iterations` is ignored")
                        .with_primary_label(format!("pipeline_ex uses its default of {DEFAULT_MAX_ITERATIONS} for anything but a whole number from 1 to {MAX_ITERATIONS_CAP}"))
                        .with_help(format!("write a whole number from 1 to {MAX_ITERATIONS_CAP}")),
                );
                Bound {
                    value: DEFAULT_MAX_ITERATIONS,
                    span: None,
                }
            }
        },
    };

    Lowered::kind(StepKind::Loop {
        condition,
        max_iterations: Some(bound),
        steps,
    })
}

/// A loop's required `steps:`, lowered as a loop body (which pipeline_ex's loader does not
/// check, and whose runner takes fewer step types).
fn loop_body(ctx: &mut Ctx<'_>, map: MapRef<'_>, info: StepInfo<'_>, env: Env<'_>) -> Vec<Step> {
    let Some(node) = required(ctx, map, "steps", info.context, info.at) else {
        return Vec::new();
    };
    warn_if_empty_body(ctx, node, info.context);
    lower_steps(
        ctx,
        node,
        Env {
            in_loop: true,
            loader_checked: false,
            ..env
        },
    )
}
