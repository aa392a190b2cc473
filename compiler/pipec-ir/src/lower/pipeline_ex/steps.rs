//! Steps: the fields every step has (ref §2, "Common step fields"), the dispatch by `type`
//! to the per-kind lowerings, and the checks that span a list of steps (duplicate names).
//!
//! pipeline_ex's loader validates top-level steps only, and stops at the first problem;
//! pipec applies the same rules to every step list (top level, loop bodies, inline nested
//! pipelines) and reports everything. A step whose name or type is missing or unknown is
//! reported and left out of the IR (no step kind fits it), but its siblings are still lowered
//! and its name still counts for duplicate detection.

use std::collections::HashMap;

use pipec_diagnostics::{Code, Diagnostic, Span, did_you_mean_help};
use pipec_syntax::{MapRef, NodeRef};

use super::keys::{
    NOT_IN_LOOPS, STEP_COMMON, STEP_DOC_ONLY, STEP_TYPES, UNIMPLEMENTED_TYPES, type_doc_only,
    type_hints, type_keys,
};
use super::read::{check_keys, documented_only, head_span, present, required};
use super::{file_ops, llm, loops, nested, transform, vars};
use crate::ir::{Name, Step, StepKind, TemplateValue};
use crate::lower::Ctx;

/// What the steps of one list can see.
#[derive(Debug, Clone, Copy)]
pub(super) struct Env<'e> {
    /// The enclosing workflow's `gemini_functions` names; `None` when unknowable.
    pub functions: Option<&'e [String]>,
    /// Whether the list is a loop body (run by `Loop.do_execute_step`, which supports fewer
    /// step types).
    pub in_loop: bool,
    /// Whether pipeline_ex's loader validates these steps: only a file's top-level steps.
    /// Elsewhere what the loader would reject is found only when the step runs.
    pub loader_checked: bool,
}

/// The note for a fault pipeline_ex's loader reports as `loader_error` on a top-level step;
/// on a nested step nothing checks it before it runs.
pub(super) fn loader_note(loader_checked: bool, loader_error: &str) -> String {
    if loader_checked {
        format!("pipeline_ex's loader rejects the workflow (\"{loader_error}\")")
    } else {
        "pipeline_ex's loader checks only top-level steps, so this fails when the step runs"
            .to_owned()
    }
}

/// What one step's lowering needs to know about the step.
#[derive(Debug, Clone, Copy)]
pub(super) struct StepInfo<'s> {
    /// The `type` as written.
    pub ty: &'s str,
    /// "step `x`", for messages.
    pub context: &'s str,
    /// Where "missing key" errors point: the step's name, else its first key.
    pub at: Span,
    /// The step's id, if it has one.
    pub id: Option<&'s Name>,
    /// Whether pipeline_ex's loader validates this step (see [`Env::loader_checked`]).
    pub loader_checked: bool,
}

/// The kind-specific part of a step.
#[derive(Debug, Clone)]
pub(super) struct Lowered {
    /// The kind; `None` when the step is unusable (already reported).
    pub kind: Option<StepKind>,
    /// Most attempts per call.
    pub max_attempts: u32,
    /// Per-attempt timeout in seconds.
    pub timeout_s: Option<f64>,
    /// Templates in the step's options (`claude_options.system_prompt`, a task's
    /// `output_to_file`, ...), kept so their references are resolved.
    pub extra_templates: Vec<TemplateValue>,
}

impl Lowered {
    /// A kind with no retry and no timeout.
    pub(super) fn kind(kind: StepKind) -> Lowered {
        Lowered {
            kind: Some(kind),
            max_attempts: 1,
            timeout_s: None,
            extra_templates: Vec::new(),
        }
    }

    /// Nothing usable.
    pub(super) fn none() -> Lowered {
        Lowered {
            kind: None,
            max_attempts: 1,
            timeout_s: None,
            extra_templates: Vec::new(),
        }
    }
}

