//! Desugaring: the syntax tree of a `.pipe` file becomes the very same spanned
//! [`Document`] the YAML and JSON front-ends build for a native (`pipec: 1`) pipeline, so the
//! native lowering reads it unchanged: every structure check, the same IR, the same
//! diagnostics.
//!
//! Declarations may come in any order and be interleaved with steps; they are gathered into
//! the native sections (`inputs`, `types`, `signatures`, ...) in file order. A name declared
//! twice, a setting given twice, and a missing `pipeline NAME` are the only problems found
//! here (P0025, P0026); everything else is the native lowering's to report. Statements that
//! did not parse leave placeholders when their name is known (see [`placeholder_step`]), so
//! one bad line does not also break every reference to what it declared.

use pipec_diagnostics::{Code, Diagnostic, Span};

use super::ast::{
    ConfigDecl, Docs, EnumDecl, Field, InputDecl, Item, ItemKind, ModelDecl, OutputDecl, PipeFile,
    PipelineDecl, SignatureDef, TypeDecl,
};
use super::tree::{MapBuilder, Tree};
use crate::node::NodeId;

/// Build the document of a parsed file.
pub(crate) fn desugar(tree: &mut Tree, file: &PipeFile, len: u32) -> NodeId {
    let whole = Span::new(tree.file, 0, len);
    pipeline(tree, &file.items, None, whole)
}

/// What a `pipeline` header says: its keyword, name and description.
struct Header<'t> {
    keyword: Span,
    name: Option<&'t super::ast::Ident>,
    docs: Option<&'t Docs>,
}

/// The items of one pipeline, gathered by section.
#[derive(Default)]
struct Sections<'t> {
    header: Option<Header<'t>>,
    inputs: Vec<&'t Item>,
    outputs: Vec<&'t Item>,
    types: Vec<&'t Item>,
    signatures: Vec<&'t Item>,
    models: Vec<&'t ModelDecl>,
    limits: Vec<&'t ConfigDecl>,
    defaults: Vec<&'t ConfigDecl>,
    steps: Vec<&'t Item>,
}

impl<'t> Sections<'t> {
    /// Sort items into sections; `inline` for the items of an inline pipeline (whose name
    /// is on its `pipeline` statement, not in its body).
    fn gather(tree: &mut Tree, items: &'t [Item], inline: bool, out: &mut Sections<'t>) {
        for item in items {
            match &item.kind {
                ItemKind::Pipeline(decl) if inline => misplaced_header(tree, decl.keyword),
                ItemKind::Pipeline(decl) => {
                    out.header(tree, decl, item.docs.as_ref());
                    if let Some(body) = &decl.body {
                        Sections::gather(tree, body, false, out);
                    }
                }
                ItemKind::Input(_) => out.inputs.push(item),
                ItemKind::Output(_) => out.outputs.push(item),
                ItemKind::Type(_) | ItemKind::Enum(_) => out.types.push(item),
                ItemKind::Signature(_) => out.signatures.push(item),
                ItemKind::Model(model) => out.models.push(model),
                ItemKind::Limits(decl) => out.limits.push(decl),
                ItemKind::Defaults(decl) => out.defaults.push(decl),
                ItemKind::Step(_) => out.steps.push(item),
                ItemKind::Invalid(invalid) => match &invalid.salvaged {
                    Some((keyword, name))
                        if keyword.text == "pipeline" && !inline && out.header.is_none() =>
                    {
                        out.header = Some(Header {
                            keyword: keyword.span,
                            name: Some(name),
                            docs: item.docs.as_ref(),
                        });
                    }
                    Some((keyword, _)) if keyword.text == "step" => out.steps.push(item),
                    Some((keyword, _)) if keyword.text == "input" => out.inputs.push(item),
                    _ => {}
                },
            }
        }
    }

    fn header(&mut self, tree: &mut Tree, decl: &'t PipelineDecl, docs: Option<&'t Docs>) {
        match &self.header {
            Some(first) => {
                tree.diagnostics.push(
                    Diagnostic::new(
                        Code::P0025,
                        decl.keyword,
                        "`pipeline` is declared twice",
                    )
                    .with_primary_label("declared again here")
                    .with_label(first.keyword, "first declared here")
                    .with_help("a file holds one pipeline; call another one with `step NAME = pipeline \"file.pipe\"(...)`"),
                );
            }
            None => {
                self.header = Some(Header {
                    keyword: decl.keyword,
                    name: decl.name.as_ref(),
                    docs,
                });
            }
        }
    }
}

