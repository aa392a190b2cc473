//! A plausible value for a JSON schema as pydantic writes it (DSPy puts these schemas in
//! the `# note: the value you produce must adhere to the JSON schema: ...` of a field).

use serde_json::{Map, Value, json};

/// Deepest nesting followed; deeper (recursive models) is `null`.
const MAX_DEPTH: u32 = 8;

/// A value that validates against `schema` (resolving `$ref`s in `root`'s `$defs`).
#[must_use]
pub fn example(schema: &Value, root: &Value) -> Value {
    example_at(schema, root, 0)
}

fn example_at(schema: &Value, root: &Value, depth: u32) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Some(object) = schema.as_object() else {
        return json!("example");
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/")
            .map(|path| format!("/{path}"))
            .and_then(|pointer| root.pointer(&pointer));
        return target.map_or(Value::Null, |target| example_at(target, root, depth + 1));
    }
    if let Some(default) = object.get("default") {
        return default.clone();
    }
    if let Some(constant) = object.get("const") {
        return constant.clone();
    }
    if let Some(first) = object
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(branches) = object.get(key).and_then(Value::as_array) {
            let branch = branches
                .iter()
                .find(|branch| branch.get("type").and_then(Value::as_str) != Some("null"))
                .or_else(|| branches.first());
            return branch.map_or(Value::Null, |branch| example_at(branch, root, depth + 1));
        }
    }
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or("null"),
        _ => "any",
    };
    match kind {
        "string" => {
            let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let mut text = String::from("example");
            while (text.len() as u64) < min {
                text.push('x');
            }
            if let Some(max) = object.get("maxLength").and_then(Value::as_u64) {
                text.truncate(usize::try_from(max).unwrap_or(usize::MAX));
            }
            Value::String(text)
        }
        "integer" => json!(integer(object)),
        "number" => json!(number(object)),
        "boolean" => json!(true),
        "null" => Value::Null,
        "array" => array(object, root, depth),
        "object" => {
            let mut out = Map::new();
            if let Some(properties) = object.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    out.insert(name.clone(), example_at(property, root, depth + 1));
                }
            } else if let Some(values) =
                object.get("additionalProperties").filter(|v| v.is_object())
            {
                out.insert("key".into(), example_at(values, root, depth + 1));
            }
            Value::Object(out)
        }
        _ => json!("example"),
    }
}

fn array(object: &Map<String, Value>, root: &Value, depth: u32) -> Value {
    // Tuples (`tuple[int, str]`) list one schema per position.
    if let Some(items) = object.get("prefixItems").and_then(Value::as_array) {
        return items
            .iter()
            .map(|item| example_at(item, root, depth + 1))
            .collect();
    }
    let min = object
        .get("minItems")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1);
    let max = object
        .get("maxItems")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let count = min.min(max).min(16);
    let item = object
        .get("items")
        .map_or(json!("example"), |items| example_at(items, root, depth + 1));
    (0..count).map(|_| item.clone()).collect()
}

fn integer(object: &Map<String, Value>) -> i64 {
    let bound = |key: &str| object.get(key).and_then(Value::as_f64);
    let mut value: f64 = 1.0;
    if let Some(min) = bound("minimum") {
        value = value.max(min.ceil());
    }
    if let Some(min) = bound("exclusiveMinimum") {
        value = value.max(min.floor() + 1.0);
    }
    if let Some(max) = bound("maximum") {
        value = value.min(max.floor());
    }
    if let Some(max) = bound("exclusiveMaximum") {
        value = value.min(max.ceil() - 1.0);
    }
    if let Some(step) = bound("multipleOf").filter(|step| *step >= 1.0) {
        value = (value / step).ceil() * step;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "bounds of a plausible example"
    )]
    let value = value as i64;
    value
}

fn number(object: &Map<String, Value>) -> f64 {
    let bound = |key: &str| object.get(key).and_then(Value::as_f64);
    let low = bound("minimum").or(bound("exclusiveMinimum"));
    let high = bound("maximum").or(bound("exclusiveMaximum"));
    match (low, high) {
        (Some(low), Some(high)) => (low + high) / 2.0,
        (Some(low), None) => low + 0.5,
        (None, Some(high)) => high - 0.5,
        (None, None) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pydantic_models_get_every_property() {
        let schema = json!({"type": "object", "properties": {
            "conf": {"type": "number", "default": 0.5, "title": "Conf"},
            "text": {"type": "string", "title": "Text"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "n": {"type": "integer", "minimum": 3},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
            "level": {"$ref": "#/$defs/Level"}},
            "required": ["text"], "title": "Ans",
            "$defs": {"Level": {"enum": ["low", "high"], "type": "string"}}});
        assert_eq!(
            example(&schema, &schema),
            json!({"conf": 0.5, "text": "example", "tags": ["example"], "n": 3, "maybe": true,
                   "level": "low"})
        );
    }

    #[test]
    fn containers_scalars_and_bounds() {
        let check =
            |schema: Value, expected: Value| assert_eq!(example(&schema, &schema), expected);
        check(
            json!({"type": "array", "items": {"type": "integer"}, "minItems": 2}),
            json!([1, 1]),
        );
        check(json!({"type": "array", "maxItems": 0}), json!([]));
        check(
            json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]}),
            json!([1, "example"]),
        );
        check(
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            json!({"key": 1}),
        );
        check(json!({"type": "integer", "exclusiveMaximum": 0}), json!(-1));
        check(
            json!({"type": "number", "minimum": 0, "maximum": 1}),
            json!(0.5),
        );
        check(
            json!({"type": "string", "minLength": 10}),
            json!("examplexxx"),
        );
        check(json!({}), json!("example"));
    }

    #[test]
    fn recursion_stops() {
        let schema = json!({"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object",
            "properties": {"next": {"$ref": "#/$defs/Node"}}}}});
        let value = example(&schema, &schema);
        assert!(value.to_string().contains("null"), "{value}");
    }
}
