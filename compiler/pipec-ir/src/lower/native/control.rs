//! Control flow: `branch`/`switch` (cases with conditions, and a default), `map` (fan-out
//! over a list) and `loop` (repeat while or until a condition holds). Their bodies are step
//! lists lowered with the same rules, and share the pipeline's id scope.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeRef};

use super::keys::CASE;
use super::names::check_identifier;
use super::steps::{Scope, exclusive, missing, step_label, step_list};
use super::values::positive;
use crate::ir::{Bound, BranchCase, Condition, LoopCondition, Name, StepKind};
use crate::lower::{Ctx, KeyPolicy};

/// The loop variable of a `map` step without `as:`.
const DEFAULT_ITEM: &str = "item";

/// `branch`: `cases: [{when, steps}]` and an optional `default: [steps]`.
pub fn branch<'d>(
    ctx: &mut Ctx<'_>,
    map: MapRef<'d>,
    id: &Name,
    scope: &mut Scope<'d>,
) -> StepKind {
    let mut cases = Vec::new();
    match map.get("cases") {
        Some(node) => {
            let items = ctx.seq(node, "`cases`").unwrap_or_default();
            if items.is_empty() && node.as_seq().is_some() {
                ctx.push(
                    Diagnostic::new(
                        Code::P0107,
                        node.span(),
                        format!("{} has no cases", step_label(Some(id))),
                    )
                    .with_primary_label("`cases` is empty")
                    .with_help("add cases such as `- {when: \"...\", steps: [...]}`"),
                );
            }
            for (index, item) in items.into_iter().enumerate() {
                let Some(case) = ctx.map(item, "a branch case") else {
                    continue;
                };
                ctx.check_keys(case, CASE, KeyPolicy::Error, "a branch case");
                let when = match case.get("when") {
                    Some(node) => ctx.condition(node, "`when`"),
                    None => {
                        ctx.push(
                            Diagnostic::new(
                                Code::P0103,
                                crate::lower::ctx::header_span(case),
                                format!(
                                    "case {} of {} is missing `when`",
                                    index + 1,
                                    step_label(Some(id))
                                ),
                            )
                            .with_primary_label("`when` is required here"),
                        );
                        Condition::Invalid(case.span())
                    }
                };
                let steps = body(ctx, case, scope, &|| {
                    format!("case {} of {}", index + 1, step_label(Some(id)))
                });
                cases.push(BranchCase { when, steps });
            }
        }
        None => missing(
            ctx,
            map,
            "cases",
            id,
            "add `cases:`, a list of `{when: condition, steps: [...]}`",
        ),
    }
    let default = match map.get("default") {
        Some(node) => step_list(ctx, node, scope, &|| {
            format!("the `default` of {}", step_label(Some(id)))
        }),
        None => Vec::new(),
    };
    StepKind::Branch { cases, default }
}

/// `map`: `over` (required), `as` (default `item`), `max_items`, `max_parallel`, `steps`. A
/// missing `max_items` is left for the limits pass (P0501), which knows the whole pipeline.
pub fn map<'d>(ctx: &mut Ctx<'_>, map: MapRef<'d>, id: &Name, scope: &mut Scope<'d>) -> StepKind {
    let over_node = map.get("over");
    let over = match over_node {
        Some(node) => ctx.expr(node, "`over`"),
        None => {
            missing(
                ctx,
                map,
                "over",
                id,
                "give the list to fan out over, such as `over: steps.analyze.issues`",
            );
            None
        }
    };
    let item = match map.get("as") {
        Some(node) => ctx.name(node, "`as`").inspect(|name| {
            check_identifier(ctx, &name.text, name.span, "loop variable");
        }),
        None => None,
    };
    let item =
        item.unwrap_or_else(|| Name::new(DEFAULT_ITEM, over_node.map_or(map.span(), |n| n.span())));
    let max_items = map
        .get("max_items")
        .map(|n| written_bound(ctx, n, "`max_items`"));
    let max_parallel = map
        .get("max_parallel")
        .and_then(|n| positive(ctx, n, "`max_parallel`"));
    let steps = body(ctx, map, scope, &|| kind_label("map", id));
    StepKind::Map {
        over,
        item,
        max_items,
        max_parallel,
        steps,
    }
}

/// A bound written in the file. An invalid one is reported here and kept as a 0 bound, so
/// the limits pass does not also call the step unbounded (see [`Bound::value`]).
fn written_bound(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str) -> Bound {
    Bound {
        value: positive(ctx, node, what).unwrap_or(0),
        span: Some(node.span()),
    }
}

/// `loop`: exactly one of `until` and `while`, `max_iterations`, `steps`. A missing
/// `max_iterations` is left for the limits pass (P0500).
pub fn repeat<'d>(
    ctx: &mut Ctx<'_>,
    map: MapRef<'d>,
    id: &Name,
    scope: &mut Scope<'d>,
) -> StepKind {
    let condition = match (map.get("until"), map.get("while")) {
        (Some(until), other) => {
            if other.is_some() {
                exclusive(ctx, map, ["until", "while"], id);
            }
            Some(LoopCondition::Until(ctx.condition(until, "`until`")))
        }
        (None, Some(node)) => Some(LoopCondition::While(ctx.condition(node, "`while`"))),
        (None, None) => {
            missing(
                ctx,
                map,
                "until",
                id,
                "say when the loop stops with `until: <condition>`, or when it goes on with `while: <condition>`",
            );
            None
        }
    };
    let max_iterations = map
        .get("max_iterations")
        .map(|n| written_bound(ctx, n, "`max_iterations`"));
    let steps = body(ctx, map, scope, &|| kind_label("loop", id));
    StepKind::Loop {
        condition,
        max_iterations,
        steps,
    }
}

/// "map step `each`", or "a map step" without an id.
fn kind_label(kind: &str, id: &Name) -> String {
    if id.text.is_empty() {
        format!("a {kind} step")
    } else {
        format!("{kind} step `{}`", id.text)
    }
}

/// The required `steps:` of a body.
fn body<'d>(
    ctx: &mut Ctx<'_>,
    map: MapRef<'d>,
    scope: &mut Scope<'d>,
    owner: &dyn Fn() -> String,
) -> Vec<crate::ir::Step> {
    match map.get("steps") {
        Some(node) => step_list(ctx, node, scope, owner),
        None => {
            ctx.push(
                Diagnostic::new(
                    Code::P0103,
                    crate::lower::ctx::header_span(map),
                    format!("{} is missing `steps`", owner()),
                )
                .with_primary_label("`steps` is required here")
                .with_help("give the body as a list of steps"),
            );
            Vec::new()
        }
    }
}
