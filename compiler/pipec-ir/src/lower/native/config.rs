//! Run configuration of a native pipeline: `models`, `limits` and `defaults` (the model,
//! timeout and retry policy of steps that do not set their own).

use pipec_syntax::{MapRef, NodeRef};

use super::keys::{DEFAULTS, LIMITS, MODEL, PRICE, PROVIDERS};
use super::names::check_identifier;
use super::values::{duration, positive, retry};
use crate::ir::{Limit, Limits, Model, Name, Price};
use crate::lower::{Ctx, KeyPolicy};

/// What `defaults:` fills into steps that do not set these keys themselves.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// `defaults.model`, with the span of that value.
    pub model: Option<Name>,
    /// `defaults.timeout`, in seconds.
    pub timeout_s: Option<f64>,
    /// `defaults.retry`, as most attempts.
    pub max_attempts: Option<u32>,
}

/// `models:` — name → `{provider, model, max_tokens, max_input_tokens, temperature, price}`.
pub fn models(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Vec<Model> {
    let Some(map) = ctx.map(node, "`models`") else {
        return Vec::new();
    };
    let mut models = Vec::with_capacity(map.len());
    for (key, value) in map.entries() {
        let Some(name) = ctx.name(key, "a model name") else {
            continue;
        };
        check_identifier(ctx, &name.text, name.span, "model name");
        let Some(entry) = ctx.map(value, "a model") else {
            continue;
        };
        if let Some(model) = model(ctx, entry, name) {
            models.push(model);
        }
    }
    models
}

fn model(ctx: &mut Ctx<'_>, map: MapRef<'_>, name: Name) -> Option<Model> {
    let context = format!("model `{}`", name.text);
    ctx.check_keys(map, MODEL, KeyPolicy::Error, &context);
    let provider = ctx
        .require(map, "provider", &context, map.span())
        .and_then(|p| ctx.one_of(p, "provider", PROVIDERS));
    let model = ctx
        .require(map, "model", &context, map.span())
        .and_then(|m| ctx.name(m, "`model`"));
    let max_tokens = map
        .get("max_tokens")
        .and_then(|n| positive(ctx, n, "`max_tokens`"));
    let max_input_tokens = map
        .get("max_input_tokens")
        .and_then(|n| positive(ctx, n, "`max_input_tokens`"));
    let temperature = map
        .get("temperature")
        .and_then(|n| ctx.number(n, "`temperature`"));
    let price = map.get("price").and_then(|n| price(ctx, n));
    Some(Model {
        name,
        provider: provider?,
        model: model?,
        max_tokens,
        max_input_tokens,
        price,
        temperature,
    })
}

fn price(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Option<Price> {
    let map = ctx.map(node, "`price`")?;
    ctx.check_keys(map, PRICE, KeyPolicy::Error, "`price`");
    let input = ctx
        .require(map, "input_per_mtok", "`price`", map.span())
        .and_then(|n| ctx.number(n, "`input_per_mtok`"));
    let output = ctx
        .require(map, "output_per_mtok", "`price`", map.span())
        .and_then(|n| ctx.number(n, "`output_per_mtok`"));
    Some(Price {
        input_per_mtok: input?,
        output_per_mtok: output?,
    })
}

/// `limits:` — each value keeps its span, for the "declared here" label of limit errors.
pub fn limits(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Limits {
    let Some(map) = ctx.map(node, "`limits`") else {
        return Limits::default();
    };
    ctx.check_keys(map, LIMITS, KeyPolicy::Error, "`limits`");
    let mut limits = Limits::default();
    for (key, value) in map.entries() {
        let span = value.span();
        match key.as_str() {
            Some("max_llm_calls") => {
                limits.max_llm_calls =
                    positive(ctx, value, "`max_llm_calls`").map(|v| Limit { value: v, span })
            }
            Some("max_tokens") => {
                limits.max_tokens =
                    positive(ctx, value, "`max_tokens`").map(|v| Limit { value: v, span })
            }
            Some("max_cost_usd") => {
                limits.max_cost_usd = ctx
                    .number(value, "`max_cost_usd`")
                    .map(|v| Limit { value: v, span })
            }
            Some("timeout") => {
                limits.timeout_s =
                    duration(ctx, value, "`timeout`").map(|v| Limit { value: v, span })
            }
            Some("max_depth") => {
                limits.max_depth = ctx
                    .count(value, "`max_depth`")
                    .map(|v| Limit { value: v, span })
            }
            _ => {}
        }
    }
    limits
}

/// `defaults:`.
pub fn defaults(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Defaults {
    let Some(map) = ctx.map(node, "`defaults`") else {
        return Defaults::default();
    };
    ctx.check_keys(map, DEFAULTS, KeyPolicy::Error, "`defaults`");
    let model = map.get("model").and_then(|m| ctx.name(m, "`model`"));
    let timeout_s = map
        .get("timeout")
        .and_then(|t| duration(ctx, t, "`timeout`"));
    let max_attempts = map.get("retry").and_then(|r| retry(ctx, r));
    Defaults {
        model,
        timeout_s,
        max_attempts,
    }
}
