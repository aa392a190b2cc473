//! Steps: the keys every step has (`id`, `kind`, `when`, `model`, `retry`, `timeout`,
//! `cache`, `depends_on`, `description`), the per-kind key check, duplicate ids across nested
//! bodies, and `defaults:`. What each kind does with its own keys is in [`super::calls`],
//! [`super::transform`], [`super::control`] and [`super::compose`].

use std::borrow::Cow;

use pipec_diagnostics::{Code, Diagnostic, did_you_mean_help};
use pipec_syntax::{MapRef, NodeRef};

use super::config::Defaults;
use super::keys::{self, KINDS, PIPELINE_EX_RENAMES, kinds_taking};
use super::names::{Seen, check_identifier};
use super::types::TypeScope;
use super::values::{duration, retry};
use super::{calls, compose, control, transform};
use crate::ir::{Name, Step, StepKind};
use crate::lower::Ctx;
use crate::lower::ctx::quote_list;

/// A step kind, resolved from its `kind:` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `predict`.
    Predict,
    /// `chain_of_thought`.
    ChainOfThought,
    /// `react`.
    React,
    /// `llm`.
    Llm,
    /// A pipeline_ex provider-bound type (`claude`, `gemini`, ...), with its provider.
    Bound(&'static str),
    /// `transform`.
    Transform,
    /// `branch` or `switch`.
    Branch,
    /// `map`.
    Map,
    /// `loop`.
    Loop,
    /// `pipeline`.
    Pipeline,
    /// `set`.
    Set,
}

impl Kind {
    /// The kind a `kind:` value names (every entry of [`KINDS`]).
    pub fn from_name(text: &str) -> Option<Kind> {
        Some(match text {
            "predict" => Kind::Predict,
            "chain_of_thought" => Kind::ChainOfThought,
            "react" => Kind::React,
            "llm" => Kind::Llm,
            "claude" | "claude_smart" | "claude_session" | "claude_extract" | "claude_batch"
            | "claude_robust" => Kind::Bound("anthropic"),
            "gemini" | "gemini_instructor" => Kind::Bound("gemini"),
            "transform" => Kind::Transform,
            "branch" | "switch" => Kind::Branch,
            "map" => Kind::Map,
            "loop" => Kind::Loop,
            "pipeline" => Kind::Pipeline,
            "set" => Kind::Set,
            _ => return None,
        })
    }

    /// The keys a step of this kind takes.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Predict | Kind::ChainOfThought => keys::STEP_PREDICT,
            Kind::React => keys::STEP_REACT,
            Kind::Llm => keys::STEP_LLM,
            Kind::Bound(_) => keys::STEP_BOUND_LLM,
            Kind::Transform => keys::STEP_TRANSFORM,
            Kind::Branch => keys::STEP_BRANCH,
            Kind::Map => keys::STEP_MAP,
            Kind::Loop => keys::STEP_LOOP,
            Kind::Pipeline => keys::STEP_PIPELINE,
            Kind::Set => keys::STEP_SET,
        }
    }
}

/// What the steps of one pipeline share: its declared types, its `defaults:`, and the ids
/// seen so far (ids are unique across the whole pipeline, nested bodies included, because
/// `steps.ID` names a step wherever it is).
#[derive(Debug)]
pub struct Scope<'d> {
    /// Declared type names.
    pub types: TypeScope<'d>,
    /// `defaults:`.
    pub defaults: Defaults,
    /// Step ids seen so far.
    pub ids: Seen<'d>,
}

/// Lower a `steps:` list (of the pipeline or of a body). An empty list is P0112; `owner`
/// says whose list it is ("the pipeline", "map step `each`").
pub fn step_list<'d>(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'d>,
    scope: &mut Scope<'d>,
    owner: &dyn Fn() -> String,
) -> Vec<Step> {
    let Some(items) = node.as_seq() else {
        ctx.push(crate::lower::kind_error(node, "`steps`", "a list of steps"));
        return Vec::new();
    };
    if items.len() == 0 {
        ctx.push(
            Diagnostic::new(
                Code::P0112,
                node.span(),
                format!("{} has no steps", owner()),
            )
            .with_primary_label("`steps` is empty")
            .with_help("add at least one step, or remove what has nothing to run"),
        );
        return Vec::new();
    }
    let mut steps = Vec::with_capacity(items.len());
    for item in items {
        if let Some(step) = step(ctx, item, scope) {
            steps.push(step);
        }
    }
    steps
}

