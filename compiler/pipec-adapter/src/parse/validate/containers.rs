//! pydantic's collections: a list, set or tuple accepts any of the three (exactly only
//! its own kind), a dict only a dict; items are validated one by one and their errors
//! located by index or key.

use pipec_ir::Type;

use super::error::{LineError, inside};
use super::{Exactness, Outcome, Validated, Validator};
use crate::parse::object::Obj;
use crate::value::{Map, Value};

impl Validator<'_> {
    /// The items of a list, tuple or set input, and whether it is of kind `exact`.
    fn sequence(obj: &Obj, exact: fn(&Obj) -> bool) -> Option<(&[Obj], Exactness)> {
        let exactness = if exact(obj) {
            Exactness::Exact
        } else {
            Exactness::Lax
        };
        match obj {
            Obj::List(items) | Obj::Tuple(items) | Obj::Set(items) => Some((items, exactness)),
            _ => None,
        }
    }

    /// Validate each item as `ty`, collecting every error.
    fn items(
        &self,
        ty: &Type,
        items: &[Obj],
        mut exactness: Exactness,
    ) -> Result<(Vec<Value>, Exactness), Vec<LineError>> {
        let mut values = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match self.validate(ty, item) {
                Ok(v) => {
                    exactness = exactness.min(v.exactness);
                    values.push(v.value);
                }
                Err(e) => errors.extend(inside(e, &i.to_string())),
            }
        }
        if errors.is_empty() {
            Ok((values, exactness))
        } else {
            Err(errors)
        }
    }

    /// `list[T]`.
    pub(super) fn list(&self, item: Option<&Type>, obj: &Obj) -> Outcome {
        let Some((items, exactness)) = Self::sequence(obj, |o| matches!(o, Obj::List(_))) else {
            return Err(vec![LineError::new(
                "list_type",
                "Input should be a valid list",
                obj,
            )]);
        };
        let (values, exactness) = self.items(item.unwrap_or(&Type::Any), items, exactness)?;
        Ok(Validated::new(Value::List(values), "list", exactness))
    }

    /// `set[T]` / `frozenset[T]`: equal items kept once.
    pub(super) fn set(&self, item: Option<&Type>, obj: &Obj, type_name: &'static str) -> Outcome {
        let Some((items, exactness)) = Self::sequence(obj, |o| matches!(o, Obj::Set(_))) else {
            return Err(vec![LineError::new(
                "set_type",
                "Input should be a valid set",
                obj,
            )]);
        };
        let (values, exactness) = self.items(item.unwrap_or(&Type::Any), items, exactness)?;
        let mut unique: Vec<Value> = Vec::with_capacity(values.len());
        for value in values {
            if !unique.iter().any(|u| u.python_eq(&value)) {
                unique.push(value);
            }
        }
        Ok(Validated::new(Value::List(unique), type_name, exactness))
    }

    /// `tuple[A, B]` (`fixed`) or `tuple[T, ...]` (`variable`).
    pub(super) fn tuple(
        &self,
        fixed: Option<&[Type]>,
        variable: Option<&Type>,
        obj: &Obj,
    ) -> Outcome {
        let Some((items, exactness)) = Self::sequence(obj, |o| matches!(o, Obj::Tuple(_))) else {
            return Err(vec![LineError::new(
                "tuple_type",
                "Input should be a valid tuple",
                obj,
            )]);
        };
        let Some(types) = fixed else {
            let (values, exactness) =
                self.items(variable.unwrap_or(&Type::Any), items, exactness)?;
            return Ok(Validated::new(Value::List(values), "tuple", exactness));
        };
        if items.len() > types.len() {
            return Err(vec![LineError::new(
                "too_long",
                format!(
                    "Tuple should have at most {} item{} after validation, not {}",
                    types.len(),
                    if types.len() == 1 { "" } else { "s" },
                    items.len()
                ),
                obj,
            )]);
        }
        let mut values = Vec::with_capacity(types.len());
        let mut errors = Vec::new();
        let mut exactness = exactness;
        for (i, ty) in types.iter().enumerate() {
            match items.get(i) {
                Some(item) => match self.validate(ty, item) {
                    Ok(v) => {
                        exactness = exactness.min(v.exactness);
                        values.push(v.value);
                    }
                    Err(e) => errors.extend(inside(e, &i.to_string())),
                },
                None => errors
                    .push(LineError::new("missing", "Field required", obj).inside(i.to_string())),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Validated::new(Value::List(values), "tuple", exactness))
    }

    /// `dict[K, V]`: keys validated as `K` and written as JSON keys.
    pub(super) fn dict(&self, key: Option<&Type>, value: Option<&Type>, obj: &Obj) -> Outcome {
        let Obj::Dict(entries) = obj else {
            return Err(vec![LineError::new(
                "dict_type",
                "Input should be a valid dictionary",
                obj,
            )]);
        };
        let key_type = key.unwrap_or(&Type::Any);
        let value_type = value.unwrap_or(&Type::Any);
        let mut map = Map::new();
        let mut errors = Vec::new();
        let mut exactness = Exactness::Exact;
        for (k, v) in entries {
            let label = k.python_str();
            let key = match self.validate(key_type, k) {
                Ok(key) => Some(key),
                Err(e) => {
                    errors.extend(inside(inside(e, "[key]"), &label));
                    None
                }
            };
            match self.validate(value_type, v) {
                Ok(valid) => {
                    if let Some(key) = key {
                        exactness = exactness.min(key.exactness).min(valid.exactness);
                        map.insert(json_key(&key.value), valid.value);
                    }
                }
                Err(e) => errors.extend(inside(e, &label)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Validated::new(Value::Object(map), "dict", exactness))
    }
}

/// A validated key as `model_dump(mode="json")` writes it.
fn json_key(key: &Value) -> String {
    match key {
        Value::Str(s) => s.clone(),
        Value::Bool(true) => "true".into(),
        Value::Bool(false) => "false".into(),
        Value::Null => "null".into(),
        other => crate::value::python::str_of(other),
    }
}
