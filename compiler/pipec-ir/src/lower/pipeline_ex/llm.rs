//! The LLM step types: claude, gemini, gemini_instructor and the five enhanced Claude types
//! become [`StepKind::Llm`]; parallel_claude and claude_batch with `tasks` become
//! [`StepKind::Parallel`] (ref §2 table). Retries: claude_robust wraps the provider call in
//! `1 + retry_config.max_retries` attempts, and an enhanced type's
//! `claude_options.retry_config.max_retries` (when above zero) is the provider's own attempt
//! count; both multiply into `max_attempts`.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::MapRef;

use super::keys::{BATCH_TASK, ENHANCED_CLAUDE, NEEDS_PROMPT, PARALLEL_TASK, PRESETS};
use super::options::{self, ClaudeOptions};
use super::prompt::{StringPrompt, lower_prompt};
use super::read::{check_keys, head_span, positive, present, required};
use super::steps::{Env, Lowered, StepInfo, loader_note, ms_to_s};
use crate::ir::{Name, PromptPart, StepKind, Task, TemplateValue};
use crate::lower::Ctx;

/// Lower an LLM step of type `info.ty`.
pub(super) fn lower_llm(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    info: StepInfo<'_>,
    env: Env<'_>,
) -> Lowered {
    let ty = info.ty;
    let gemini = ty.starts_with("gemini");
    let provider = Some(if gemini { "gemini" } else { "anthropic" }.to_owned());

    if ENHANCED_CLAUDE.contains(&ty)
        && let Some(preset) = present(map, "preset")
    {
        ctx.one_of(preset, "preset", PRESETS);
    }
    let claude = present(map, "claude_options").map_or_else(ClaudeOptions::default, |n| {
        options::claude_options(ctx, n, ty, info.context)
    });
    let mut extra_templates = claude.templates;
    let mut timeout_ms = claude.timeout_ms;
    let mut attempts = claude.attempts.unwrap_or(1);
    let mut calls = 1;

    match ty {
        "gemini" | "gemini_instructor" => {
            if let Some(model) = present(map, "model") {
                ctx.name(model, "`model`");
            }
            if ty == "gemini"
                && let Some(budget) = present(map, "token_budget")
            {
                options::token_budget(ctx, budget, info.context);
            }
            if let Some(functions) = present(map, "functions") {
                options::functions(ctx, functions, env.functions, info.loader_checked);
            }
            if let Some(timeout) = present(map, "timeout_ms") {
                timeout_ms = positive(ctx, timeout, "`timeout_ms`");
            }
        }
        "claude_smart" => {
            if let Some(aware) = present(map, "environment_aware") {
                ctx.bool(aware, "`environment_aware`");
            }
        }
        "claude_session" => {
            if let Some(config) = present(map, "session_config") {
                options::session_config(ctx, config, info.context);
            }
        }
        "claude_extract" => {
            if let Some(config) = present(map, "extraction_config") {
                options::extraction_config(ctx, config, info.context);
            }
        }
        "claude_robust" => {
            let retries = options::robust_retry(ctx, present(map, "retry_config"), info.context);
            calls = 1 + retries;
            attempts = attempts.saturating_mul(calls);
        }
        "claude_batch" => {
            if let Some(config) = present(map, "batch_config") {
                options::batch_config(ctx, config, info.context);
            }
        }
        _ => {}
    }

    let kind = match ty {
        "parallel_claude" => parallel_claude(ctx, map, info, &mut extra_templates),
        "claude_batch" => claude_batch(ctx, map, info, &mut extra_templates),
        _ => {
            let prompt = match present(map, "prompt") {
                Some(node) => {
                    let strings = if info.loader_checked {
                        StringPrompt::Rejected
                    } else {
                        StringPrompt::BuilderOnly
                    };
                    lower_prompt(ctx, node, info.context, strings)
                }
                None => {
                    if NEEDS_PROMPT.contains(&ty) {
                        missing_prompt(ctx, info);
                    }
                    Vec::new()
                }
            };
            Some(StepKind::Llm {
                provider,
                prompt,
                calls,
            })
        }
    };
    Lowered {
        kind,
        max_attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        timeout_s: timeout_ms.map(ms_to_s),
        extra_templates,
    }
}

/// P0103 for a step without `prompt`.
fn missing_prompt(ctx: &mut Ctx<'_>, info: StepInfo<'_>) {
    ctx.push(
        Diagnostic::new(
            Code::P0103,
            info.at,
            format!("{} is missing `prompt`", info.context),
        )
        .with_primary_label(format!("a `{}` step needs a prompt", info.ty))
        .with_note(loader_note(
            info.loader_checked,
            "missing required 'prompt' field",
        ))
        .with_help("add `prompt: [{type: static, content: ...}]`"),
    );
}

