//! pipeline_ex `workflow:` lowering: the dialect of the Elixir project pipeline_ex, as its
//! code at commit ff625ec behaves (`shared/reference/pipeline_ex.md`, the spec of this
//! module). pipec's promise (SPEC §1.1): every file pipeline_ex's loader accepts lowers with
//! zero errors; what pipeline_ex silently ignores or mishandles is a warning with a
//! suggestion; what makes its loader or a run fail is a coded error.
//!
//! This file handles the workflow mapping (also used for inline nested pipelines). The rest
//! is split by concept: [`keys`] (the key tables), [`read`] (shared readers), [`steps`] (common
//! fields and dispatch), [`llm`], [`options`] and [`prompt`] (the LLM types), [`vars`]
//! (set_variable, test_echo), [`loops`], [`sources`] (data source strings), [`transform`],
//! [`file_ops`] and [`nested`].

mod file_ops;
mod keys;
mod llm;
mod loops;
mod nested;
mod options;
mod prompt;
mod read;
mod sources;
mod steps;
mod transform;
mod vars;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;

use pipec_diagnostics::{Code, Diagnostic, Span};
use pipec_syntax::{MapRef, NodeRef};

use self::keys::{
    CLAUDE_AUTH, COST_ALERTS, DEBUG_LEVELS, DEFAULTS_IGNORED, DEFAULTS_READ, ENVIRONMENT,
    ENVIRONMENT_MODES, GEMINI_FUNCTION, PRESETS, WORKFLOW_DOC_ONLY, WORKFLOW_HINTS, WORKFLOW_READ,
    with_keys,
};
use self::read::{check_keys, documented_only, head_span, present, required, soft_one_of};
use self::steps::{Env, lower_steps, warn_if_empty_body};
use super::Ctx;
use crate::ir::{Dialect, Limits, Name, Pipeline};

/// Lower a pipeline_ex workflow. `root` is the file's root mapping, which holds `workflow`.
pub fn lower(ctx: &mut Ctx<'_>, root: MapRef<'_>) -> Option<Pipeline> {
    check_keys(ctx, root, &["workflow"], &[], "the file's root");
    let workflow = root.get("workflow")?;
    let Some(map) = workflow.as_map() else {
        ctx.push(
            Diagnostic::new(
                Code::P0100,
                workflow.span(),
                "this file is not a pipeline: `workflow` must be a mapping",
            )
            .with_primary_label(format!(
                "expected a mapping with `name` and `steps`, found {}",
                workflow.kind_name()
            ))
            .with_help("write `workflow:` followed by indented `name:` and `steps:`"),
        );
        return None;
    };
    Some(lower_workflow(ctx, map, Origin::File))
}

/// Where a workflow mapping comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Origin<'o> {
    /// A file's `workflow:`.
    File,
    /// A `pipeline` step's inline `pipeline:` (only "has a steps list" is required).
    Inline {
        /// The step's id, the name when the inline pipeline has none.
        step: Option<&'o Name>,
        /// "step `x`", for messages.
        context: &'o str,
    },
}

/// Lower a workflow mapping. Never fails: missing parts are reported and left empty.
pub(super) fn lower_workflow(ctx: &mut Ctx<'_>, map: MapRef<'_>, origin: Origin<'_>) -> Pipeline {
    let context = match origin {
        Origin::File => "the workflow".to_owned(),
        Origin::Inline { context, .. } => format!("the inline pipeline of {context}"),
    };
    let known = with_keys(WORKFLOW_READ, &[WORKFLOW_DOC_ONLY]);
    check_keys(ctx, map, &known, WORKFLOW_HINTS, &context);
    documented_only(ctx, map, WORKFLOW_DOC_ONLY, &context);

    let at = head_span(map);
    let name = match origin {
        Origin::File => required(ctx, map, "name", &context, at),
        Origin::Inline { .. } => present(map, "name"),
    }
    .and_then(|n| ctx.name(n, "the workflow name"));
    let name = name.unwrap_or_else(|| match origin {
        Origin::Inline { step: Some(id), .. } => id.clone(),
        // Reported above; the pipeline is still lowered so its steps are checked.
        _ => Name::new(
            String::new(),
            Span::new(ctx.file, map.span().start, map.span().start),
        ),
    });
    let description = present(map, "description")
        .and_then(|n| n.scalar_text())
        .map(|t| t.into_owned());

    for key in ["workspace_dir", "checkpoint_dir"] {
        if let Some(node) = present(map, key) {
            ctx.name(node, &format!("`{key}`"));
        }
    }
    if let Some(node) = present(map, "checkpoint_enabled") {
        ctx.bool(node, "`checkpoint_enabled`");
    }
    if let Some(node) = present(map, "defaults") {
        defaults(ctx, node);
    }
    if let Some(node) = present(map, "environment") {
        environment(ctx, node);
    }
    if let Some(node) = present(map, "claude_auth")
        && let Some(auth) = ctx.map(node, "`claude_auth`")
    {
        check_keys(ctx, auth, CLAUDE_AUTH, &[], "`claude_auth`");
        for (key, value) in auth.entries() {
            if let Some(k @ ("auto_check" | "fallback_mock" | "diagnostics")) =
                key.scalar_text().as_deref()
            {
                ctx.bool(value, &format!("`claude_auth.{k}`"));
            }
        }
    }
    let globals = match present(map, "global_vars").and_then(|n| ctx.map(n, "`global_vars`")) {
        Some(vars) => vars
            .entries()
            .filter_map(|(k, _)| ctx.name(k, "a global variable name"))
            .collect(),
        None => Vec::new(),
    };
    // An inline pipeline without its own `gemini_functions` cannot be checked: what the
    // nested executor sees is not documented.
    let functions = match present(map, "gemini_functions") {
        Some(node) => Some(gemini_functions(ctx, node)),
        None if matches!(origin, Origin::File) => Some(Vec::new()),
        None => None,
    };

    let steps = match required(ctx, map, "steps", &context, at) {
        Some(node) => {
            // Inline pipelines only need a steps list; files go through the loader.
            if matches!(origin, Origin::Inline { .. }) {
                warn_if_empty_body(ctx, node, &context);
            }
            if matches!(origin, Origin::File)
                && node.as_seq().is_some_and(|mut s| s.next().is_none())
            {
                ctx.push(
                    Diagnostic::new(Code::P0112, node.span(), format!("{context} has no steps"))
                        .with_primary_label("pipeline_ex's loader requires at least one step")
                        .with_help("add a step such as `- {name: ask, type: gemini, prompt: [{type: static, content: \"...\"}]}`"),
                );
            }
            lower_steps(
                ctx,
                node,
                Env {
                    functions: functions.as_deref(),
                    in_loop: false,
                    loader_checked: matches!(origin, Origin::File),
                },
            )
        }
        None => Vec::new(),
    };

    Pipeline {
        file: ctx.file,
        dialect: Dialect::PipelineEx,
        name,
        description,
        inputs: Vec::new(),
        outputs: Vec::new(),
        types: Vec::new(),
        signatures: Vec::new(),
        models: Vec::new(),
        limits: Limits::default(),
        eval: None,
        globals,
        steps,
        span: map.span(),
    }
}

