//! [`Value`]: the JSON values DSPy's adapters receive (inputs, demos) and produce (parsed
//! outputs), as Python holds them: objects keep their key order, and an `int` differs from
//! a `float` (`1` is not `1.0`) and may be of any size.
//!
//! `serde_json::Value` loses both (its maps are sorted and its integers bounded unless
//! features that would change every other crate's output are enabled), so the adapter has
//! its own; [`json`] reads and writes it as Python's `json` module does, and
//! [`python`] prints it as Python's `str()` and `repr()` do.

pub mod int;
pub mod json;
pub mod python;

use std::collections::HashMap;

pub use int::Int;

/// A JSON value as Python holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None` / `null`.
    Null,
    /// `True` / `true`.
    Bool(bool),
    /// An `int`.
    Int(Int),
    /// A `float` (which may be `inf` or `nan`, as Python's json reads `Infinity`, `NaN`).
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `list`.
    List(Vec<Value>),
    /// A `dict` with string keys, in insertion order.
    Object(Map),
}

/// A `dict` with string keys in insertion order. Setting an existing key replaces its
/// value in place, as Python does. Lookups go through a hash index, so reading an object
/// with many keys stays linear.
#[derive(Debug, Clone, Default)]
pub struct Map {
    entries: Vec<(String, Value)>,
    index: HashMap<String, usize>,
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.entries == other.entries
    }
}

impl Map {
    /// An empty map.
    #[must_use]
    pub fn new() -> Map {
        Map::default()
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.index
            .get(key)
            .and_then(|&i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// Set `key`, keeping its place when it is already present.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.index.get(&key) {
            Some(&i) => {
                if let Some(slot) = self.entries.get_mut(i) {
                    slot.1 = value;
                }
            }
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    /// Remove `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.index.remove(key)?;
        let (_, value) = self.entries.remove(at);
        for slot in self.index.values_mut() {
            if *slot > at {
                *slot -= 1;
            }
        }
        Some(value)
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// How many entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Value {
    /// A string value.
    #[must_use]
    pub fn str(text: impl Into<String>) -> Value {
        Value::Str(text.into())
    }

    /// An integer value.
    #[must_use]
    pub fn int(value: i64) -> Value {
        Value::Int(Int::from(value))
    }

    /// The string, when it is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The map, when it is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The items, when it is a list.
    #[must_use]
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// Whether it is `None`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Python's name for the type of this value (`str`, `int`, `NoneType`, ...).
    #[must_use]
    pub fn python_type_name(&self) -> &'static str {
        match self {
            Value::Null => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Object(_) => "dict",
        }
    }

    /// Python's `==` between two JSON values: `1 == 1.0` and `True == 1`, objects equal
    /// regardless of key order.
    #[must_use]
    pub fn python_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.python_eq(w)))
            }
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.python_eq(y))
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Null, Value::Null) => true,
            _ => match (self.as_number(), other.as_number()) {
                (Some(a), Some(b)) => a.equals(&b),
                _ => false,
            },
        }
    }

    /// The value as a number, when it is a bool, an int or a float.
    fn as_number(&self) -> Option<Number> {
        match self {
            Value::Bool(b) => Some(Number::Int(Int::from(i64::from(*b)))),
            Value::Int(i) => Some(Number::Int(i.clone())),
            Value::Float(f) => Some(Number::Float(*f)),
            _ => None,
        }
    }
}

/// A numeric value for Python's mixed int/float comparisons.
enum Number {
    Int(Int),
    Float(f64),
}

impl Number {
    fn equals(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            (Number::Int(a), Number::Float(b)) | (Number::Float(b), Number::Int(a)) => {
                a.cmp_float(*b) == Some(std::cmp::Ordering::Equal)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keep_insertion_order_and_replace_in_place() {
        let mut map = Map::new();
        map.insert("b", Value::int(1));
        map.insert("a", Value::int(2));
        map.insert("b", Value::int(3));
        let keys: Vec<&String> = map.keys().collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(map.get("b"), Some(&Value::int(3)));
    }

    #[test]
    fn python_equality_mixes_numbers() {
        assert!(Value::int(1).python_eq(&Value::Float(1.0)));
        assert!(Value::Bool(true).python_eq(&Value::int(1)));
        assert!(!Value::int(1).python_eq(&Value::str("1")));
    }
}
