//! pydantic 2's `TypeAdapter(T).validate_python(obj)` in lax mode, as DSPy runs it on
//! the object json_repair or `literal_eval` made of a field's text (or on the JSON value
//! the JSONAdapter read).
//!
//! Each validator returns the value as `model_dump(mode="json")` would write it, the
//! Python type name of the result, and how exactly the input matched (pydantic-core's
//! *exactness*), which is what its "smart" unions choose by ([`union`]). The coercions
//! are pydantic's: `"42"` and `3.0` are ints, `"yes"` and `1` are bools, a tuple is a
//! list, a dict is a model; see [`scalars`], [`containers`], [`declared`].

pub mod containers;
pub mod declared;
pub mod dspy_types;
pub mod error;
pub mod scalars;
pub mod union;

use pipec_ir::{Collection, Type};

pub use error::{LineError, ValidationError};

use super::object::Obj;
use crate::custom_types::TypeDefs;
use crate::value::Value;

/// How exactly an input matched its type, in pydantic-core's order: a union prefers
/// the member that matched most exactly (the first on a tie).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exactness {
    /// Only after a lax-mode coercion (`"42"` → `42`).
    Lax,
    /// Allowed in strict mode, but not the same type (`1` → `1.0`).
    Strict,
    /// The very type.
    Exact,
}

/// A validated value.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// The value as JSON (`model_dump(mode="json")`).
    pub value: Value,
    /// The Python type of the validated object (`int`, `tuple`, a model's name).
    pub type_name: String,
    /// How exactly the input matched.
    pub exactness: Exactness,
    /// For a model, how many of its fields the input set (unions prefer more).
    pub fields_set: Option<usize>,
}

impl Validated {
    fn new(value: Value, type_name: impl Into<String>, exactness: Exactness) -> Validated {
        Validated {
            value,
            type_name: type_name.into(),
            exactness,
            fields_set: None,
        }
    }
}

/// The result of validating part of an input: the errors carry their location.
pub type Outcome = Result<Validated, Vec<LineError>>;

/// `TypeAdapter(ty).validate_python(obj)`.
///
/// # Errors
/// pydantic's validation errors, with their locations.
pub fn validate(ty: &Type, obj: &Obj, types: &TypeDefs) -> Result<Validated, ValidationError> {
    Validator { types }
        .validate(ty, obj)
        .map_err(|errors| ValidationError {
            title: ty.display(),
            errors,
        })
}

/// The declared types validation resolves names in.
#[derive(Clone, Copy)]
pub struct Validator<'t> {
    /// Records and enums.
    pub types: &'t TypeDefs,
}

impl Validator<'_> {
    /// Validate `obj` as `ty`.
    ///
    /// # Errors
    /// The problems found, each with its location.
    pub fn validate(&self, ty: &Type, obj: &Obj) -> Outcome {
        match ty {
            Type::Any => Ok(Validated::new(
                obj.to_json(),
                obj.type_name(),
                Exactness::Exact,
            )),
            Type::Str => scalars::string(obj),
            Type::Int => scalars::int(obj),
            Type::Float => scalars::float(obj),
            Type::Bool => scalars::boolean(obj),
            Type::Bytes => scalars::bytes(obj),
            Type::Complex => scalars::complex(obj),
            Type::NoneType | Type::NoneValue => scalars::none(obj),
            Type::List(item) => self.list(Some(item), obj),
            Type::Set(item) => self.set(Some(item), obj, "set"),
            Type::FrozenSet(item) => self.set(Some(item), obj, "frozenset"),
            Type::Tuple(items) => self.tuple(Some(items), None, obj),
            Type::VarTuple(item) => self.tuple(None, Some(item), obj),
            Type::Dict(key, value) => self.dict(Some(key), Some(value), obj),
            Type::Bare(collection) => self.collection(*collection, &[], obj),
            Type::Generic(collection, args) => self.collection(*collection, args, obj),
            Type::Optional(inner) => match obj {
                Obj::None => Ok(Validated::new(Value::Null, "NoneType", Exactness::Exact)),
                other => self.validate(inner, other),
            },
            Type::Union(members) => self.union(members, obj),
            Type::Literal(values) => declared::literal(values, obj),
            Type::Named(name) => self.named(name, obj),
            Type::External(external) => dspy_types::validate(&external.path, obj),
            Type::Record(_) => Err(vec![LineError::new(
                "unsupported",
                format!("pipec cannot validate `{}`", ty.display()),
                obj,
            )]),
        }
    }

    /// A collection written without its usual arguments (pydantic reads the first one of
    /// a list or set, the first two of a dict; a missing one is `Any`).
    fn collection(&self, collection: Collection, args: &[Type], obj: &Obj) -> Outcome {
        match collection {
            Collection::List => self.list(args.first(), obj),
            Collection::Set => self.set(args.first(), obj, "set"),
            Collection::FrozenSet => self.set(args.first(), obj, "frozenset"),
            Collection::Tuple if args.is_empty() => self.tuple(None, Some(&Type::Any), obj),
            Collection::Tuple => self.tuple(Some(args), None, obj),
            Collection::Dict => self.dict(args.first(), args.get(1), obj),
        }
    }
}
