//! Literals, enums and models as pydantic validates them: a literal matches by value
//! (`2.0` is `Literal[2]`, `1` is `Literal[True]`, a string never matches a number),
//! an enum by member value only, a model from a dict (extra keys ignored, missing
//! fields defaulted or reported, field constraints enforced).

use pipec_ir::{LiteralValue, Type};

use super::error::{LineError, inside};
use super::{Exactness, Outcome, Validated, Validator};
use crate::custom_types::{EnumDef, ModelDef, ModelField};
use crate::parse::object::Obj;
use crate::schema::literal_json;
use crate::signature::{Constraint, ConstraintKind};
use crate::value::{Int, Map, Value};

/// `Literal[...]`: an exact match first, then a numeric one.
pub fn literal(values: &[LiteralValue], obj: &Obj) -> Outcome {
    let result = |expected: &LiteralValue, exactness| {
        let value = literal_json(expected).unwrap_or(Value::Null);
        let type_name = literal_type_name(expected);
        Ok(Validated::new(value, type_name, exactness))
    };
    if let Some(exact) = values.iter().find(|v| literal_matches_exactly(v, obj)) {
        return result(exact, Exactness::Exact);
    }
    if let Some(lax) = values.iter().find(|v| literal_matches_number(v, obj)) {
        return result(lax, Exactness::Lax);
    }
    let expected: Vec<String> = values.iter().map(LiteralValue::display).collect();
    let listed = match expected.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    Err(vec![LineError::new(
        "literal_error",
        format!("Input should be {listed}"),
        obj,
    )])
}

fn literal_type_name(value: &LiteralValue) -> &'static str {
    match value {
        LiteralValue::Str(_) => "str",
        LiteralValue::Int(_) => "int",
        LiteralValue::Bool(_) => "bool",
        LiteralValue::None => "NoneType",
        LiteralValue::Float(_) => "float",
        LiteralValue::Imaginary(_) => "complex",
        LiteralValue::Bytes(_) => "bytes",
        LiteralValue::Ellipsis => "ellipsis",
    }
}

fn literal_matches_exactly(expected: &LiteralValue, obj: &Obj) -> bool {
    match (expected, obj) {
        (LiteralValue::Str(e), Obj::Str(s)) => e == s,
        (LiteralValue::Int(e), Obj::Int(i)) => Int::parse(e).is_some_and(|e| e == *i),
        (LiteralValue::Bool(e), Obj::Bool(b)) => e == b,
        (LiteralValue::None, Obj::None) | (LiteralValue::Ellipsis, Obj::Ellipsis) => true,
        (LiteralValue::Float(e), Obj::Float(f)) => e == f,
        (LiteralValue::Bytes(e), Obj::Bytes(b)) => e == b,
        _ => false,
    }
}

/// A number of another type equal to a numeric literal (`True` for `1`, `2.0` for `2`).
fn literal_matches_number(expected: &LiteralValue, obj: &Obj) -> bool {
    let expected = match expected {
        LiteralValue::Int(e) => Int::parse(e).map_or(Obj::None, Obj::Int),
        LiteralValue::Bool(b) => Obj::Bool(*b),
        LiteralValue::Float(f) => Obj::Float(*f),
        _ => return false,
    };
    matches!(obj, Obj::Int(_) | Obj::Bool(_) | Obj::Float(_)) && expected.python_eq(obj)
}

