//! Prompts: the list of parts an LLM step sends, joined with newlines (ref §3, "Prompt
//! parts"). The loader validates `static`/`file`/`previous_response` and the required fields
//! of `session_context`/`claude_continue`; the last two then render as empty text, which pipec
//! reports. A plain string prompt is rejected by the loader but accepted by pipec as one
//! static part, with a P0108 warning.

use pipec_diagnostics::{Code, Diagnostic, did_you_mean_help};
use pipec_syntax::{MapRef, NodeRef};

use super::keys::{PART_TYPES, part_keys};
use super::read::{check_keys, documented_only, head_span, present, required};
use crate::ir::PromptPart;
use crate::lower::Ctx;
use crate::lower::ctx::quote_list;

/// How a string prompt is treated where it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StringPrompt {
    /// A step's `prompt`: the loader rejects it (P0108).
    Rejected,
    /// A parallel task's or claude_batch's `prompt`: the loader does not look, but
    /// pipeline_ex documents and builds a part list (P0108).
    BuilderOnly,
    /// A claude_batch task's `prompt`: documented as a string or a part list.
    Allowed,
}

/// Lower a `prompt:` value. `context` names the owner in messages ("step `x`").
pub(super) fn lower_prompt(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    context: &str,
    strings: StringPrompt,
) -> Vec<PromptPart> {
    if node.as_str().is_some() {
        let label = match strings {
            StringPrompt::Rejected => Some(
                "pipeline_ex's loader rejects a string prompt (\"prompt must be an array of prompt parts\")",
            ),
            StringPrompt::BuilderOnly => Some("pipeline_ex expects a list of prompt parts here"),
            StringPrompt::Allowed => None,
        };
        if let Some(label) = label {
            ctx.push(
                Diagnostic::new(
                    Code::P0108,
                    node.span(),
                    format!("the prompt of {context} is a plain string"),
                )
                .with_primary_label(label)
                .with_note("pipec reads it as one static part")
                .with_help("write it as a list of parts: `prompt: [{type: static, content: ...}]`"),
            );
        }
        return ctx
            .template(node, "a prompt")
            .map(PromptPart::Text)
            .into_iter()
            .collect();
    }
    let Some(items) = node.as_seq() else {
        ctx.push(
            Diagnostic::new(
                Code::P0104,
                node.span(),
                format!("the prompt of {context} must be a list of prompt parts"),
            )
            .with_primary_label(format!("expected a list, found {}", node.kind_name()))
            .with_help("write `prompt: [{type: static, content: ...}]`"),
        );
        return Vec::new();
    };
    let mut parts = Vec::new();
    for item in items {
        let Some(map) = ctx.map(item, "a prompt part") else {
            continue;
        };
        if let Some(part) = lower_part(ctx, map, context, strings) {
            parts.push(part);
        }
    }
    parts
}

/// One part; `None` when it renders nothing pipec can represent or is broken (reported).
fn lower_part(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    context: &str,
    strings: StringPrompt,
) -> Option<PromptPart> {
    let part_context = format!("a prompt part of {context}");
    let ty_node = required(ctx, map, "type", &part_context, head_span(map))?;
    let ty = ctx.name(ty_node, "a prompt part type")?;
    if !PART_TYPES.contains(&ty.text.as_str()) {
        let help = did_you_mean_help(&ty.text, PART_TYPES)
            .unwrap_or_else(|| format!("expected one of {}", quote_list(PART_TYPES)));
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                ty.span,
                format!("unknown prompt part type `{}`", ty.text),
            )
            .with_primary_label(if strings == StringPrompt::Rejected {
                "pipeline_ex's loader rejects this part type"
            } else {
                "pipeline_ex has no such prompt part type"
            })
            .with_help(help),
        );
        return None;
    }
    let (known, doc_only) = part_keys(&ty.text);
    let part_context = format!("a `{}` prompt part of {context}", ty.text);
    check_keys(ctx, map, known, &[], &part_context);
    documented_only(ctx, map, doc_only, &part_context);
    let at = ty.span;
    match ty.text.as_str() {
        "static" => {
            let content = required(ctx, map, "content", &part_context, at)?;
            ctx.template(content, "a static prompt part's `content`")
                .map(PromptPart::Text)
        }
        "file" => {
            let path = required(ctx, map, "path", &part_context, at)?;
            ctx.template(path, "a file prompt part's `path`")
                .map(PromptPart::File)
        }
        "previous_response" => {
            let step =
                required(ctx, map, "step", &part_context, at).and_then(|n| ctx.name(n, "`step`"));
            let extract = present(map, "extract").and_then(|n| ctx.name(n, "`extract`"));
            if let Some(strict) = present(map, "strict") {
                ctx.bool(strict, "`strict`");
            }
            Some(PromptPart::PreviousResponse {
                step: step?,
                extract,
            })
        }
        // Validated by the loader, then dropped by the builder (no case for them).
        other => {
            let fields: &[&str] = if other == "session_context" {
                &["session_id", "include_last_n"]
            } else {
                &["session_id", "new_prompt"]
            };
            for field in fields {
                if let Some(value) = required(ctx, map, field, &part_context, at) {
                    if *field == "include_last_n" {
                        ctx.count(value, "`include_last_n`");
                    } else {
                        ctx.template(value, &format!("`{field}`"));
                    }
                }
            }
            ctx.push(
                Diagnostic::new(Code::P0110, at, format!("a `{other}` prompt part renders as empty text"))
                    .with_primary_label("pipeline_ex's prompt builder has no case for this part type")
                    .with_help("use `claude_session` with `session_config` to keep a conversation, or a `previous_response` part"),
            );
            None
        }
    }
}
