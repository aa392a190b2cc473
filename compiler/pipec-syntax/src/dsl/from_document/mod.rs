//! A native `Document` (from YAML, JSON or a desugared `.pipe` file) back to the DSL's
//! syntax tree, for `pipec convert --to pipe`: the inverse of `desugar`. Printed by
//! [`super::print::print`], the tree desugars to a document that lowers to the same IR
//! (tested on every example and clean fixture), with one documented exception: a
//! structured condition (`{and: [...]}`, `{or: [...]}`, `{not: ...}`, a list) becomes one
//! expression with `and`, `or` and `not`, which the IR holds as one expression instead of
//! combinators (the two evaluate alike).
//!
//! The tree has no real spans (every span is empty, at 0): it is printed, never checked.
//! The document must be a native one that checks without errors; anything else is
//! converted as far as it goes.

mod comments;
mod steps;

pub use comments::yaml_comments;

use pipec_diagnostics::{FileId, Span};

use super::ast::{
    ConfigDecl, Docs, EnumDecl, Field, Ident, InputDecl, Item, ItemKind, ModelDecl, OutputDecl,
    PipeFile, PipelineDecl, Raw, Setting, SignatureDecl, SignatureDef, StrForm, StrLit, TypeDecl,
    Value,
};
use crate::node::{Document, NodeKind, NodeRef};

/// The syntax tree of the pipeline `doc` holds. Its spans are the document's (the span of
/// the node each statement comes from), so that comments collected from the source text
/// ([`yaml_comments`]) print next to the statement they were next to.
#[must_use]
pub fn document_to_ast(doc: &Document) -> PipeFile {
    PipeFile {
        items: pipeline_items(doc.root(), true),
        comments: Vec::new(),
    }
}

/// The items of a pipeline mapping; `header` adds the `pipeline NAME` line (an inline
/// pipeline carries its name on its own statement).
pub(crate) fn pipeline_items(root: NodeRef<'_>, header: bool) -> Vec<Item> {
    let mut items = Vec::new();
    let Some(map) = root.as_map() else {
        return items;
    };
    if header {
        items.push(item_at(
            map.get("name").map_or(SPAN, |n| n.span()),
            docs(map.get("description")),
            ItemKind::Pipeline(PipelineDecl {
                keyword: SPAN,
                name: map.get("name").map(|n| ident(&text_of(n))),
                body: None,
            }),
        ));
    }
    for (key, value) in map.entries() {
        let key = text_of(key);
        match key.as_str() {
            "inputs" => each(value, |name, node| {
                // The parser gives an input's doc comment to the item and to its field.
                let field = field(name, node);
                items.push(item_at(
                    node.span(),
                    field.docs.clone(),
                    ItemKind::Input(InputDecl {
                        keyword: SPAN,
                        field,
                    }),
                ));
            }),
            "outputs" => each(value, |name, node| {
                let mut out = output(name, node);
                out = item_at(node.span(), out.docs, out.kind);
                items.push(out);
            }),
            "types" => each(value, |name, node| {
                let decl = type_decl(name, node);
                items.push(item_at(node.span(), decl.docs, decl.kind));
            }),
            "signatures" => each(value, |name, node| {
                let (docs, def) = signature_def(node);
                items.push(item_at(
                    node.span(),
                    docs,
                    ItemKind::Signature(SignatureDecl {
                        keyword: SPAN,
                        name: ident(name),
                        def,
                    }),
                ));
            }),
            "models" => each(value, |name, node| {
                let decl = model(name, node);
                items.push(item_at(node.span(), decl.docs, decl.kind));
            }),
            "limits" => items.push(item_at(
                value.span(),
                None,
                ItemKind::Limits(ConfigDecl {
                    keyword: SPAN,
                    settings: settings(value),
                }),
            )),
            "defaults" => items.push(item_at(
                value.span(),
                None,
                ItemKind::Defaults(ConfigDecl {
                    keyword: SPAN,
                    settings: settings(value),
                }),
            )),
            "steps" => {
                for step in value.as_seq().into_iter().flatten() {
                    let decl = steps::step(step);
                    items.push(item_at(
                        step.span(),
                        decl.docs.clone(),
                        ItemKind::Step(decl),
                    ));
                }
            }
            // `pipec`, `name` and `description` are the header.
            _ => {}
        }
    }
    items
}