fn misplaced_header(tree: &mut Tree, keyword: Span) {
    tree.diagnostics.push(
        Diagnostic::new(
            Code::P0024,
            keyword,
            "`pipeline` cannot appear inside an inline pipeline",
        )
        .with_primary_label("an inline pipeline is named on its own `pipeline` line")
        .with_help("name it as `pipeline NAME { ... }`, and call other pipelines from a step"),
    );
}

/// A pipeline mapping: the file's root (`inline` is `None`), or the inline pipeline of a
/// step (`Some` with its `pipeline` keyword, name and docs).
pub(crate) fn pipeline(
    tree: &mut Tree,
    items: &[Item],
    inline: Option<(&PipelineDecl, Option<&Docs>)>,
    span: Span,
) -> NodeId {
    let mut sections = Sections::default();
    Sections::gather(tree, items, inline.is_some(), &mut sections);
    let mut root = MapBuilder::new(if inline.is_some() {
        "this inline pipeline"
    } else {
        "this pipeline"
    });
    match inline {
        None => root_header(tree, &mut root, sections.header.as_ref(), items, span),
        Some((decl, docs)) => {
            if let Some(name) = &decl.name {
                let value = tree.ident(name);
                root.insert(tree, "name", decl.keyword, value);
            }
            description(tree, &mut root, "description", docs);
        }
    }
    named_section(tree, &mut root, "inputs", "input", &sections.inputs, input);
    named_section(
        tree,
        &mut root,
        "outputs",
        "output",
        &sections.outputs,
        output,
    );
    named_section(tree, &mut root, "types", "type", &sections.types, type_def);
    named_section(
        tree,
        &mut root,
        "signatures",
        "signature",
        &sections.signatures,
        signature,
    );
    models(tree, &mut root, &sections.models);
    config(tree, &mut root, "limits", &sections.limits);
    config(tree, &mut root, "defaults", &sections.defaults);
    if let Some(first) = sections.steps.first() {
        let keyword = keyword_of(first);
        let nodes: Vec<(NodeId, Span)> = sections
            .steps
            .iter()
            .filter_map(|item| super::desugar_steps::step_item(tree, item))
            .collect();
        let (seq, _) = tree.seq(nodes);
        root.insert(tree, "steps", keyword, seq);
    }
    root.finish(tree, span)
}

/// `pipec: 1`, `name` and `description` of the file's root, from its `pipeline` header
/// (P0026 when there is none).
fn root_header(
    tree: &mut Tree,
    root: &mut MapBuilder,
    header: Option<&Header<'_>>,
    items: &[Item],
    whole: Span,
) {
    let at = header.map_or(Span::new(tree.file, whole.start, whole.start), |h| {
        h.keyword
    });
    let version = tree.doc.add_int(1, at);
    root.insert(tree, "pipec", at, version);
    match header {
        Some(header) => {
            if let Some(name) = header.name {
                let value = tree.ident(name);
                root.insert(tree, "name", header.keyword, value);
            }
            description(tree, root, "description", header.docs);
        }
        None => {
            let first = items
                .first()
                .map_or(at, |i| Span::new(tree.file, i.span.start, i.span.start));
            tree.diagnostics.push(
                Diagnostic::new(Code::P0026, first, "missing `pipeline NAME` declaration")
                    .with_primary_label("the file starts here without naming its pipeline")
                    .with_help(
                        "start the file with `pipeline NAME`, such as `pipeline code_review`",
                    ),
            );
            // An empty name stands in, so the native lowering does not report it again.
            let value = tree.plain("", at);
            root.insert(tree, "name", at, value);
        }
    }
}

/// `key: "doc text"` when there is a doc comment.
pub(crate) fn description(tree: &mut Tree, map: &mut MapBuilder, key: &str, docs: Option<&Docs>) {
    if let Some(docs) = docs {
        let value = tree.plain(&docs.text, docs.span);
        map.insert(tree, key, docs.span, value);
    }
}

/// The span of the keyword that starts an item (for a section's key).
fn keyword_of(item: &Item) -> Span {
    match &item.kind {
        ItemKind::Input(decl) => decl.keyword,
        ItemKind::Output(decl) => decl.keyword,
        ItemKind::Type(decl) => decl.keyword,
        ItemKind::Enum(decl) => decl.keyword,
        ItemKind::Signature(decl) => decl.keyword,
        ItemKind::Step(decl) => decl.keyword,
        ItemKind::Invalid(invalid) => invalid
            .salvaged
            .as_ref()
            .map_or(invalid.span, |(keyword, _)| keyword.span),
        _ => item.span,
    }
}