/// `defaults`: only `output_dir` and `claude_preset` are read on the CLI path.
fn defaults(ctx: &mut Ctx<'_>, node: NodeRef<'_>) {
    let Some(map) = ctx.map(node, "`defaults`") else {
        return;
    };
    let known = with_keys(DEFAULTS_READ, &[DEFAULTS_IGNORED]);
    check_keys(ctx, map, &known, &[], "`defaults`");
    for (key, why) in DEFAULTS_IGNORED {
        if let Some((k, _)) = map.entry(key) {
            ctx.push(
                Diagnostic::new(
                    Code::P0109,
                    k.span(),
                    format!("`defaults.{key}` has no effect when pipeline_ex runs this file"),
                )
                .with_primary_label("never applied to the steps")
                .with_help(*why),
            );
        }
    }
    if let Some(dir) = present(map, "output_dir") {
        ctx.name(dir, "`output_dir`");
    }
    if let Some(preset) = present(map, "claude_preset") {
        ctx.one_of(preset, "preset", PRESETS);
    }
}

/// `environment`: validated only by `EnhancedConfig`, so value problems are warnings.
fn environment(ctx: &mut Ctx<'_>, node: NodeRef<'_>) {
    let Some(map) = ctx.map(node, "`environment`") else {
        return;
    };
    check_keys(ctx, map, ENVIRONMENT, &[], "`environment`");
    if let Some(mode) = present(map, "mode") {
        soft_one_of(
            ctx,
            mode,
            "environment mode",
            ENVIRONMENT_MODES,
            "an environment-aware claude_smart step then uses the `development` preset",
        );
    }
    if let Some(level) = present(map, "debug_level") {
        soft_one_of(
            ctx,
            level,
            "debug level",
            DEBUG_LEVELS,
            "pipeline_ex never reads it on the CLI path",
        );
    }
    if let Some(alerts) = present(map, "cost_alerts").and_then(|n| ctx.map(n, "`cost_alerts`")) {
        check_keys(ctx, alerts, COST_ALERTS, &[], "`environment.cost_alerts`");
        for (key, value) in alerts.entries() {
            match key.scalar_text().as_deref() {
                Some(k @ ("enabled" | "notify_on_exceed")) => {
                    ctx.bool(value, &format!("`cost_alerts.{k}`"));
                }
                Some("threshold_usd") => {
                    ctx.number(value, "`cost_alerts.threshold_usd`");
                }
                _ => {}
            }
        }
    }
}

/// `gemini_functions`: a map of name → `{description, parameters}` (checked by the loader).
/// Returns the declared names.
fn gemini_functions(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Vec<String> {
    let Some(map) = ctx.map(node, "`gemini_functions`") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for (key, value) in map.entries() {
        let Some(name) = ctx.name(key, "a function name") else {
            continue;
        };
        let context = format!("gemini function `{}`", name.text);
        if let Some(def) = ctx.map(value, &context) {
            check_keys(ctx, def, GEMINI_FUNCTION, &[], &context);
            required(ctx, def, "description", &context, name.span);
            if let Some(parameters) = required(ctx, def, "parameters", &context, name.span) {
                ctx.map(parameters, "`parameters`");
            }
        }
        names.push(name.text);
    }
    names
}