/// The empty span every node of a converted tree carries.
pub(crate) const SPAN: Span = Span {
    file: FileId(0),
    start: 0,
    end: 0,
};

fn item(docs: Option<Docs>, kind: ItemKind) -> Item {
    item_at(SPAN, docs, kind)
}

/// An item for the node at `span`; its doc comment is placed at its start.
pub(crate) fn item_at(span: Span, mut docs: Option<Docs>, kind: ItemKind) -> Item {
    if let Some(docs) = &mut docs {
        docs.span = Span {
            end: span.start,
            ..span
        };
    }
    Item { docs, span, kind }
}

/// Call `f` with each entry of a mapping.
fn each(node: NodeRef<'_>, mut f: impl FnMut(&str, NodeRef<'_>)) {
    for (key, value) in node.as_map().into_iter().flat_map(|m| m.entries()) {
        f(&text_of(key), value);
    }
}

pub(crate) fn ident(text: &str) -> Ident {
    Ident {
        text: text.to_owned(),
        span: SPAN,
    }
}

pub(crate) fn raw(text: &str) -> Raw {
    Raw {
        text: text.trim().to_owned(),
        span: SPAN,
    }
}

/// A string literal: a text block for text over several lines, quoted otherwise.
pub(crate) fn str_lit(value: &str) -> StrLit {
    let form = if value.contains('\n') && super::print::block_can_hold(value) {
        StrForm::Block
    } else {
        StrForm::Quoted
    };
    StrLit {
        value: value.to_owned(),
        span: SPAN,
        form,
    }
}

/// A scalar's text (a key, a name, an expression).
pub(crate) fn text_of(node: NodeRef<'_>) -> String {
    node.scalar_text()
        .map(|t| t.into_owned())
        .unwrap_or_default()
}

/// A description as a doc comment.
pub(crate) fn docs(node: Option<NodeRef<'_>>) -> Option<Docs> {
    let text = text_of(node?);
    Some(Docs {
        // Doc comment lines are trimmed at the end when read back.
        text: text
            .split('\n')
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n"),
        span: SPAN,
    })
}

/// Any value, as a setting, a constraint or a default holds it.
pub(crate) fn value(node: NodeRef<'_>) -> Value {
    match node.kind() {
        NodeKind::Null => Value::Null(SPAN),
        NodeKind::Bool(b) => Value::Bool(b, SPAN),
        NodeKind::Int(n) => Value::Int(n, SPAN),
        NodeKind::Float(f) => Value::Float(f, SPAN),
        NodeKind::Str(s, _) if is_word(s) => Value::Word(ident(s)),
        NodeKind::Str(s, _) => Value::Str(str_lit(s)),
        NodeKind::Seq(_) => Value::List(
            node.as_seq().into_iter().flatten().map(value).collect(),
            SPAN,
        ),
        NodeKind::Map(_) => Value::Block(settings(node), node.span()),
    }
}

/// Whether the DSL reads `text` back, unquoted, as this very string (a bare word).
fn is_word(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@+".contains(c))
        && !matches!(text, "true" | "false" | "null")
}

/// A mapping's entries as `key value` settings (a nested mapping is a nested block).
pub(crate) fn settings(node: NodeRef<'_>) -> Vec<Setting> {
    let mut out = Vec::new();
    each(node, |key, value_node| {
        out.push(Setting {
            key: ident(key),
            value: Some(value(value_node)),
            docs: None,
            span: value_node.span(),
        });
    });
    out
}

/// A field (of an input, a record or a signature): a type string, or a mapping.
fn field(name: &str, node: NodeRef<'_>) -> Field {
    let mut field = Field {
        docs: None,
        name: ident(name),
        ty: None,
        constraints: Vec::new(),
        default: None,
        span: node.span(),
    };
    match node.as_map() {
        Some(map) => {
            for (key, v) in map.entries() {
                match text_of(key).as_str() {
                    "type" => field.ty = Some(raw(&text_of(v))),
                    "desc" => field.docs = docs(Some(v)),
                    // A text default reads best quoted (`= "rust"`), though a word would do.
                    "default" => {
                        field.default = Some(match value(v) {
                            Value::Word(word) => Value::Str(str_lit(&word.text)),
                            other => other,
                        });
                    }
                    other => field.constraints.push((ident(other), value(v))),
                }
            }
        }
        None => field.ty = Some(raw(&text_of(node))),
    }
    at_start(&mut field.docs, node.span());
    field
}