/// A section of named declarations (`inputs`, `types`, ...): a mapping from each name to
/// what `build` makes of its item.
fn named_section(
    tree: &mut Tree,
    root: &mut MapBuilder,
    key: &str,
    noun: &'static str,
    items: &[&Item],
    build: for<'t> fn(&mut Tree, &'t Item) -> Option<(&'t super::ast::Ident, NodeId)>,
) {
    let Some(first) = items.first() else {
        return;
    };
    let mut map = MapBuilder::declarations(noun);
    let mut span = first.span;
    for item in items {
        span = span.to(item.span);
        if let Some((name, value)) = build(tree, item) {
            map.insert(tree, &name.text, name.span, value);
        }
    }
    let node = map.finish(tree, span);
    root.insert(tree, key, keyword_of(first), node);
}

/// `input NAME: type = default`: the type string alone when that is all there is, else
/// `{type, desc, default}`. A statement that did not parse stands in as `NAME: Any`.
fn input<'t>(tree: &mut Tree, item: &'t Item) -> Option<(&'t super::ast::Ident, NodeId)> {
    match &item.kind {
        ItemKind::Input(InputDecl { field, .. }) => Some((&field.name, field_node(tree, field))),
        ItemKind::Invalid(invalid) => {
            let (_, name) = invalid.salvaged.as_ref()?;
            Some((name, tree.plain("Any", name.span)))
        }
        _ => None,
    }
}

fn output<'t>(tree: &mut Tree, item: &'t Item) -> Option<(&'t super::ast::Ident, NodeId)> {
    let ItemKind::Output(OutputDecl {
        name, ty, value, ..
    }) = &item.kind
    else {
        return None;
    };
    let expression = tree.raw(value);
    if ty.is_none() && item.docs.is_none() {
        return Some((name, expression));
    }
    let mut map = MapBuilder::new(format!("output `{}`", name.text));
    map.insert(tree, "value", value.span, expression);
    if let Some(ty) = ty {
        let node = tree.raw(ty);
        map.insert(tree, "type", ty.span, node);
    }
    description(tree, &mut map, "desc", item.docs.as_ref());
    Some((name, map.finish(tree, item.span)))
}

fn type_def<'t>(tree: &mut Tree, item: &'t Item) -> Option<(&'t super::ast::Ident, NodeId)> {
    let mut map = MapBuilder::new("this type");
    description(tree, &mut map, "desc", item.docs.as_ref());
    let name = match &item.kind {
        ItemKind::Type(TypeDecl {
            keyword,
            name,
            fields,
        }) => {
            let node = field_map(tree, fields, item.span);
            map.insert(tree, "fields", *keyword, node);
            name
        }
        ItemKind::Enum(EnumDecl {
            keyword,
            name,
            values,
        }) => {
            let nodes: Vec<(NodeId, Span)> =
                values.iter().map(|v| (tree.value(v), v.span())).collect();
            let (seq, _) = if nodes.is_empty() {
                (tree.doc.add_seq(Vec::new(), name.span), name.span)
            } else {
                tree.seq(nodes)
            };
            map.insert(tree, "enum", *keyword, seq);
            name
        }
        _ => return None,
    };
    Some((name, map.finish(tree, item.span)))
}

fn signature<'t>(tree: &mut Tree, item: &'t Item) -> Option<(&'t super::ast::Ident, NodeId)> {
    let ItemKind::Signature(decl) = &item.kind else {
        return None;
    };
    let node = signature_node(tree, &decl.def, item.docs.as_ref(), item.span);
    Some((&decl.name, node))
}

/// A signature definition: the DSPy string as it is, or the structured form.
pub(crate) fn signature_node(
    tree: &mut Tree,
    def: &SignatureDef,
    docs: Option<&Docs>,
    span: Span,
) -> NodeId {
    match def {
        SignatureDef::Text(lit) => tree.literal(lit),
        SignatureDef::Fields { inputs, outputs } => {
            let mut map = MapBuilder::new("this signature");
            description(tree, &mut map, "instructions", docs);
            let node = field_map(tree, &inputs.0, inputs.1);
            map.insert(tree, "inputs", inputs.1, node);
            let node = field_map(tree, &outputs.0, outputs.1);
            map.insert(tree, "outputs", outputs.1, node);
            map.finish(tree, span)
        }
    }
}

