//! DSPy's `parse_value(value, annotation)`: one field's text (ChatAdapter) or JSON value
//! (JSONAdapter) to a Python value of the field's type.
//!
//! In order: a `str` field takes the value as it is (`str(value)`); an enum looks the
//! value up by member value, then by member name; a `Literal` accepts its values, also
//! quoted (`'x'`) or wrapped (`Literal[x]`, `str[x]`); a non-string value is validated
//! directly; `Optional[str]`-like unions validate the raw text; anything else is read by
//! json_repair, then `ast.literal_eval` if json_repair found nothing, then taken as the
//! raw text, and validated by pydantic. A DSPy type (`dspy.Code`, ...) that fails is
//! retried on the raw text.

use pipec_ir::{LiteralValue, Type};

use super::json_repair;
use super::literal_eval::literal_eval;
use super::object::Obj;
use super::validate::{Exactness, Validated, Validator};
use crate::custom_types::{EnumDef, TypeDefs};
use crate::kinds::kind_of;
use crate::text::strip;
use crate::value::{Int, Value};

/// What a field's value arrives as.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    /// The text of a `[[ ## field ## ]]` section.
    Text(&'a str),
    /// A value of the JSON object the JSONAdapter read.
    Json(&'a Value),
}

/// `parse_value(raw, ty)`.
///
/// # Errors
/// What DSPy raises as a `ValueError` (pydantic's validation error, an unknown enum
/// member, input nested too deeply), as text.
pub fn parse_value(raw: Raw<'_>, ty: &Type, types: &TypeDefs) -> Result<Validated, String> {
    let mut value = match raw {
        Raw::Text(text) => Obj::Str(text.to_owned()),
        Raw::Json(json) => Obj::from_value(json),
    };
    if *ty == Type::Str {
        return Ok(plain(Value::Str(value.python_str()), "str"));
    }
    if let Type::Named(name) = ty
        && let Some(def) = types.enumeration(name)
    {
        return find_enum_member(def, &value);
    }
    if let Type::Literal(allowed) = ty {
        let allowed: Vec<Obj> = allowed.iter().map(literal_obj).collect();
        if allowed.iter().any(|a| a.python_eq(&value)) {
            return Ok(plain(value.to_json(), value.type_name()));
        }
        if let Obj::Str(text) = &value {
            let unwrapped = unwrap_literal(text);
            let candidate = Obj::Str(unwrapped.clone());
            if allowed.iter().any(|a| a.python_eq(&candidate)) {
                return Ok(plain(Value::Str(unwrapped), "str"));
            }
            value = candidate;
        }
    }
    let validator = Validator { types };
    let validate = |obj: &Obj| {
        validator
            .validate(ty, obj)
            .map_err(|errors| super::validate::ValidationError {
                title: ty.display(),
                errors,
            })
    };
    let Obj::Str(text) = &value else {
        return validate(&value).map_err(|e| e.to_string());
    };
    if is_optional_str(ty) {
        return validate(&value).map_err(|e| e.to_string());
    }
    let repaired = json_repair::loads(text)
        .map_err(|_| "Input nesting exceeds the supported parser recursion depth.".to_owned())?;
    let candidate = if repaired == Value::str("") && !text.is_empty() {
        literal_eval(text).unwrap_or_else(|| value.clone())
    } else {
        Obj::from_value(&repaired)
    };
    match validate(&candidate) {
        Ok(valid) => Ok(valid),
        Err(error) if kind_of(ty).is_some_and(|k| k != crate::kinds::DspyKind::History) => {
            validate(&value).map_err(|_| error.to_string())
        }
        Err(error) => Err(error.to_string()),
    }
}

fn plain(value: Value, type_name: &str) -> Validated {
    Validated {
        value,
        type_name: type_name.to_owned(),
        exactness: Exactness::Exact,
        fields_set: None,
    }
}

/// A literal's value as the Python object it is.
fn literal_obj(value: &LiteralValue) -> Obj {
    match value {
        LiteralValue::Str(s) => Obj::Str(s.clone()),
        LiteralValue::Int(digits) => Int::parse(digits).map_or(Obj::None, Obj::Int),
        LiteralValue::Bool(b) => Obj::Bool(*b),
        LiteralValue::None => Obj::None,
        LiteralValue::Float(f) => Obj::Float(*f),
        LiteralValue::Imaginary(f) => Obj::Complex(0.0, *f),
        LiteralValue::Bytes(b) => Obj::Bytes(b.clone()),
        LiteralValue::Ellipsis => Obj::Ellipsis,
    }
}

/// `Literal[x]`, `str[x]`, `'x'` and `"x"` around a literal's value, removed.
fn unwrap_literal(text: &str) -> String {
    let mut v = strip(text);
    if (v.starts_with("Literal[") || v.starts_with("str[")) && v.ends_with(']') {
        let open = v.find('[').map_or(0, |at| at + 1);
        v = v.get(open..v.len() - 1).unwrap_or("");
    }
    let mut chars = v.chars();
    let (first, last) = (chars.next(), chars.next_back());
    if let (Some(f), Some(l)) = (first, last)
        && f == l
        && (f == '"' || f == '\'')
    {
        v = &v[1..v.len() - 1];
    }
    v.to_owned()
}

/// DSPy validates the raw text of a union that has both `str` and `None`.
fn is_optional_str(ty: &Type) -> bool {
    match ty {
        Type::Optional(inner) => **inner == Type::Str,
        Type::Union(members) => {
            members.contains(&Type::Str)
                && members
                    .iter()
                    .any(|m| matches!(m, Type::NoneType | Type::NoneValue))
        }
        _ => false,
    }
}

/// `find_enum_member`: by value (Python `==`), then by member name.
fn find_enum_member(def: &EnumDef, identifier: &Obj) -> Result<Validated, String> {
    let found = def
        .members
        .iter()
        .find(|m| Obj::from_value(&m.value).python_eq(identifier))
        .or_else(|| match identifier {
            Obj::Str(name) => def.members.iter().find(|m| m.name == *name),
            _ => None,
        });
    match found {
        Some(member) => Ok(plain(member.value.clone(), &def.name)),
        None => Err(format!(
            "{} is not a valid name or value for the enum {}",
            identifier.python_str(),
            def.name
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::parse_type;

    fn parsed(text: &str, ty: &str) -> String {
        let types = TypeDefs::new();
        let ty = parse_type(Some(ty), &types).unwrap_or(Type::Any);
        match parse_value(Raw::Text(text), &ty, &types) {
            Ok(v) => format!("{} {}", v.type_name, crate::value::json::dumps(&v.value)),
            Err(e) => format!("ERR {}", e.lines().nth(1).unwrap_or("").trim()),
        }
    }

    #[test]
    fn coercions_as_dspy() {
        assert_eq!(parsed("1,2", "list[int]"), "list [1, 2]");
        assert_eq!(
            parsed("1,000", "int"),
            "ERR Input should be a valid integer [type=int_type, input_value=(1, 0), input_type=tuple]"
        );
        assert_eq!(parsed("yes", "bool"), "bool true");
        assert_eq!(parsed("0x10", "int"), "int 16");
        assert_eq!(parsed("None", "Optional[str]"), "str \"None\"");
        assert_eq!(parsed("null", "Optional[int]"), "NoneType null");
        assert_eq!(parsed("'3'", "Literal[1, 2, 3]"), "int 3");
        assert_eq!(
            parsed("str[neutral]", "Literal['neutral']"),
            "str \"neutral\""
        );
        assert_eq!(parsed("{'k': None}", "Any"), "dict {\"k\": null}");
        assert_eq!(parsed("hello world", "Any"), "str \"hello world\"");
        assert_eq!(parsed("[1, \"a\"]", "tuple[int, str]"), "tuple [1, \"a\"]");
        assert_eq!(parsed("5", "Union[int, str]"), "int 5");
    }
}
