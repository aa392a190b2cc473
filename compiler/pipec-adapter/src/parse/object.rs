//! [`Obj`]: the Python objects a completion's text turns into before pydantic validates
//! it (what json_repair and `ast.literal_eval` return): JSON's values plus tuples,
//! sets, bytes, complex numbers, `...`, and dicts with non-string keys.

use crate::value::python::{float_repr, repr_of};
use crate::value::{Int, Map, Value};

/// A Python object of the kinds a literal can build.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    /// `None`.
    None,
    /// `bool`.
    Bool(bool),
    /// `int`.
    Int(Int),
    /// `float`.
    Float(f64),
    /// `complex` (real, imaginary).
    Complex(f64, f64),
    /// `str`.
    Str(String),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `Ellipsis`.
    Ellipsis,
    /// `list`.
    List(Vec<Obj>),
    /// `tuple`.
    Tuple(Vec<Obj>),
    /// `set` (first occurrences kept, in order).
    Set(Vec<Obj>),
    /// `dict`.
    Dict(Vec<(Obj, Obj)>),
}

impl Obj {
    /// The Python object json's values are.
    #[must_use]
    pub fn from_value(value: &Value) -> Obj {
        match value {
            Value::Null => Obj::None,
            Value::Bool(b) => Obj::Bool(*b),
            Value::Int(i) => Obj::Int(i.clone()),
            Value::Float(f) => Obj::Float(*f),
            Value::Str(s) => Obj::Str(s.clone()),
            Value::List(items) => Obj::List(items.iter().map(Obj::from_value).collect()),
            Value::Object(map) => Obj::Dict(
                map.iter()
                    .map(|(k, v)| (Obj::Str(k.clone()), Obj::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// `type(obj).__name__`.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Obj::None => "NoneType",
            Obj::Bool(_) => "bool",
            Obj::Int(_) => "int",
            Obj::Float(_) => "float",
            Obj::Complex(..) => "complex",
            Obj::Str(_) => "str",
            Obj::Bytes(_) => "bytes",
            Obj::Ellipsis => "ellipsis",
            Obj::List(_) => "list",
            Obj::Tuple(_) => "tuple",
            Obj::Set(_) => "set",
            Obj::Dict(_) => "dict",
        }
    }

    /// The value as pydantic's `model_dump(mode="json")` writes it: tuples and sets as
    /// lists, bytes as UTF-8 text, dict keys as strings.
    #[must_use]
    pub fn to_json(&self) -> Value {
        match self {
            Obj::None => Value::Null,
            Obj::Bool(b) => Value::Bool(*b),
            Obj::Int(i) => Value::Int(i.clone()),
            Obj::Float(f) => Value::Float(*f),
            Obj::Str(s) => Value::Str(s.clone()),
            Obj::Bytes(b) => Value::Str(String::from_utf8_lossy(b).into_owned()),
            Obj::Complex(..) | Obj::Ellipsis => Value::Str(self.python_str()),
            Obj::List(items) | Obj::Tuple(items) | Obj::Set(items) => {
                Value::List(items.iter().map(Obj::to_json).collect())
            }
            Obj::Dict(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.json_key(), v.to_json()))
                    .collect::<Map>(),
            ),
        }
    }

    /// A dict key as JSON writes it.
    fn json_key(&self) -> String {
        match self {
            Obj::Str(s) => s.clone(),
            Obj::Bool(true) => "true".into(),
            Obj::Bool(false) => "false".into(),
            Obj::None => "null".into(),
            other => other.python_str(),
        }
    }

    /// `str(obj)`.
    #[must_use]
    pub fn python_str(&self) -> String {
        match self {
            Obj::Str(s) => s.clone(),
            other => other.python_repr(),
        }
    }

    /// `repr(obj)`.
    #[must_use]
    pub fn python_repr(&self) -> String {
        let join = |items: &[Obj]| {
            items
                .iter()
                .map(Obj::python_repr)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Obj::None | Obj::Bool(_) | Obj::Int(_) | Obj::Str(_) => repr_of(&self.to_json()),
            Obj::Float(f) => float_repr(*f),
            Obj::Complex(re, im) => {
                let imag = pipec_ir::LiteralValue::Imaginary(*im).display();
                if *re == 0.0 && re.is_sign_positive() {
                    imag
                } else if im.is_sign_negative() {
                    format!("({}{imag})", float_repr(*re).trim_end_matches(".0"))
                } else {
                    format!("({}+{imag})", float_repr(*re).trim_end_matches(".0"))
                }
            }
            Obj::Bytes(b) => pipec_ir::LiteralValue::Bytes(b.clone()).display(),
            Obj::Ellipsis => "Ellipsis".into(),
            Obj::List(items) => format!("[{}]", join(items)),
            Obj::Tuple(items) if items.len() == 1 => format!("({},)", join(items)),
            Obj::Tuple(items) => format!("({})", join(items)),
            Obj::Set(items) if items.is_empty() => "set()".into(),
            Obj::Set(items) => format!("{{{}}}", join(items)),
            Obj::Dict(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.python_repr(), v.python_repr()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Whether Python can hash it (a set member, a dict key).
    #[must_use]
    pub fn is_hashable(&self) -> bool {
        match self {
            Obj::List(_) | Obj::Set(_) | Obj::Dict(_) => false,
            Obj::Tuple(items) => items.iter().all(Obj::is_hashable),
            _ => true,
        }
    }

    /// Python's `==`: numbers compare across `bool`, `int`, `float` and `complex`;
    /// containers compare item by item (sets and dicts regardless of order).
    #[must_use]
    pub fn python_eq(&self, other: &Obj) -> bool {
        if let (Some(a), Some(b)) = (self.as_complex(), other.as_complex()) {
            return match (self.as_int(), other.as_int()) {
                (Some(x), Some(y)) => x == y,
                (Some(x), None) if b.1 == 0.0 => {
                    x.cmp_float(b.0) == Some(std::cmp::Ordering::Equal)
                }
                (None, Some(y)) if a.1 == 0.0 => {
                    y.cmp_float(a.0) == Some(std::cmp::Ordering::Equal)
                }
                _ => a == b,
            };
        }
        match (self, other) {
            (Obj::None, Obj::None) | (Obj::Ellipsis, Obj::Ellipsis) => true,
            (Obj::Str(a), Obj::Str(b)) => a == b,
            (Obj::Bytes(a), Obj::Bytes(b)) => a == b,
            (Obj::List(a), Obj::List(b)) | (Obj::Tuple(a), Obj::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.python_eq(y))
            }
            (Obj::Set(a), Obj::Set(b)) => {
                a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| x.python_eq(y)))
            }
            (Obj::Dict(a), Obj::Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k.python_eq(k2) && v.python_eq(v2)))
            }
            _ => false,
        }
    }

    /// An exact integer value (`bool` and `int`).
    fn as_int(&self) -> Option<Int> {
        match self {
            Obj::Bool(b) => Some(Int::from(i64::from(*b))),
            Obj::Int(i) => Some(i.clone()),
            _ => None,
        }
    }

    /// The value as a complex number, when it is a number.
    fn as_complex(&self) -> Option<(f64, f64)> {
        match self {
            Obj::Bool(b) => Some((f64::from(u8::from(*b)), 0.0)),
            Obj::Int(i) => Some((i.to_f64(), 0.0)),
            Obj::Float(f) => Some((*f, 0.0)),
            Obj::Complex(re, im) => Some((*re, *im)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_equality_and_printing() {
        assert!(Obj::Bool(true).python_eq(&Obj::Int(Int::from(1i64))));
        assert!(Obj::Int(Int::from(1i64)).python_eq(&Obj::Float(1.0)));
        assert!(!Obj::Str("1".into()).python_eq(&Obj::Int(Int::from(1i64))));
        let tuple = Obj::Tuple(vec![Obj::Int(Int::from(1i64)), Obj::Str("a".into())]);
        assert_eq!(tuple.python_repr(), "(1, 'a')");
        assert_eq!(Obj::Tuple(vec![Obj::None]).python_repr(), "(None,)");
        assert_eq!(Obj::Complex(1.0, 2.0).python_repr(), "(1+2j)");
        assert_eq!(Obj::Complex(0.0, 2.0).python_repr(), "2j");
        assert_eq!(
            tuple.to_json(),
            Value::List(vec![Value::int(1), Value::str("a")])
        );
        assert!(!Obj::List(vec![]).is_hashable());
    }
}
