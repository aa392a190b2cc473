//! Whether a value fits a field as DSPy would take it: what `pipec prompt` asks of its
//! inputs and `pipec check` of a step's demos. A `str` field also takes a list of strings
//! (DSPy shows it as a numbered list); DSPy's own types (`dspy.History` aside) are opaque;
//! everything else goes through pydantic's lax validation.

use pipec_ir::Type;

use crate::custom_types::TypeDefs;
use crate::kinds::{DspyKind, kind_of};
use crate::parse::object::Obj;
use crate::parse::validate::validate;
use crate::value::Value;

/// Why `value` does not fit a field of type `ty`, or `None` when it does.
#[must_use]
pub fn value_problem(ty: &Type, value: &Value, types: &TypeDefs) -> Option<String> {
    match (ty, value) {
        (Type::Str, Value::Str(_)) => None,
        (Type::Str, Value::List(items)) if items.iter().all(|i| i.as_str().is_some()) => None,
        (Type::Str, _) => Some("expected a string (or a list of strings)".to_owned()),
        (ty, value) if kind_of(ty) == Some(DspyKind::History) => {
            let ok = value
                .as_object()
                .and_then(|h| h.get("messages"))
                .and_then(Value::as_list)
                .is_some_and(|m| m.iter().all(|t| t.as_object().is_some()));
            (!ok).then(|| "expected {\"messages\": [{...}, ...]}".to_owned())
        }
        (ty, _) if kind_of(ty).is_some() => None,
        (ty, value) => validate(ty, &Obj::from_value(value), types)
            .err()
            .map(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_lists_of_strings_and_validated_values() {
        let types = TypeDefs::default();
        assert_eq!(value_problem(&Type::Str, &Value::str("a"), &types), None);
        let list = Value::List(vec![Value::str("a"), Value::str("b")]);
        assert_eq!(value_problem(&Type::Str, &list, &types), None);
        assert!(value_problem(&Type::Str, &Value::int(1), &types).is_some());
        assert_eq!(value_problem(&Type::Int, &Value::str("3"), &types), None);
        assert!(value_problem(&Type::Int, &Value::str("three"), &types).is_some());
    }
}