/// parallel_claude: `parallel_tasks` (required by the loader), each `{id, prompt,
/// claude_options, output_to_file}`.
fn parallel_claude(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    info: StepInfo<'_>,
    templates: &mut Vec<TemplateValue>,
) -> Option<StepKind> {
    let node = required(ctx, map, "parallel_tasks", info.context, info.at)?;
    let items = ctx.seq(node, "`parallel_tasks`")?;
    let mut tasks = Vec::new();
    for item in items {
        let Some(task) = ctx.map(item, "a parallel task") else {
            continue;
        };
        let id = required(
            ctx,
            task,
            "id",
            &format!("a parallel task of {}", info.context),
            head_span(task),
        )
        .and_then(|n| ctx.name(n, "a task id"));
        let context = id.as_ref().map_or_else(
            || format!("a task of {}", info.context),
            |id| format!("task `{}` of {}", id.text, info.context),
        );
        check_keys(ctx, task, PARALLEL_TASK, &[], &context);
        let at = id.as_ref().map_or_else(|| head_span(task), |id| id.span);
        let prompt = required(ctx, task, "prompt", &context, at)
            .map(|n| lower_prompt(ctx, n, &context, StringPrompt::BuilderOnly))
            .unwrap_or_default();
        if let Some(options) = present(task, "claude_options") {
            templates.extend(
                options::claude_options(ctx, options, "parallel_claude", &context).templates,
            );
        }
        if let Some(file) = present(task, "output_to_file") {
            templates.extend(ctx.template(file, "`output_to_file`"));
        }
        if let Some(id) = id {
            tasks.push(Task { id, prompt });
        }
    }
    Some(StepKind::Parallel {
        provider: Some("anthropic".to_owned()),
        tasks,
    })
}

/// claude_batch: `tasks` (each with `file` and/or `prompt`, optional `task_id`), or a single
/// `prompt` without tasks. With both, the step prompt is sent ahead of each task's.
fn claude_batch(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    info: StepInfo<'_>,
    templates: &mut Vec<TemplateValue>,
) -> Option<StepKind> {
    let provider = Some("anthropic".to_owned());
    let shared = present(map, "prompt")
        .map(|n| lower_prompt(ctx, n, info.context, StringPrompt::BuilderOnly));
    let Some(node) = present(map, "tasks") else {
        if shared.is_none() {
            ctx.push(
                Diagnostic::new(
                    Code::P0103,
                    info.at,
                    format!("{} has neither `prompt` nor `tasks`", info.context),
                )
                .with_primary_label("a claude_batch step needs one of them")
                .with_note(loader_note(
                    info.loader_checked,
                    "must have either 'prompt' or 'tasks' field",
                ))
                .with_help("add `tasks: [{task_id: ..., prompt: [...]}]`"),
            );
        }
        return Some(StepKind::Llm {
            provider,
            prompt: shared.unwrap_or_default(),
            calls: 1,
        });
    };
    let items = ctx.seq(node, "`tasks`")?;
    let shared = shared.unwrap_or_default();
    let mut tasks = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let Some(task) = ctx.map(item, "a batch task") else {
            continue;
        };
        let id = present(task, "task_id").and_then(|n| ctx.name(n, "`task_id`"));
        let context = id.as_ref().map_or_else(
            || format!("task {} of {}", index + 1, info.context),
            |id| format!("task `{}` of {}", id.text, info.context),
        );
        check_keys(ctx, task, BATCH_TASK, &[], &context);
        let mut prompt: Vec<PromptPart> = shared.clone();
        let own =
            present(task, "prompt").map(|n| lower_prompt(ctx, n, &context, StringPrompt::Allowed));
        let file = present(task, "file").and_then(|n| ctx.template(n, "`file`"));
        if own.is_none() && file.is_none() {
            ctx.push(
                Diagnostic::new(
                    Code::P0103,
                    item.span(),
                    format!("{context} has neither `prompt` nor `file`"),
                )
                .with_primary_label("a batch task needs something to send")
                .with_help("add `prompt: [{type: static, content: ...}]` or `file: PATH`"),
            );
        }
        prompt.extend(own.unwrap_or_default());
        prompt.extend(file.map(PromptPart::File));
        if let Some(options) = present(task, "claude_options") {
            templates
                .extend(options::claude_options(ctx, options, "claude_batch", &context).templates);
        }
        // Without `task_id` the task is numbered; the name is only used for messages.
        let id = id.unwrap_or_else(|| Name::new(format!("task_{}", index + 1), item.span()));
        tasks.push(Task { id, prompt });
    }
    Some(StepKind::Parallel { provider, tasks })
}