/// The fields of a record or signature, by name (repeated names are the native lowering's
/// P0117).
fn field_map(tree: &mut Tree, fields: &[Field], span: Span) -> NodeId {
    let mut map = MapBuilder::unchecked();
    for field in fields {
        let node = field_node(tree, field);
        map.insert(tree, &field.name.text, field.name.span, node);
    }
    map.finish(tree, span)
}

/// A field: its type string when that is all there is, else `{type, desc, constraints...,
/// default}` (an untyped field with nothing else is `{}`, which is `str`).
fn field_node(tree: &mut Tree, field: &Field) -> NodeId {
    if let Some(ty) = &field.ty
        && field.docs.is_none()
        && field.constraints.is_empty()
        && field.default.is_none()
    {
        return tree.raw(ty);
    }
    let mut map = MapBuilder::new(format!("field `{}`", field.name.text));
    if let Some(ty) = &field.ty {
        let node = tree.raw(ty);
        map.insert(tree, "type", ty.span, node);
    }
    description(tree, &mut map, "desc", field.docs.as_ref());
    for (key, value) in &field.constraints {
        let node = tree.value(value);
        map.insert(tree, &key.text, key.span, node);
    }
    if let Some(default) = &field.default {
        let node = tree.value(default);
        map.insert(tree, "default", default.span(), node);
    }
    map.finish(tree, field.span)
}

/// `models`: each `model NAME = "provider/model-id" { settings }`.
fn models(tree: &mut Tree, root: &mut MapBuilder, models: &[&ModelDecl]) {
    let Some(first) = models.first() else {
        return;
    };
    let mut section = MapBuilder::declarations("model");
    let mut span = first.keyword;
    for model in models {
        let mut map = MapBuilder::new(format!("model `{}`", model.name.text));
        let mut end = model.name.span;
        if let Some(id) = &model.id {
            end = id.span;
            model_id(tree, &mut map, id);
        }
        for setting in &model.settings {
            end = end.to(setting.span);
            let value = tree.setting_value(setting);
            map.insert(tree, &setting.key.text, setting.key.span, value);
        }
        let whole = model.keyword.to(end);
        span = span.to(whole);
        let node = map.finish(tree, whole);
        section.insert(tree, &model.name.text, model.name.span, node);
    }
    let node = section.finish(tree, span);
    root.insert(tree, "models", first.keyword, node);
}

/// `"openai/gpt-4o-mini"` as `provider: openai` and `model: gpt-4o-mini`, each with the
/// span of its part of the string. Without a `/` the whole string is the model id.
fn model_id(tree: &mut Tree, map: &mut MapBuilder, id: &super::ast::StrLit) {
    let inner = Span::new(tree.file, id.span.start + 1, id.span.end.saturating_sub(1));
    let verbatim = inner.len() as usize == id.value.len();
    match id.value.split_once('/') {
        Some((provider, model)) if verbatim => {
            let cut = inner.start + u32::try_from(provider.len()).unwrap_or(0);
            let provider_span = Span::new(tree.file, inner.start, cut);
            let model_span = Span::new(tree.file, cut + 1, inner.end);
            let node = tree.plain(provider, provider_span);
            map.insert(tree, "provider", provider_span, node);
            let node = tree.plain(model, model_span);
            map.insert(tree, "model", model_span, node);
        }
        Some((provider, model)) => {
            let node = tree.plain(provider, id.span);
            map.insert(tree, "provider", id.span, node);
            let node = tree.plain(model, id.span);
            map.insert(tree, "model", id.span, node);
        }
        None => {
            let node = tree.literal(id);
            map.insert(tree, "model", id.span, node);
        }
    }
}

/// `limits { ... }` or `defaults { ... }` (once each).
fn config(tree: &mut Tree, root: &mut MapBuilder, key: &str, decls: &[&ConfigDecl]) {
    let Some(first) = decls.first() else {
        return;
    };
    for extra in decls.iter().skip(1) {
        tree.diagnostics.push(
            Diagnostic::new(
                Code::P0025,
                extra.keyword,
                format!("`{key}` is declared twice"),
            )
            .with_primary_label("declared again here")
            .with_label(first.keyword, "first declared here")
            .with_help(format!("merge the two `{key}` blocks into one")),
        );
    }
    let span = first
        .settings
        .iter()
        .fold(first.keyword, |s, setting| s.to(setting.span));
    let node = tree.settings(&first.settings, &format!("`{key}`"), span);
    root.insert(tree, key, first.keyword, node);
}