impl Validator<'_> {
    /// A declared model or enum.
    pub(super) fn named(&self, name: &str, obj: &Obj) -> Outcome {
        if let Some(model) = self.types.model(name) {
            return self.model(model, obj);
        }
        if let Some(def) = self.types.enumeration(name) {
            return enum_by_value(def, obj);
        }
        Err(vec![LineError::new(
            "unknown_type",
            format!("no type named `{name}` is declared"),
            obj,
        )])
    }

    fn model(&self, model: &ModelDef, obj: &Obj) -> Outcome {
        let Obj::Dict(entries) = obj else {
            return Err(vec![LineError::new(
                "model_type",
                format!(
                    "Input should be a valid dictionary or instance of {}",
                    model.name
                ),
                obj,
            )]);
        };
        let mut fields = Map::new();
        let mut errors = Vec::new();
        let mut fields_set = 0;
        for field in &model.fields {
            let given = entries
                .iter()
                .find(|(k, _)| matches!(k, Obj::Str(s) if *s == field.name))
                .map(|(_, v)| v);
            match (given, &field.default) {
                (Some(value), _) => match self.field(field, value) {
                    Ok(value) => {
                        fields_set += 1;
                        fields.insert(field.name.clone(), value);
                    }
                    Err(e) => errors.extend(inside(e, &field.name)),
                },
                (None, Some(default)) => fields.insert(field.name.clone(), default.clone()),
                (None, None) => errors.push(
                    LineError::new("missing", "Field required", obj).inside(field.name.clone()),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Validated {
            value: Value::Object(fields),
            type_name: model.name.clone(),
            exactness: Exactness::Lax,
            fields_set: Some(fields_set),
        })
    }

    /// A model field: its type, then its constraints.
    fn field(&self, field: &ModelField, obj: &Obj) -> Result<Value, Vec<LineError>> {
        let valid = self.validate(&field.ty, obj)?;
        let errors: Vec<LineError> = field
            .constraints
            .iter()
            .filter_map(|c| violation(c, &valid.value, obj))
            .collect();
        if errors.is_empty() {
            Ok(valid.value)
        } else {
            Err(errors)
        }
    }
}

/// The enum member whose value equals the input (pydantic does not look at names).
fn enum_by_value(def: &EnumDef, obj: &Obj) -> Outcome {
    let member = def.members.iter().find(|m| {
        let value = Obj::from_value(&m.value);
        let comparable = matches!(
            (&value, obj),
            (Obj::Str(_), Obj::Str(_))
                | (
                    Obj::Int(_) | Obj::Float(_) | Obj::Bool(_),
                    Obj::Int(_) | Obj::Float(_) | Obj::Bool(_)
                )
                | (Obj::None, Obj::None)
        );
        comparable && value.python_eq(obj)
    });
    match member {
        Some(m) => Ok(Validated::new(
            m.value.clone(),
            def.name.clone(),
            Exactness::Lax,
        )),
        None => {
            let values: Vec<String> = def
                .members
                .iter()
                .map(|m| Obj::from_value(&m.value).python_repr())
                .collect();
            let listed = match values.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
            };
            Err(vec![LineError::new(
                "enum",
                format!("Input should be {listed}"),
                obj,
            )])
        }
    }
}

/// The error for a constraint the validated value breaks, if it does.
fn violation(constraint: &Constraint, value: &Value, obj: &Obj) -> Option<LineError> {
    let bound = number(&constraint.value)?;
    let bound_text = crate::value::python::str_of(&constraint.value);
    let length = match value {
        Value::Str(s) => Some(s.chars().count()),
        Value::List(items) => Some(items.len()),
        Value::Object(map) => Some(map.len()),
        _ => None,
    };
    let (kind, message, ok) = match constraint.kind {
        ConstraintKind::Gt => (
            "greater_than",
            format!("Input should be greater than {bound_text}"),
            number(value)? > bound,
        ),
        ConstraintKind::Ge => (
            "greater_than_equal",
            format!("Input should be greater than or equal to {bound_text}"),
            number(value)? >= bound,
        ),
        ConstraintKind::Lt => (
            "less_than",
            format!("Input should be less than {bound_text}"),
            number(value)? < bound,
        ),
        ConstraintKind::Le => (
            "less_than_equal",
            format!("Input should be less than or equal to {bound_text}"),
            number(value)? <= bound,
        ),
        ConstraintKind::MultipleOf => {
            let v = number(value)?;
            (
                "multiple_of",
                format!("Input should be a multiple of {bound_text}"),
                bound != 0.0 && (v / bound).fract() == 0.0,
            )
        }
        ConstraintKind::MinLength => {
            #[allow(clippy::cast_precision_loss, reason = "lengths are small")]
            let ok = length? as f64 >= bound;
            (
                "too_short",
                format!("Value should have at least {bound_text} items"),
                ok,
            )
        }
        ConstraintKind::MaxLength => {
            #[allow(clippy::cast_precision_loss, reason = "lengths are small")]
            let ok = length? as f64 <= bound;
            (
                "too_long",
                format!("Value should have at most {bound_text} items"),
                ok,
            )
        }
    };
    (!ok).then(|| LineError::new(kind, message, obj))
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(i.to_f64()),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Whether a type admits `None` as DSPy's `annotation_allows_none` decides (a `None`
/// member of a union, at any depth; not `Literal[None]`).
#[must_use]
pub fn allows_none(ty: &Type) -> bool {
    match ty {
        Type::NoneType | Type::NoneValue | Type::Optional(_) => true,
        Type::Union(members) => members.iter().any(allows_none),
        _ => false,
    }
}