/// Place a doc comment at the start of the node it documents.
pub(crate) fn at_start(docs: &mut Option<Docs>, span: Span) {
    if let Some(docs) = docs {
        docs.span = Span {
            end: span.start,
            ..span
        };
    }
}

fn output(name: &str, node: NodeRef<'_>) -> Item {
    let (value, ty, desc) = match node.as_map() {
        Some(map) => (
            map.get("value").map(text_of).unwrap_or_default(),
            map.get("type").map(|t| raw(&text_of(t))),
            docs(map.get("desc")),
        ),
        None => (text_of(node), None, None),
    };
    item(
        desc,
        ItemKind::Output(OutputDecl {
            keyword: SPAN,
            name: ident(name),
            ty,
            value: raw(unwrap_hole(&value)),
        }),
    )
}

/// `{{ expression }}` → `expression` (a `{{ }}` wrapper is allowed around expressions).
pub(crate) fn unwrap_hole(text: &str) -> &str {
    single_hole(text).unwrap_or(text)
}

/// The expression of a template that is exactly one `{{ }}` hole.
pub(crate) fn single_hole(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}") && !inner.contains('\n')).then(|| inner.trim())
}

fn type_decl(name: &str, node: NodeRef<'_>) -> Item {
    let map = node.as_map();
    let desc = docs(map.and_then(|m| m.get("desc")));
    if let Some(values) = map.and_then(|m| m.get("enum")) {
        let values = values
            .as_seq()
            .into_iter()
            .flatten()
            .map(|v| {
                let text = text_of(v);
                if is_name(&text) {
                    Value::Word(ident(&text))
                } else {
                    Value::Str(str_lit(&text))
                }
            })
            .collect();
        return item(
            desc,
            ItemKind::Enum(EnumDecl {
                keyword: SPAN,
                name: ident(name),
                values,
            }),
        );
    }
    let mut fields = Vec::new();
    if let Some(f) = map.and_then(|m| m.get("fields")) {
        each(f, |n, v| fields.push(field(n, v)));
    }
    item(
        desc,
        ItemKind::Type(TypeDecl {
            keyword: SPAN,
            name: ident(name),
            fields,
        }),
    )
}

/// An identifier-like name (an enum value the DSL may write bare).
fn is_name(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// A signature: a DSPy string, or the structured form (its instructions as doc comment).
pub(crate) fn signature_def(node: NodeRef<'_>) -> (Option<Docs>, SignatureDef) {
    let Some(map) = node.as_map() else {
        return (None, SignatureDef::Text(str_lit(&text_of(node))));
    };
    let list = |key: &str| {
        let mut fields = Vec::new();
        if let Some(f) = map.get(key) {
            each(f, |n, v| fields.push(field(n, v)));
        }
        (fields, map.get(key).map_or(SPAN, |n| n.span()))
    };
    (
        docs(map.get("instructions")),
        SignatureDef::Fields {
            inputs: list("inputs"),
            outputs: list("outputs"),
        },
    )
}

fn model(name: &str, node: NodeRef<'_>) -> Item {
    let map = node.as_map();
    let provider = map.and_then(|m| m.get("provider")).map(text_of);
    let model = map.and_then(|m| m.get("model")).map(text_of);
    let id = match (&provider, &model) {
        (Some(p), Some(m)) if !p.contains('/') && !p.is_empty() => {
            Some(str_lit(&format!("{p}/{m}")))
        }
        _ => None,
    };
    let mut settings = settings(node);
    if id.is_some() {
        settings.retain(|s| s.key.text != "provider" && s.key.text != "model");
    }
    item(
        None,
        ItemKind::Model(ModelDecl {
            keyword: SPAN,
            name: ident(name),
            id,
            settings,
        }),
    )
}
