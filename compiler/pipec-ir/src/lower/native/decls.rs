//! The typed declarations of a native pipeline: `inputs`, `outputs`, `types` and
//! `signatures`. Each is a mapping from a name (an identifier) to a short string form or a
//! mapping form.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeRef};

use super::fields::{FieldNames, field_list, json};
use super::keys::{INPUT, OUTPUT, TYPE_DEF};
use super::names::{check_identifier, duplicate};
use super::signature::signature_node;
use super::types::{TypeScope, type_node};
use crate::ir::{Name, Output, Param, Signature, Type, TypeDef, TypeDefKind, TypeRef};
use crate::lower::{Ctx, KeyPolicy, kind_error};

/// Names a `types:` entry may not take: they already mean a built-in type.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "str", "int", "float", "bool", "list", "List", "dict", "Dict", "Optional", "Union", "Literal",
    "Any", "None",
];

/// The type names declared under `types:` (read before any type string, so that a field
/// may use a type declared after it).
pub fn declared_types(types: Option<NodeRef<'_>>) -> TypeScope<'_> {
    let names = types
        .and_then(NodeRef::as_map)
        .map(|m| m.entries().filter_map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    TypeScope::new(names)
}

/// The entries of a declaration mapping with identifier names; P0104 if it is not a
/// mapping, P0107 for names that are not identifiers (the entry is still lowered, so its
/// other problems are reported too).
fn named_entries<'d>(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'d>,
    section: &str,
    what: &str,
) -> Vec<(Name, NodeRef<'d>)> {
    let Some(map) = ctx.map(node, section) else {
        return Vec::new();
    };
    let mut entries = Vec::with_capacity(map.len());
    for (key, value) in map.entries() {
        let Some(name) = ctx.name(key, what) else {
            continue;
        };
        check_identifier(ctx, &name.text, name.span, what);
        entries.push((name, value));
    }
    entries
}

/// `inputs:` — `name: type` or `name: {type, desc, default}`.
pub fn inputs(ctx: &mut Ctx<'_>, node: NodeRef<'_>, scope: &TypeScope<'_>) -> Vec<Param> {
    let entries = named_entries(ctx, node, "`inputs`", "input name");
    let mut params = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        if value.as_str().is_some() {
            if let Some(ty) = type_node(ctx, value, scope, "an input type") {
                params.push(Param {
                    name,
                    ty,
                    desc: None,
                    default: None,
                });
            }
            continue;
        }
        let Some(map) = value.as_map() else {
            ctx.push(kind_error(
                value,
                &format!("input `{}`", name.text),
                "a type string or a mapping with `type`",
            ));
            continue;
        };
        ctx.check_keys(
            map,
            INPUT,
            KeyPolicy::Error,
            &format!("input `{}`", name.text),
        );
        // Untyped inputs are `str`, as untyped signature fields are.
        let ty = map
            .get("type")
            .and_then(|t| type_node(ctx, t, scope, "`type`"));
        let ty = ty.unwrap_or(TypeRef {
            ty: Type::Str,
            span: name.span,
        });
        let desc = map
            .get("desc")
            .and_then(|d| ctx.str(d, "`desc`"))
            .map(str::to_owned);
        params.push(Param {
            name,
            ty,
            desc,
            default: map.get("default").map(|n| json(n).to_string()),
        });
    }
    params
}

/// `outputs:` — `name: expression` or `name: {value, type, desc}`.
pub fn outputs(ctx: &mut Ctx<'_>, node: NodeRef<'_>, scope: &TypeScope<'_>) -> Vec<Output> {
    let entries = named_entries(ctx, node, "`outputs`", "output name");
    let mut outputs = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        if value.as_str().is_some() {
            if let Some(expr) = ctx.expr(value, "an output value") {
                outputs.push(Output {
                    name,
                    value: expr,
                    ty: None,
                });
            }
            continue;
        }
        let Some(map) = value.as_map() else {
            ctx.push(kind_error(
                value,
                &format!("output `{}`", name.text),
                "an expression string or a mapping with `value`",
            ));
            continue;
        };
        ctx.check_keys(
            map,
            OUTPUT,
            KeyPolicy::Error,
            &format!("output `{}`", name.text),
        );
        let ty = map
            .get("type")
            .and_then(|t| type_node(ctx, t, scope, "`type`"));
        if let Some(desc) = map.get("desc") {
            ctx.str(desc, "`desc`");
        }
        let Some(value) = map.get("value") else {
            ctx.push(
                Diagnostic::new(Code::P0103, crate::lower::ctx::header_span(map), format!("output `{}` is missing `value`", name.text))
                    .with_primary_label("`value` is required here")
                    .with_help("give the expression that computes the output, such as `value: steps.plan.steps`"),
            );
            continue;
        };
        if let Some(expr) = ctx.expr(value, "an output value") {
            outputs.push(Output {
                name,
                value: expr,
                ty,
            });
        }
    }
    outputs
}