/// Milliseconds as seconds.
#[allow(clippy::cast_precision_loss, reason = "timeouts are far below 2^52 ms")]
pub(super) fn ms_to_s(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// P0110 for the empty `steps:` of a loop body or an inline pipeline: pipeline_ex's loader
/// checks only top-level steps, so such a body loads and silently runs nothing.
pub(super) fn warn_if_empty_body(ctx: &mut Ctx<'_>, node: NodeRef<'_>, owner: &str) {
    if node
        .as_seq()
        .is_some_and(|mut items| items.next().is_none())
    {
        ctx.push(
            Diagnostic::new(Code::P0110, node.span(), format!("{owner} has no steps"))
                .with_primary_label("an empty body runs nothing")
                .with_note("pipeline_ex's loader checks only top-level steps, so this loads and does nothing")
                .with_help("add the steps this body should run, or remove it"),
        );
    }
}

/// Lower a `steps:` list; P0104 when it is not a list.
pub(super) fn lower_steps(ctx: &mut Ctx<'_>, node: NodeRef<'_>, env: Env<'_>) -> Vec<Step> {
    let Some(items) = ctx.seq(node, "`steps`") else {
        return Vec::new();
    };
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut steps = Vec::new();
    for item in items {
        let Some(map) = ctx.map(item, "a step") else {
            continue;
        };
        let (name, step) = lower_step(ctx, map, env);
        if let Some(name) = name {
            if let Some(first) = seen.get(&name.text) {
                ctx.push(
                    Diagnostic::new(Code::P0105, name.span, format!("duplicate step name `{}`", name.text))
                        .with_primary_label("a step with this name is already defined at this level")
                        .with_label(*first, "first defined here")
                        .with_note("pipeline_ex does not check this: the later step's result overwrites the earlier one's")
                        .with_help("give each step a unique `name`"),
                );
            } else {
                seen.insert(name.text.clone(), name.span);
            }
        }
        steps.extend(step);
    }
    steps
}

/// One step: its name (for duplicate checks, even when the step itself is unusable) and the
/// step.
fn lower_step(ctx: &mut Ctx<'_>, map: MapRef<'_>, env: Env<'_>) -> (Option<Name>, Option<Step>) {
    let name = required(ctx, map, "name", "a step", head_span(map))
        .and_then(|n| ctx.name(n, "a step name"));
    let context = name
        .as_ref()
        .map_or_else(|| "a step".to_owned(), |n| format!("step `{}`", n.text));
    let at = name.as_ref().map_or_else(|| head_span(map), |n| n.span);
    let ty = required(ctx, map, "type", &context, at).and_then(|n| ctx.name(n, "a step type"));
    let Some(ty) = ty else { return (name, None) };

    if !STEP_TYPES.contains(&ty.text.as_str()) {
        report_bad_type(ctx, &ty, env.loader_checked);
        return (name, None);
    }
    if env.in_loop && NOT_IN_LOOPS.contains(&ty.text.as_str()) {
        ctx.push(
            Diagnostic::new(Code::P0116, ty.span, format!("a `{}` step cannot run inside a loop", ty.text))
                .with_primary_label("pipeline_ex's loop runner rejects this step type at run time")
                .with_note("the loop body runner fails with \"Unsupported step type in loop\"; it runs only the LLM types, set_variable and nested loops")
                .with_help("move this step out of the loop body"),
        );
    }

    let known = [STEP_COMMON, type_keys(&ty.text)].concat();
    check_keys(ctx, map, &known, type_hints(&ty.text), &context);
    documented_only(ctx, map, STEP_DOC_ONLY, &context);
    documented_only(ctx, map, type_doc_only(&ty.text), &context);

    // A while_loop's `condition` is its loop condition (see loops.rs), not a skip condition.
    let when = match present(map, "condition") {
        Some(node) if ty.text != "while_loop" => Some(ctx.condition(node, "a step condition")),
        _ => None,
    };
    let mut extra_templates: Vec<_> = present(map, "output_to_file")
        .and_then(|node| ctx.template(node, "`output_to_file`"))
        .into_iter()
        .collect();
    if let Some(node) = present(map, "streaming")
        && let Some(streaming) = ctx.map(node, "`streaming`")
    {
        check_keys(
            ctx,
            streaming,
            &["enabled"],
            &[],
            &format!("the `streaming` of {context}"),
        );
        if let Some(enabled) = present(streaming, "enabled") {
            ctx.bool(enabled, "`streaming.enabled`");
        }
    }

    let info = StepInfo {
        ty: &ty.text,
        context: &context,
        at,
        id: name.as_ref(),
        loader_checked: env.loader_checked,
    };
    let lowered = match ty.text.as_str() {
        "set_variable" => vars::lower_set_variable(ctx, map, info),
        "test_echo" => vars::lower_echo(ctx, map),
        "for_loop" => loops::lower_for(ctx, map, info, env),
        "while_loop" => loops::lower_while(ctx, map, info, env),
        "data_transform" => transform::lower_transform(ctx, map, info),
        "file_ops" => file_ops::lower_file_ops(ctx, map, info),
        "pipeline" => nested::lower_nested(ctx, map, info),
        _ => llm::lower_llm(ctx, map, info, env),
    };

    extra_templates.extend(lowered.extra_templates);
    let step = match (&name, lowered.kind) {
        (Some(id), Some(kind)) => Some(Step {
            id: id.clone(),
            span: map.span(),
            type_name: ty.clone(),
            kind,
            when,
            depends_on: Vec::new(),
            model: None,
            max_attempts: lowered.max_attempts,
            timeout_s: lowered.timeout_s,
            extra_templates,
        }),
        _ => None,
    };
    (name, step)
}

/// P0115 for a documented-only type, P0106 for anything else.
fn report_bad_type(ctx: &mut Ctx<'_>, ty: &Name, loader_checked: bool) {
    if UNIMPLEMENTED_TYPES.contains(&ty.text.as_str()) {
        ctx.push(
            Diagnostic::new(
                Code::P0115,
                ty.span,
                format!("step type `{}` is not implemented by pipeline_ex", ty.text),
            )
            .with_primary_label(if loader_checked {
                "documented, but the loader rejects it and the executor has no case for it"
            } else {
                "documented, but the executor has no case for it"
            })
            .with_help(unimplemented_help(&ty.text)),
        );
        return;
    }
    let help = did_you_mean_help(&ty.text, STEP_TYPES).unwrap_or_else(|| {
        format!(
            "pipeline_ex's step types are {}",
            STEP_TYPES
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    ctx.push(
        Diagnostic::new(
            Code::P0106,
            ty.span,
            format!("unknown step type `{}`", ty.text),
        )
        .with_primary_label(if loader_checked {
            "pipeline_ex's loader rejects this type"
        } else {
            "pipeline_ex has no such step type; this fails when the step runs"
        })
        .with_help(help),
    );
}

/// What to write instead of a documented-only step type.
fn unimplemented_help(ty: &str) -> &'static str {
    match ty {
        "switch" => "use one step per case, each with a `condition`",
        "checkpoint" => "set `checkpoint_enabled: true` on the workflow to save after every step",
        "codebase_query" => "use a Claude step with `allowed_tools` such as Read, Glob and Grep",
        "bash" => "use a Claude step with `allowed_tools: [Bash]`",
        _ => "use a `claude` or `gemini` step",
    }
}
