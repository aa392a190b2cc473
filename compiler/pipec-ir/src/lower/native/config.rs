//! Run configuration of a native pipeline: `models`, `limits` and `defaults` (the model,
//! timeout and retry policy of steps that do not set their own).

use pipec_diagnostics::{Code, Diagnostic, did_you_mean_or_list};
use pipec_syntax::{MapRef, NodeRef};

use super::keys::{DEFAULTS, EVAL, LIMITS, MODEL, PRICE, PROVIDERS};
use super::names::check_identifier;
use super::values::{duration, positive, retry};
use crate::ir::{Eval, Limit, Limits, METRICS, Model, Name, Output, Price};
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

/// `eval:`: `dataset` (required), `metric` (default `exact_match`), `field` (a declared
/// output) and `model` (a `models:` entry, for `llm_judge`). A name that is not declared is
/// P0831.
pub fn eval(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    outputs: &[Output],
    models: &[Model],
) -> Option<Eval> {
    let map = ctx.map(node, "`eval`")?;
    ctx.check_keys(map, EVAL, KeyPolicy::Error, "`eval`");
    let dataset = ctx
        .require(map, "dataset", "`eval`", map.span())
        .and_then(|n| ctx.name(n, "`dataset`"));
    let metric = match map.get("metric") {
        Some(n) => ctx.one_of(n, "metric", METRICS)?,
        None => Name::new("exact_match", map.span()),
    };
    let output_names: Vec<&str> = outputs.iter().map(|o| o.name.text.as_str()).collect();
    let field = map.get("field").and_then(|n| ctx.name(n, "`field`"));
    if let Some(field) = &field
        && !output_names.contains(&field.text.as_str())
    {
        unknown(ctx, field, "output", &output_names);
    }
    let model_names: Vec<&str> = models.iter().map(|m| m.name.text.as_str()).collect();
    let model = map.get("model").and_then(|n| ctx.name(n, "`model`"));
    if let Some(model) = &model
        && !model_names.contains(&model.text.as_str())
    {
        unknown(ctx, model, "model", &model_names);
    }
    Some(Eval {
        dataset: dataset?,
        metric,
        field,
        model,
        span: map.span(),
    })
}

fn unknown(ctx: &mut Ctx<'_>, name: &Name, what: &str, names: &[&str]) {
    let mut diagnostic = Diagnostic::new(
        Code::P0831,
        name.span,
        format!("`eval` names no declared {what} `{}`", name.text),
    )
    .with_primary_label(format!("not a declared {what}"));
    if let Some(help) = did_you_mean_or_list(&name.text, names, &format!("the {what}s")) {
        diagnostic = diagnostic.with_help(help);
    }
    ctx.push(diagnostic);
}
