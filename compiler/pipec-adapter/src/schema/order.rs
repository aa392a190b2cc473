//! DSPy's `move_type_to_front`: every object's keys sorted with `"type"` first and the
//! rest by code point, recursively (inside `properties`, `$defs` and defaults too).

use crate::value::{Map, Value};

/// The schema with every object's keys in DSPy's order.
#[must_use]
pub fn move_type_to_front(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| (*a != "type", *a).cmp(&(*b != "type", *b)));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), move_type_to_front(v)))
                    .collect::<Map>(),
            )
        }
        Value::List(items) => Value::List(items.iter().map(move_type_to_front).collect()),
        other => other.clone(),
    }
}
