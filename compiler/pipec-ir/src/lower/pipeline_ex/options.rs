//! Provider and step configuration maps: `claude_options`, Gemini's `token_budget` and
//! `functions`, and the enhanced Claude types' `session_config`, `extraction_config`,
//! `retry_config` and `batch_config` (ref §2 table, ref §4).
//!
//! Severity policy: a value of the wrong kind for something pipeline_ex uses (a string
//! `max_turns`, a non-map `claude_options`) is an error, because the step then fails; a value
//! outside a documented set that pipeline_ex silently replaces (an unknown `output_format`
//! becomes `stream_json`, an unknown backoff becomes a fixed delay) is a P0110 warning,
//! because the loader accepts it and the run goes on with something else.

use pipec_diagnostics::{Code, Diagnostic, did_you_mean_help};
use pipec_syntax::{MapRef, NodeRef};

use super::keys::{
    BACKOFF, BATCH_CONFIG, CLAUDE_DEAD_OPTIONS, CLAUDE_OPTION_HINTS, CLAUDE_OPTIONS,
    CLAUDE_PLAIN_OPTIONS, EXTRACTION_CONFIG, EXTRACTION_FORMATS, FALLBACK_ACTIONS, OUTPUT_FORMATS,
    PERMISSION_MODES, POST_PROCESSING, PROVIDER_RETRY, ROBUST_RETRY, SESSION_CONFIG, TOKEN_BUDGET,
    TOKEN_BUDGET_HINTS,
};
use super::read::{check_keys, positive, soft_one_of, string_list};
use crate::ir::TemplateValue;
use crate::lower::Ctx;

/// What the rest of the lowering needs from a `claude_options` map.
#[derive(Debug, Clone, Default)]
pub(super) struct ClaudeOptions {
    /// `timeout_ms`, when the provider honours it.
    pub timeout_ms: Option<u64>,
    /// Provider-level attempts (`retry_config.max_retries` > 0 on an enhanced type).
    pub attempts: Option<u64>,
    /// `system_prompt` and `append_system_prompt`, whose references must resolve.
    pub templates: Vec<TemplateValue>,
}

/// Check a `claude_options` map. `step_type` decides which provider reads it: plain `claude`
/// goes through `ClaudeProvider`, which forwards only [`CLAUDE_PLAIN_OPTIONS`].
pub(super) fn claude_options(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    step_type: &str,
    context: &str,
) -> ClaudeOptions {
    let mut out = ClaudeOptions::default();
    let Some(map) = ctx.map(node, "`claude_options`") else {
        return out;
    };
    let context = format!("the `claude_options` of {context}");
    check_keys(ctx, map, CLAUDE_OPTIONS, CLAUDE_OPTION_HINTS, &context);
    let plain = step_type == "claude";
    for (key, value) in map.entries() {
        let Some(key_text) = key.scalar_text() else {
            continue;
        };
        let key_text = key_text.as_ref();
        if let Some((_, why)) = CLAUDE_DEAD_OPTIONS.iter().find(|(k, _)| *k == key_text) {
            ctx.push(
                Diagnostic::new(
                    Code::P0110,
                    key.span(),
                    format!("`{key_text}` in {context} has no effect"),
                )
                .with_primary_label("never used")
                .with_note(*why),
            );
        } else if plain
            && CLAUDE_OPTIONS.contains(&key_text)
            && !CLAUDE_PLAIN_OPTIONS.contains(&key_text)
        {
            ctx.push(
                Diagnostic::new(Code::P0110, key.span(), format!("a plain `claude` step ignores `claude_options.{key_text}`"))
                    .with_primary_label("`ClaudeProvider` does not forward this option")
                    .with_note("only the enhanced types (claude_smart, claude_session, claude_extract, claude_batch, claude_robust) go through `EnhancedClaudeProvider`, which reads it")
                    .with_help("use `type: claude_smart` to have it applied"),
            );
        }
        if value.is_null() {
            continue;
        }
        match key_text {
            "max_turns" => {
                positive(ctx, value, "`max_turns`");
            }
            "stream_buffer_size" => {
                positive(ctx, value, "`stream_buffer_size`");
            }
            "timeout_ms" => {
                let ms = positive(ctx, value, "`timeout_ms`");
                if !plain {
                    out.timeout_ms = ms;
                }
            }
            "allowed_tools" | "disallowed_tools" => {
                string_list(ctx, value, &format!("`{key_text}`"))
            }
            "verbose" | "fork_session" | "strict_mcp_config" | "enable_skills" | "debug_mode"
            | "telemetry_enabled" | "cost_tracking" | "async_streaming" => {
                ctx.bool(value, &format!("`{key_text}`"));
            }
            "system_prompt" | "append_system_prompt" => {
                out.templates
                    .extend(ctx.template(value, &format!("`{key_text}`")));
            }
            "cwd"
            | "model"
            | "fallback_model"
            | "permission_prompt_tool"
            | "agent"
            | "session_id" => {
                ctx.name(value, &format!("`{key_text}`"));
            }
            "output_format" => {
                soft_one_of(
                    ctx,
                    value,
                    "output format",
                    OUTPUT_FORMATS,
                    "pipeline_ex falls back to `stream_json`",
                );
            }
            "permission_mode" => {
                soft_one_of(
                    ctx,
                    value,
                    "permission mode",
                    PERMISSION_MODES,
                    "pipeline_ex passes it to the Claude SDK unchecked",
                );
            }
            "mcp_servers" => named_maps(
                ctx,
                value,
                "`mcp_servers`",
                &["type", "command", "args", "env", "headers", "url"],
            ),
            "agents" => named_maps(
                ctx,
                value,
                "`agents`",
                &["description", "prompt", "tools", "model"],
            ),
            "hooks" => {
                ctx.map(value, "`hooks`");
            }
            "retry_config" => {
                let max_retries = provider_retry(ctx, value, &context);
                if !plain {
                    out.attempts = max_retries.filter(|n| *n > 0);
                }
            }
            _ => {}
        }
    }
    out
}