/// The keys every step may have ([`keys::STEP_COMMON`]), found in one pass over the
/// step's mapping: a step is looked at by nine readers, and one scan is far cheaper than
/// nine lookups on 100,000 steps.
#[derive(Default, Clone, Copy)]
struct CommonKeys<'d> {
    id: Option<NodeRef<'d>>,
    kind: Option<NodeRef<'d>>,
    description: Option<NodeRef<'d>>,
    model: Option<NodeRef<'d>>,
    when: Option<NodeRef<'d>>,
    retry: Option<NodeRef<'d>>,
    timeout: Option<NodeRef<'d>>,
    cache: Option<NodeRef<'d>>,
    depends_on: Option<NodeRef<'d>>,
}

impl<'d> CommonKeys<'d> {
    fn of(map: MapRef<'d>) -> CommonKeys<'d> {
        let mut keys = CommonKeys::default();
        for (key, value) in map.entries() {
            let slot = match key.as_str() {
                Some("id") => &mut keys.id,
                Some("kind") => &mut keys.kind,
                Some("description") => &mut keys.description,
                Some("model") => &mut keys.model,
                Some("when") => &mut keys.when,
                Some("retry") => &mut keys.retry,
                Some("timeout") => &mut keys.timeout,
                Some("cache") => &mut keys.cache,
                Some("depends_on") => &mut keys.depends_on,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        keys
    }
}

/// Whether `key` is one of [`keys::STEP_COMMON`] (a `match`, not a scan of the table).
fn is_common_key(key: &str) -> bool {
    matches!(
        key,
        "id" | "kind"
            | "description"
            | "model"
            | "when"
            | "retry"
            | "timeout"
            | "cache"
            | "depends_on"
    )
}

/// Lower one step. A step without a usable `id` or `kind` is left out after its other keys
/// are checked.
fn step<'d>(ctx: &mut Ctx<'_>, node: NodeRef<'d>, scope: &mut Scope<'d>) -> Option<Step> {
    let Some(map) = node.as_map() else {
        ctx.push(crate::lower::kind_error(
            node,
            "a step",
            "a mapping with `id` and `kind`",
        ));
        return None;
    };
    let common = CommonKeys::of(map);
    let id = step_id(ctx, map, common.id, scope);
    let kind = step_kind(ctx, map, common.kind, id.as_ref());
    check_step_keys(
        ctx,
        map,
        kind.as_ref()
            .map(|(kind, name)| (*kind, name.text.as_str())),
        id.as_ref(),
    );

    // `description` and `cache` have no IR field yet; their values are still checked.
    if let Some(node) = common.description {
        ctx.str(node, "`description`");
    }
    if let Some(node) = common.cache {
        ctx.bool(node, "`cache`");
    }
    let when = common.when.map(|n| ctx.condition(n, "`when`"));
    let depends_on = common
        .depends_on
        .map(|n| depends_on(ctx, n))
        .unwrap_or_default();
    let model = common.model.and_then(|n| ctx.name(n, "`model`"));
    let max_attempts = common.retry.and_then(|n| retry(ctx, n));
    let timeout_s = common.timeout.and_then(|n| duration(ctx, n, "`timeout`"));

    let (kind, type_name) = kind?;
    // The body is lowered even without an id, so its problems are reported too.
    let placeholder;
    let id_ref = match &id {
        Some(id) => id,
        None => {
            placeholder = Name::new(String::new(), map.span());
            &placeholder
        }
    };
    let body = body(ctx, kind, map, id_ref, scope);
    let id = id?;
    Some(Step {
        id,
        span: map.span(),
        type_name,
        kind: body?,
        when,
        depends_on,
        model: model.or_else(|| scope.defaults.model.clone()),
        max_attempts: max_attempts.or(scope.defaults.max_attempts).unwrap_or(1),
        timeout_s: timeout_s.or(scope.defaults.timeout_s),
        extra_templates: Vec::new(),
    })
}

/// What the kind does with its own keys.
fn body<'d>(
    ctx: &mut Ctx<'_>,
    kind: Kind,
    map: MapRef<'d>,
    id: &Name,
    scope: &mut Scope<'d>,
) -> Option<StepKind> {
    match kind {
        Kind::Predict | Kind::ChainOfThought | Kind::React => {
            calls::predict(ctx, kind, map, id, &scope.types)
        }
        Kind::Llm => Some(calls::llm(ctx, map, id, None)),
        Kind::Bound(provider) => Some(calls::llm(ctx, map, id, Some(provider))),
        Kind::Transform => Some(transform::transform(ctx, map, id)),
        Kind::Branch => Some(control::branch(ctx, map, id, scope)),
        Kind::Map => Some(control::map(ctx, map, id, scope)),
        Kind::Loop => Some(control::repeat(ctx, map, id, scope)),
        Kind::Pipeline => compose::pipeline(ctx, map, id),
        Kind::Set => Some(compose::set(ctx, map, id)),
    }
}

/// `id:`: required, an identifier, unique in the pipeline (P0103, P0107, P0105).
fn step_id<'d>(
    ctx: &mut Ctx<'_>,
    map: MapRef<'d>,
    node: Option<NodeRef<'d>>,
    scope: &mut Scope<'d>,
) -> Option<Name> {
    let Some(node) = node else {
        let mut diagnostic = Diagnostic::new(
            Code::P0103,
            crate::lower::ctx::header_span(map),
            "step is missing `id`",
        )
        .with_primary_label("`id` is required here");
        diagnostic = match map.entry("name") {
            Some((key, _)) => diagnostic
                .with_label(key.span(), "this is pipeline_ex's spelling")
                .with_help("native steps are identified by `id:`; rename `name:` to `id:`"),
            None => diagnostic.with_help("give the step an identifier, such as `id: analyze`"),
        };
        ctx.push(diagnostic);
        return None;
    };
    let text: Cow<'d, str> = match node.as_str() {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(ctx.name(node, "a step id")?.text),
    };
    check_identifier(ctx, &text, node.span(), "step id");
    let name = Name::new(text.as_ref(), node.span());
    scope
        .ids
        .insert(ctx, text, node.span(), Code::P0105, "step id");
    Some(name)
}

