//! Model calls: `predict`, `chain_of_thought` and `react` (a signature call, as in DSPy),
//! `llm` (a raw prompt), and pipeline_ex's provider-bound types (`claude`, `gemini`, ...),
//! which are `llm` steps whose provider their kind fixes.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeRef};

use super::bindings::bindings;
use super::demos::demos;
use super::keys::{MESSAGE, PROVIDERS, ROLES};
use super::signature::{signature_node, signature_string};
use super::steps::{Kind, exclusive, missing, step_label};
use super::types::TypeScope;
use super::values::positive;
use crate::ir::{Name, PredictModule, PromptPart, SignatureRef, StepKind};
use crate::lower::{Ctx, KeyPolicy};

/// DSPy's default for `ReAct(max_iters=...)`.
const DEFAULT_MAX_ITERS: u64 = 20;

/// A signature call. Without a signature the step is left out (nothing typed can be said
/// about it).
pub fn predict(
    ctx: &mut Ctx<'_>,
    kind: Kind,
    map: MapRef<'_>,
    id: &Name,
    types: &TypeScope<'_>,
) -> Option<StepKind> {
    let module = match kind {
        Kind::React => react(ctx, map, id),
        Kind::ChainOfThought => PredictModule::ChainOfThought,
        _ => PredictModule::Predict,
    };
    let with = map
        .get("with")
        .map(|n| bindings(ctx, n, "`with`", None))
        .unwrap_or_default();
    let Some(node) = map.get("signature") else {
        missing(
            ctx,
            map,
            "signature",
            id,
            "name a `signatures:` entry (`signature: analyze`) or write one inline (`signature: \"question -> answer\"`)",
        );
        return None;
    };
    let demos = map.get("demos").map(|n| demos(ctx, n)).unwrap_or_default();
    let signature = signature_ref(ctx, node, id, types)?;
    Some(StepKind::Predict {
        module,
        signature,
        with,
        demos,
    })
}

/// `signature:` on a step: the name of a `signatures:` entry, or an inline definition (a
/// string with `->`, or the structured mapping) named after the step.
fn signature_ref(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    id: &Name,
    types: &TypeScope<'_>,
) -> Option<SignatureRef> {
    match node.as_str() {
        // A `:` or `,` means an inline signature even without `->` (which is then reported),
        // since no signature name contains them.
        Some(text) if text.contains("->") || text.contains(':') || text.contains(',') => {
            Some(SignatureRef::Inline(Box::new(signature_string(
                ctx,
                node,
                text,
                id.clone(),
                types,
            ))))
        }
        Some(text) => Some(SignatureRef::Named(Name::new(text.trim(), node.span()))),
        None => {
            signature_node(ctx, node, id.clone(), types).map(|s| SignatureRef::Inline(Box::new(s)))
        }
    }
}

/// `react`: `tools` (required, non-empty) and `max_iters`.
fn react(ctx: &mut Ctx<'_>, map: MapRef<'_>, id: &Name) -> PredictModule {
    let max_iters = map
        .get("max_iters")
        .and_then(|n| positive(ctx, n, "`max_iters`"))
        .unwrap_or(DEFAULT_MAX_ITERS);
    let Some(node) = map.get("tools") else {
        missing(
            ctx,
            map,
            "tools",
            id,
            "list the tools the agent may call, such as `tools: [web_search]`",
        );
        return PredictModule::React {
            tools: Vec::new(),
            max_iters,
        };
    };
    let tools: Vec<Name> = ctx
        .seq(node, "`tools`")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| ctx.name(n, "a tool name"))
        .collect();
    if tools.is_empty() && node.as_seq().is_some() {
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                node.span(),
                format!("{} has no tools", step_label(Some(id))),
            )
            .with_primary_label("a `react` step needs at least one tool")
            .with_help(
                "list the tools it may call, or use `kind: predict` for a call without tools",
            ),
        );
    }
    PredictModule::React { tools, max_iters }
}

/// `llm` and the provider-bound types: exactly one of `prompt` (text) and `messages` (chat).
pub fn llm(ctx: &mut Ctx<'_>, map: MapRef<'_>, id: &Name, bound: Option<&'static str>) -> StepKind {
    let provider = match bound {
        Some(provider) => Some(provider.to_owned()),
        None => map
            .get("provider")
            .and_then(|n| ctx.one_of(n, "provider", PROVIDERS))
            .map(|n| n.text),
    };
    if let Some(node) = map.get("model_name") {
        ctx.name(node, "`model_name`");
    }
    let prompt = match (map.get("prompt"), map.get("messages")) {
        (Some(prompt), messages) => {
            if messages.is_some() {
                exclusive(ctx, map, ["prompt", "messages"], id);
            }
            ctx.template(prompt, "`prompt`")
                .map(PromptPart::Text)
                .into_iter()
                .collect()
        }
        (None, Some(node)) => self::messages(ctx, node),
        (None, None) => {
            missing(
                ctx,
                map,
                "prompt",
                id,
                "give the step a `prompt` (one template), or chat `messages` (each a `role` and a `content`)",
            );
            Vec::new()
        }
    };
    StepKind::Llm {
        provider,
        prompt,
        calls: 1,
    }
}

/// `messages: [{role, content}]`.
fn messages(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Vec<PromptPart> {
    let Some(items) = ctx.seq(node, "`messages`") else {
        return Vec::new();
    };
    if items.is_empty() {
        ctx.push(
            Diagnostic::new(Code::P0107, node.span(), "`messages` is empty")
                .with_primary_label("a prompt needs at least one message")
                .with_help("add a message such as `{role: user, content: \"...\"}`"),
        );
    }
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        let Some(map) = ctx.map(item, "a message") else {
            continue;
        };
        ctx.check_keys(map, MESSAGE, KeyPolicy::Error, "a message");
        let role = ctx
            .require(map, "role", "a message", map.span())
            .and_then(|n| ctx.one_of(n, "role", ROLES));
        let content = ctx
            .require(map, "content", "a message", map.span())
            .and_then(|n| ctx.template(n, "`content`"));
        if let (Some(role), Some(content)) = (role, content) {
            parts.push(PromptPart::Message { role, content });
        }
    }
    parts
}