/// `claude_options.retry_config`, as `EnhancedClaudeProvider` reads it. Returns
/// `max_retries` (the total number of attempts when above zero).
fn provider_retry(ctx: &mut Ctx<'_>, node: NodeRef<'_>, context: &str) -> Option<u64> {
    let map = ctx.map(node, "`retry_config`")?;
    check_keys(
        ctx,
        map,
        PROVIDER_RETRY,
        &[(
            "retry_conditions",
            "at this level the provider reads `retry_on`",
        )],
        &format!("the `retry_config` in {context}"),
    );
    if let Some(v) = map.get("backoff_strategy") {
        soft_one_of(
            ctx,
            v,
            "backoff strategy",
            &["exponential", "linear"],
            "pipeline_ex then waits a fixed second between attempts",
        );
    }
    if let Some(v) = map.get("retry_on") {
        string_list(ctx, v, "`retry_on`");
    }
    map.get("max_retries")
        .and_then(|v| ctx.count(v, "`max_retries`"))
}

/// A map of named entries, each a mapping with the given keys.
fn named_maps(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str, keys: &[&str]) {
    let Some(map) = ctx.map(node, what) else {
        return;
    };
    for (name, value) in map.entries() {
        let label = format!("{what} entry `{}`", name.scalar_text().unwrap_or_default());
        if let Some(entry) = ctx.map(value, &label) {
            check_keys(ctx, entry, keys, &[], &label);
        }
    }
}

/// Gemini's `token_budget` (passed to the API as generation config).
pub(super) fn token_budget(ctx: &mut Ctx<'_>, node: NodeRef<'_>, context: &str) {
    let Some(map) = ctx.map(node, "`token_budget`") else {
        return;
    };
    check_keys(
        ctx,
        map,
        TOKEN_BUDGET,
        TOKEN_BUDGET_HINTS,
        &format!("the `token_budget` of {context}"),
    );
    for (key, value) in map.entries() {
        match key.scalar_text().as_deref() {
            Some("max_output_tokens") => {
                positive(ctx, value, "`max_output_tokens`");
            }
            Some("top_k") => {
                ctx.count(value, "`top_k`");
            }
            Some(k @ ("temperature" | "top_p")) => {
                ctx.number(value, &format!("`{k}`"));
            }
            _ => {}
        }
    }
}

