//! Field lists: the `fields:` of a record type and the `inputs:`/`outputs:` of a structured
//! signature. Each entry is `name: type-string` or `name: {type, desc, <constraints>,
//! default}`; constraints keep their source order because DSPy renders them in that order.

use pipec_diagnostics::{Code, Diagnostic, Span};
use pipec_syntax::{NodeKind, NodeRef};

use super::keys::{FIELD, LENGTH_CONSTRAINTS, NUMBER_CONSTRAINTS};
use super::names::{check_field_name, duplicate};
use super::types::{TypeScope, type_node};
use crate::ir::{Field, Name, Type, TypeRef};
use crate::lower::{Ctx, KeyPolicy, kind_error};

/// Names already used in one record or signature, for P0117 across its field lists.
pub type FieldNames = Vec<(String, Span)>;

/// Lower a field-list mapping. `what` names the list in messages ("`fields` of type
/// `Issue`"); `seen` collects names across the lists of one signature.
pub fn field_list(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    scope: &TypeScope<'_>,
    what: &str,
    seen: &mut FieldNames,
) -> Vec<Field> {
    let Some(map) = ctx.map(node, what) else {
        return Vec::new();
    };
    let mut fields = Vec::with_capacity(map.len());
    for (key, value) in map.entries() {
        let Some(name) = ctx.name(key, "a field name") else {
            continue;
        };
        check_field_name(ctx, &name.text, name.span);
        match seen.iter().find(|(n, _)| *n == name.text) {
            Some((_, first)) => ctx.push(duplicate(
                Code::P0117,
                "field",
                &name.text,
                name.span,
                *first,
            )),
            None => seen.push((name.text.clone(), name.span)),
        }
        if let Some(field) = field(ctx, name, value, scope) {
            fields.push(field);
        }
    }
    fields
}

/// One field: a type string or the mapping form.
fn field(
    ctx: &mut Ctx<'_>,
    name: Name,
    value: NodeRef<'_>,
    scope: &TypeScope<'_>,
) -> Option<Field> {
    let Some(map) = value.as_map() else {
        if value.as_str().is_none() {
            ctx.push(kind_error(
                value,
                "a field",
                "a type string or a mapping with `type`",
            ));
            return None;
        }
        let ty = type_node(ctx, value, scope, "a field type")?;
        return Some(Field {
            name,
            ty,
            desc: None,
            constraints: Vec::new(),
            default: None,
        });
    };
    ctx.check_keys(
        map,
        FIELD,
        KeyPolicy::Error,
        &format!("field `{}`", name.text),
    );
    // An untyped field is `str`, as in DSPy; its type then points at the name.
    let mut ty = TypeRef {
        ty: Type::Str,
        span: name.span,
    };
    let mut desc = None;
    let mut constraints = Vec::new();
    let mut default = None;
    for (key, value) in map.entries() {
        let Some(key) = key.as_str() else { continue };
        match key {
            "type" => {
                if let Some(t) = type_node(ctx, value, scope, "`type`") {
                    ty = t;
                }
            }
            "desc" => desc = ctx.str(value, "`desc`").map(str::to_owned),
            "default" => default = Some(json(value).to_string()),
            _ => {
                if let Some(bound) = constraint(ctx, key, value) {
                    constraints.push((key.to_owned(), bound));
                }
            }
        }
    }
    Some(Field {
        name,
        ty,
        desc,
        constraints,
        default,
    })
}

/// A constraint's value: any finite number for `ge`/`le`/`gt`/`lt`, a count for the lengths,
/// a positive number for `multiple_of`. `None` for keys that are not constraints (already
/// reported as unknown) and for invalid values (reported here).
fn constraint(ctx: &mut Ctx<'_>, key: &str, value: NodeRef<'_>) -> Option<f64> {
    if LENGTH_CONSTRAINTS.contains(&key) {
        #[allow(clippy::cast_precision_loss, reason = "lengths are far below 2^52")]
        return ctx.count(value, &format!("`{key}`")).map(|n| n as f64);
    }
    if !NUMBER_CONSTRAINTS.contains(&key) && key != "multiple_of" {
        return None;
    }
    let Some(number) = value.as_f64().filter(|v| v.is_finite()) else {
        ctx.push(kind_error(value, &format!("`{key}`"), "a number"));
        return None;
    };
    if key == "multiple_of" && number <= 0.0 {
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                value.span(),
                "`multiple_of` must be above zero",
            )
            .with_primary_label(format!("{number} is not above zero")),
        );
        return None;
    }
    Some(number)
}

/// A node as a JSON value (defaults are kept as JSON text in the IR). Mapping keys that are
/// not strings are written as their scalar text.
pub fn json(node: NodeRef<'_>) -> serde_json::Value {
    use serde_json::Value;
    match node.kind() {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(b),
        NodeKind::Int(i) => Value::from(i),
        NodeKind::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s, _) => Value::String(s.to_owned()),
        NodeKind::Seq(_) => Value::Array(node.as_seq().into_iter().flatten().map(json).collect()),
        NodeKind::Map(_) => Value::Object(
            node.as_map()
                .into_iter()
                .flat_map(|m| m.entries())
                .map(|(k, v)| {
                    (
                        k.scalar_text().map(|t| t.into_owned()).unwrap_or_default(),
                        json(v),
                    )
                })
                .collect(),
        ),
    }
}