/// `kind:`: required, one of [`KINDS`] (P0103, P0106).
fn step_kind(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    node: Option<NodeRef<'_>>,
    id: Option<&Name>,
) -> Option<(Kind, Name)> {
    let Some(node) = node else {
        let mut diagnostic = Diagnostic::new(
            Code::P0103,
            crate::lower::ctx::header_span(map),
            format!("{} is missing `kind`", step_label(id)),
        )
        .with_primary_label("`kind` is required here");
        diagnostic = match map.entry("type") {
            Some((key, _)) => diagnostic
                .with_label(key.span(), "this is pipeline_ex's spelling")
                .with_help("native steps name their kind with `kind:`; rename `type:` to `kind:`"),
            None => diagnostic.with_help(format!(
                "say what the step does, such as `kind: predict`; kinds are {}",
                quote_list(canonical_kinds())
            )),
        };
        ctx.push(diagnostic);
        return None;
    };
    let name = ctx.name(node, "`kind`")?;
    if let Some(kind) = Kind::from_name(&name.text) {
        return Some((kind, name));
    }
    let help = match PIPELINE_EX_RENAMES
        .iter()
        .find(|(from, _)| *from == name.text)
    {
        Some((from, to)) => {
            format!("pipeline_ex's `{from}` is written `kind: {to}` in native files")
        }
        None => did_you_mean_help(&name.text, KINDS).unwrap_or_else(|| {
            format!(
                "expected one of {}, or a provider-bound type such as `claude` or `gemini`",
                quote_list(canonical_kinds())
            )
        }),
    };
    ctx.push(
        Diagnostic::new(
            Code::P0106,
            node.span(),
            format!("unknown step kind `{}`", name.text),
        )
        .with_primary_label("not a step kind")
        .with_help(help),
    );
    None
}

/// The canonical kinds, for help texts.
fn canonical_kinds() -> &'static [&'static str] {
    KINDS.get(..11).unwrap_or(KINDS)
}

/// "step `analyze`", or "a step" when it has no id.
pub fn step_label(id: Option<&Name>) -> String {
    match id {
        Some(id) if !id.text.is_empty() => format!("step `{}`", id.text),
        _ => "a step".to_owned(),
    }
}