/// A Gemini step's `functions`: names that must be declared under the workflow's
/// `gemini_functions`; the loader rejects unknown ones. `declared` is `None` where the set
/// is unknowable (an inline nested pipeline without its own `gemini_functions`).
pub(super) fn functions(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    declared: Option<&[String]>,
    loader_checked: bool,
) {
    let Some(items) = ctx.seq(node, "`functions`") else {
        return;
    };
    for item in items {
        let Some(name) = ctx.name(item, "a function name") else {
            continue;
        };
        let Some(declared) = declared else { continue };
        if declared.contains(&name.text) {
            continue;
        }
        let help = did_you_mean_help(&name.text, declared).unwrap_or_else(|| {
            if declared.is_empty() {
                "declare it under the workflow's `gemini_functions`".to_owned()
            } else {
                format!(
                    "declared functions: {}",
                    declared
                        .iter()
                        .map(|d| format!("`{d}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        });
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                name.span,
                format!("unknown gemini function `{}`", name.text),
            )
            .with_primary_label("not declared under `gemini_functions`")
            .with_note(super::steps::loader_note(
                loader_checked,
                "references undefined function",
            ))
            .with_help(help),
        );
    }
}

/// claude_session `session_config`.
pub(super) fn session_config(ctx: &mut Ctx<'_>, node: NodeRef<'_>, context: &str) {
    let Some(map) = ctx.map(node, "`session_config`") else {
        return;
    };
    check_keys(
        ctx,
        map,
        SESSION_CONFIG,
        &[],
        &format!("the `session_config` of {context}"),
    );
    each(map, |key, value| match key {
        "session_name" => {
            ctx.template(value, "`session_name`");
        }
        "persist" | "continue_on_restart" => {
            ctx.bool(value, &format!("`{key}`"));
        }
        "checkpoint_frequency" => {
            positive(ctx, value, "`checkpoint_frequency`");
        }
        _ => {}
    });
}

/// claude_extract `extraction_config`.
pub(super) fn extraction_config(ctx: &mut Ctx<'_>, node: NodeRef<'_>, context: &str) {
    let Some(map) = ctx.map(node, "`extraction_config`") else {
        return;
    };
    check_keys(
        ctx,
        map,
        EXTRACTION_CONFIG,
        &[],
        &format!("the `extraction_config` of {context}"),
    );
    each(map, |key, value| match key {
        "use_content_extractor" | "include_metadata" => {
            ctx.bool(value, &format!("`{key}`"));
        }
        "format" => {
            soft_one_of(
                ctx,
                value,
                "extraction format",
                EXTRACTION_FORMATS,
                "pipeline_ex accepts it unchecked; the content extractor has no case for it",
            );
        }
        "max_summary_length" => {
            positive(ctx, value, "`max_summary_length`");
        }
        "post_processing" => {
            if let Some(items) = ctx.seq(value, "`post_processing`") {
                for item in items {
                    soft_one_of(
                        ctx,
                        item,
                        "post-processing step",
                        POST_PROCESSING,
                        "pipeline_ex accepts it unchecked; the content extractor has no case for it",
                    );
                }
            }
        }
        _ => {}
    });
}

/// claude_robust `retry_config`; returns `max_retries` (default 3).
pub(super) fn robust_retry(ctx: &mut Ctx<'_>, node: Option<NodeRef<'_>>, context: &str) -> u64 {
    const DEFAULT_RETRIES: u64 = 3;
    let Some(map) = node.and_then(|n| ctx.map(n, "`retry_config`")) else {
        return DEFAULT_RETRIES;
    };
    check_keys(
        ctx,
        map,
        ROBUST_RETRY,
        &[],
        &format!("the `retry_config` of {context}"),
    );
    let mut retries = DEFAULT_RETRIES;
    each(map, |key, value| match key {
        "max_retries" => {
            if let Some(n) = ctx.count(value, "`max_retries`") {
                retries = n;
            }
        }
        "base_delay_ms" => {
            ctx.count(value, "`base_delay_ms`");
        }
        "backoff_strategy" => {
            soft_one_of(
                ctx,
                value,
                "backoff strategy",
                BACKOFF,
                "pipeline_ex accepts it unchecked; claude_robust has no case for it",
            );
        }
        "fallback_action" => {
            soft_one_of(
                ctx,
                value,
                "fallback action",
                FALLBACK_ACTIONS,
                "pipeline_ex accepts it unchecked; claude_robust has no case for it",
            );
        }
        "retry_conditions" => string_list(ctx, value, "`retry_conditions`"),
        _ => {}
    });
    retries
}

/// claude_batch `batch_config`.
pub(super) fn batch_config(ctx: &mut Ctx<'_>, node: NodeRef<'_>, context: &str) {
    let Some(map) = ctx.map(node, "`batch_config`") else {
        return;
    };
    check_keys(
        ctx,
        map,
        BATCH_CONFIG,
        &[],
        &format!("the `batch_config` of {context}"),
    );
    each(map, |key, value| match key {
        "max_parallel" | "timeout_per_task" => {
            positive(ctx, value, &format!("`{key}`"));
        }
        "consolidate_results" => {
            ctx.bool(value, "`consolidate_results`");
        }
        _ => {}
    });
}

/// Call `f` on each non-null entry with a string key.
fn each<'d>(map: MapRef<'d>, mut f: impl FnMut(&str, NodeRef<'d>)) {
    for (key, value) in map.entries() {
        if value.is_null() {
            continue;
        }
        if let Some(k) = key.scalar_text() {
            f(k.as_ref(), value);
        }
    }
}
