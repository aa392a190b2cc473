//! Types as DSPy shows them to a model: their names (`list[str]`, `Literal['a', 'b']`),
//! and pydantic-style JSON schemas for the types a model must write as JSON (lists, dicts,
//! optionals, records), with named records and enums under `$defs`.
//!
//! This is the one place of the minimal adapter that reads [`Type`]; a variant it does not
//! know is shown as `Any` with an empty schema.

use pipec_ir::{Type, TypeDef, TypeDefKind};
use serde_json::{Map, Value, json};

/// The type's name as DSPy renders it in field lists.
#[must_use]
pub fn type_name(ty: &Type) -> String {
    match ty {
        Type::Optional(inner) => format!("Union[{}, NoneType]", type_name(inner)),
        Type::List(inner) => format!("list[{}]", type_name(inner)),
        Type::Dict(key, value) => format!("dict[{}, {}]", type_name(key), type_name(value)),
        other => other.display(),
    }
}

/// A named type's definition.
#[must_use]
pub fn definition<'t>(types: &'t [TypeDef], name: &str) -> Option<&'t TypeDefKind> {
    types.iter().find(|t| t.name.text == name).map(|t| &t.kind)
}

/// The JSON schema of `ty`, with every named type it uses under `$defs`.
#[must_use]
pub fn json_schema(ty: &Type, types: &[TypeDef]) -> Value {
    let mut defs = Map::new();
    let mut schema = schema_of(ty, types, &mut defs, 0);
    if !defs.is_empty()
        && let Value::Object(object) = &mut schema
    {
        object.insert("$defs".to_owned(), Value::Object(defs));
    }
    schema
}

/// Deepest nesting of named types followed (recursive records stop here).
const MAX_DEPTH: u32 = 16;

fn schema_of(ty: &Type, types: &[TypeDef], defs: &mut Map<String, Value>, depth: u32) -> Value {
    match ty {
        Type::Str => json!({"type": "string"}),
        Type::Int => json!({"type": "integer"}),
        Type::Float => json!({"type": "number"}),
        Type::Bool => json!({"type": "boolean"}),
        Type::List(inner) => {
            json!({"type": "array", "items": schema_of(inner, types, defs, depth)})
        }
        Type::Dict(_, inner) => json!({
            "type": "object",
            "additionalProperties": schema_of(inner, types, defs, depth)
        }),
        Type::Optional(inner) => json!({
            "anyOf": [schema_of(inner, types, defs, depth), {"type": "null"}]
        }),
        Type::Literal(values) => {
            let values: Vec<Value> = values.iter().map(crate::inputs::literal_json).collect();
            json!({"enum": values})
        }
        Type::Record(fields) => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|(name, ty)| (name.clone(), schema_of(ty, types, defs, depth)))
                .collect();
            let required: Vec<&String> = fields.iter().map(|(name, _)| name).collect();
            json!({"type": "object", "properties": properties, "required": required})
        }
        Type::Named(name) => {
            if !defs.contains_key(name) && depth < MAX_DEPTH {
                // Reserve the slot first so a recursive record refers to itself.
                defs.insert(name.clone(), Value::Null);
                let definition = named_schema(name, types, defs, depth + 1);
                defs.insert(name.clone(), definition);
            }
            json!({"$ref": format!("#/$defs/{name}")})
        }
        _ => json!({}),
    }
}

fn named_schema(name: &str, types: &[TypeDef], defs: &mut Map<String, Value>, depth: u32) -> Value {
    match definition(types, name) {
        Some(TypeDefKind::Record(fields)) => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for field in fields {
                let mut schema = schema_of(&field.ty.ty, types, defs, depth);
                if let (Some(desc), Value::Object(object)) = (&field.desc, &mut schema) {
                    object.insert("description".to_owned(), json!(desc));
                }
                match field.default.as_deref().map(serde_json::from_str::<Value>) {
                    Some(Ok(default)) => {
                        if let Value::Object(object) = &mut schema {
                            object.insert("default".to_owned(), default);
                        }
                    }
                    _ => required.push(field.name.text.clone()),
                }
                properties.insert(field.name.text.clone(), schema);
            }
            json!({"type": "object", "properties": properties, "required": required, "title": name})
        }
        Some(TypeDefKind::Enum(values)) => {
            let values: Vec<&str> = values.iter().map(|v| v.text.as_str()).collect();
            json!({"type": "string", "enum": values, "title": name})
        }
        None => json!({}),
    }
}

/// JSON as Python's `json.dumps(ensure_ascii=False)` writes it (`", "` and `": "`
/// separators), with every object's keys sorted, `"type"` first: DSPy's schema layout.
#[must_use]
pub fn dumps_sorted(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, true, &mut out);
    out
}

/// JSON as Python's `json.dumps(ensure_ascii=False)` writes it, keys in their order.
#[must_use]
pub fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, false, &mut out);
    out
}

fn write_value(value: &Value, sort: bool, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, sort, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            if sort {
                keys.sort_by(|a, b| (*a != "type", *a).cmp(&(*b != "type", *b)));
            }
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                if let Some(item) = object.get(key) {
                    write_value(item, sort, out);
                }
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_dspy() {
        assert_eq!(type_name(&Type::List(Box::new(Type::Str))), "list[str]");
        assert_eq!(
            type_name(&Type::Optional(Box::new(Type::Int))),
            "Union[int, NoneType]"
        );
        assert_eq!(
            type_name(&Type::Literal(vec![
                pipec_ir::LiteralValue::Str("a".into()),
                pipec_ir::LiteralValue::Str("b".into())
            ])),
            "Literal['a', 'b']"
        );
    }

    #[test]
    fn schemas_sort_keys_type_first() {
        let schema = json_schema(&Type::List(Box::new(Type::Int)), &[]);
        assert_eq!(
            dumps_sorted(&schema),
            r#"{"type": "array", "items": {"type": "integer"}}"#
        );
        let optional = json_schema(&Type::Optional(Box::new(Type::Str)), &[]);
        assert_eq!(
            dumps_sorted(&optional),
            r#"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#
        );
    }
}