/// P0103 for a key the step's kind requires.
pub fn missing(ctx: &mut Ctx<'_>, map: MapRef<'_>, key: &str, id: &Name, help: &str) {
    ctx.push(
        Diagnostic::new(
            Code::P0103,
            crate::lower::ctx::header_span(map),
            format!("{} is missing `{key}`", step_label(Some(id))),
        )
        .with_primary_label(format!("`{key}` is required here"))
        .with_help(help),
    );
}

/// P0107 for two keys of which a step takes only one: at the later one, with a label on
/// the earlier.
pub fn exclusive(ctx: &mut Ctx<'_>, map: MapRef<'_>, keys: [&str; 2], id: &Name) {
    let [Some((a, _)), Some((b, _))] = keys.map(|k| map.entry(k)) else {
        return;
    };
    let (first, second) = if a.span().start <= b.span().start {
        (a, b)
    } else {
        (b, a)
    };
    let text = |n: NodeRef<'_>| n.scalar_text().map(|t| t.into_owned()).unwrap_or_default();
    let (first_text, second_text) = (text(first), text(second));
    ctx.push(
        Diagnostic::new(
            Code::P0107,
            second.span(),
            format!(
                "{} has both `{first_text}` and `{second_text}`",
                step_label(Some(id))
            ),
        )
        .with_primary_label(format!("`{second_text}` conflicts with `{first_text}`"))
        .with_label(first.span(), format!("`{first_text}` is given here"))
        .with_help(format!(
            "keep only one of `{first_text}` and `{second_text}`"
        )),
    );
}

/// P0101 for every key the step's kind does not take. A key of another kind says which
/// kinds take it; other keys get a "did you mean". With an unknown kind only keys that no
/// kind takes are reported.
fn check_step_keys(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    kind: Option<(Kind, &str)>,
    id: Option<&Name>,
) {
    let table = kind.map_or(keys::STEP_COMMON, |(kind, _)| kind.keys());
    for (key, _) in map.entries() {
        let Some(text) = key.scalar_text() else {
            ctx.push(crate::lower::kind_error(key, "a key", "a string"));
            continue;
        };
        let text = text.as_ref();
        if is_common_key(text) || table.contains(&text) {
            continue;
        }
        let owners: Vec<&str> = kinds_taking(text).collect();
        let diagnostic = match kind {
            Some((kind, kind_text)) if !owners.is_empty() => {
                let owners_text = format!("{} steps", quote_list(&owners));
                let help = match kind {
                    Kind::Bound(provider) if text == "provider" => {
                        format!(
                            "`{kind_text}` steps always call {provider}; `provider` is a key of {owners_text}"
                        )
                    }
                    _ => format!("`{text}` is a key of {owners_text}"),
                };
                Diagnostic::new(
                    Code::P0101,
                    key.span(),
                    format!("key `{text}` does not apply to `{kind_text}` steps"),
                )
                .with_primary_label(format!("`{kind_text}` steps do not take `{text}`"))
                .with_help(help)
            }
            None if !owners.is_empty() => continue,
            _ => {
                let help = did_you_mean_help(text, table).unwrap_or_else(|| match kind {
                    Some((_, kind_text)) => {
                        format!("`{kind_text}` steps take {}", quote_list(table))
                    }
                    None => format!("every step takes {}", quote_list(table)),
                });
                Diagnostic::new(
                    Code::P0101,
                    key.span(),
                    format!("unknown key `{text}` in {}", step_label(id)),
                )
                .with_primary_label("not a key of steps")
                .with_help(help)
            }
        };
        ctx.push(diagnostic);
    }
}

/// `depends_on: [a, b]`.
fn depends_on(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Vec<Name> {
    let Some(items) = node.as_seq() else {
        ctx.push(
            crate::lower::kind_error(node, "`depends_on`", "a list of step ids")
                .with_help("write a single step as a list: `depends_on: [other]`"),
        );
        return Vec::new();
    };
    items
        .filter_map(|item| ctx.name(item, "a step id"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_kind_resolves() {
        for kind in KINDS {
            assert!(Kind::from_name(kind).is_some(), "{kind}");
        }
        assert_eq!(canonical_kinds().last(), Some(&"set"));
    }

    #[test]
    fn common_keys_match_the_table() {
        for key in keys::STEP_COMMON {
            assert!(is_common_key(key), "{key}");
        }
        for key in keys::STEP_LLM.iter().skip(keys::STEP_COMMON.len()) {
            assert!(!is_common_key(key), "{key}");
        }
    }
}