/// `types:` — records (`fields`) and literal enums (`enum`).
pub fn type_defs(ctx: &mut Ctx<'_>, node: NodeRef<'_>, scope: &TypeScope<'_>) -> Vec<TypeDef> {
    let entries = named_entries(ctx, node, "`types`", "type name");
    let mut defs = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        if RESERVED_TYPE_NAMES.contains(&name.text.as_str()) {
            ctx.push(
                Diagnostic::new(
                    Code::P0107,
                    name.span,
                    format!("invalid type name `{}`", name.text),
                )
                .with_primary_label("this name is a built-in type")
                .with_help("choose another name for the declared type"),
            );
        }
        let Some(map) = ctx.map(value, "a type declaration") else {
            continue;
        };
        if let Some(def) = type_def(ctx, map, name, scope) {
            defs.push(def);
        }
    }
    defs
}

fn type_def(
    ctx: &mut Ctx<'_>,
    map: MapRef<'_>,
    name: Name,
    scope: &TypeScope<'_>,
) -> Option<TypeDef> {
    ctx.check_keys(
        map,
        TYPE_DEF,
        KeyPolicy::Error,
        &format!("type `{}`", name.text),
    );
    let desc = map
        .get("desc")
        .and_then(|d| ctx.str(d, "`desc`"))
        .map(str::to_owned);
    let kind = match (map.entry("fields"), map.entry("enum")) {
        (Some((_, fields)), None) => TypeDefKind::Record(field_list(
            ctx,
            fields,
            scope,
            &format!("the `fields` of type `{}`", name.text),
            &mut FieldNames::new(),
        )),
        (None, Some((_, values))) => TypeDefKind::Enum(enum_values(ctx, values, &name)?),
        (Some((first, _)), Some((second, _))) => {
            let (first, second) = if first.span().start < second.span().start {
                (first, second)
            } else {
                (second, first)
            };
            ctx.push(
                Diagnostic::new(
                    Code::P0107,
                    second.span(),
                    format!("type `{}` has both `fields` and `enum`", name.text),
                )
                .with_primary_label("a type is a record or an enum, not both")
                .with_label(first.span(), "also given here")
                .with_help("keep `fields` for a record, or `enum` for a set of strings"),
            );
            return None;
        }
        (None, None) => {
            ctx.push(
                Diagnostic::new(
                    Code::P0103,
                    crate::lower::ctx::header_span(map),
                    format!("type `{}` is missing `fields` or `enum`", name.text),
                )
                .with_primary_label("`fields` or `enum` is required here")
                .with_help(
                    "declare a record with `fields: {name: type}`, or an enum with `enum: [a, b]`",
                ),
            );
            return None;
        }
    };
    Some(TypeDef { name, kind, desc })
}

/// The values of a literal enum: scalars, at least one, each once.
fn enum_values(ctx: &mut Ctx<'_>, node: NodeRef<'_>, name: &Name) -> Option<Vec<Name>> {
    let items = ctx.seq(node, "`enum`")?;
    if items.is_empty() {
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                node.span(),
                format!("enum `{}` has no values", name.text),
            )
            .with_primary_label("an empty enum admits no value")
            .with_help("list the allowed strings, such as `enum: [low, medium, high]`"),
        );
        return None;
    }
    let mut values: Vec<Name> = Vec::with_capacity(items.len());
    for item in items {
        let Some(value) = ctx.name(item, "an enum value") else {
            continue;
        };
        if let Some(first) = values.iter().find(|v| v.text == value.text) {
            ctx.push(duplicate(
                Code::P0117,
                "enum value",
                &value.text,
                value.span,
                first.span,
            ));
            continue;
        }
        values.push(value);
    }
    Some(values)
}

/// `signatures:` — name → DSPy string or structured form.
pub fn signatures(ctx: &mut Ctx<'_>, node: NodeRef<'_>, scope: &TypeScope<'_>) -> Vec<Signature> {
    named_entries(ctx, node, "`signatures`", "signature name")
        .into_iter()
        .filter_map(|(name, value)| signature_node(ctx, value, name, scope))
        .collect()
}
