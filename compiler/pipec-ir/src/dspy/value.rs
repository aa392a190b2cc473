//! The Python objects a signature's type expressions evaluate to, as far as pipec models
//! them: the classes and `typing` forms DSPy 3.4.1 resolves, generic aliases of both kinds
//! (`list[int]` is a `types.GenericAlias` that keeps its arguments as written; `List[int]`
//! is a `typing` alias that checks them and turns `None` into `NoneType`), unions,
//! literals, and the constants that may appear inside them.

use std::ops::Range;

use crate::ir::{Collection, ExternalType, LiteralValue};

/// A value with the range of the expression it came from (for errors). Equality ignores
/// the range.
#[derive(Debug, Clone)]
pub struct Spanned {
    /// The value.
    pub value: Value,
    /// Where its expression is written.
    pub range: Range<usize>,
}

impl PartialEq for Spanned {
    fn eq(&self, other: &Spanned) -> bool {
        self.value == other.value
    }
}

/// A Python object.
#[derive(Debug, Clone)]
pub enum Value {
    /// A class usable as a type.
    Class(Class),
    /// `typing.Optional`, `Union`, `Literal` or `Annotated`, not subscripted.
    Special(Special),
    /// `typing.List`, `Dict`, `Set`, `FrozenSet` or `Tuple`, not subscripted.
    TypingBare(Collection),
    /// A module (`dspy`, `datetime`, `typing`, ...).
    Module(&'static str),
    /// `list[...]` etc.: arguments kept as written.
    BuiltinGeneric(Collection, Vec<Spanned>),
    /// `List[...]` etc.: arguments checked by `typing`.
    TypingGeneric(Collection, Vec<Spanned>),
    /// `typing.Union[...]` of two or more members, flattened and de-duplicated.
    Union(Vec<Spanned>),
    /// `Literal[...]`, flattened and de-duplicated.
    Literal(Vec<LiteralValue>),
    /// `Annotated[T, metadata...]`: the type, and whether some metadata is a `Field(...)`.
    Annotated(Box<Spanned>, bool),
    /// `dspy.Code[...]`: its arguments' `repr`s.
    Code(Vec<String>),
    /// A constant: `None`, `3`, `'a'`, `...`.
    Constant(LiteralValue),
    /// A tuple of values (a parenthesised tuple).
    Tuple(Vec<Spanned>),
    /// A pydantic `Field(...)`.
    Field,
}

/// The classes pipec models.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    /// `int`, `str`, `float`, `bool`, `bytes`, `complex`.
    Scalar(Scalar),
    /// `bytearray`: resolvable, but pydantic cannot validate it.
    ByteArray,
    /// `NoneType`.
    NoneType,
    /// `typing.Any`.
    Any,
    /// `list`, `dict`, `tuple`, `set`, `frozenset`.
    Collection(Collection),
    /// A type declared under `types:`.
    Declared(String),
    /// `dspy.History`, `datetime.date`, ... (`dspy.Code` is [`Class::CodeBase`]).
    External(ExternalType),
    /// `dspy.Code`, which may be subscripted with a language.
    CodeBase,
}

/// The scalar classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `int`.
    Int,
    /// `str` (and `typing.Text`).
    Str,
    /// `float`.
    Float,
    /// `bool`.
    Bool,
    /// `bytes`.
    Bytes,
    /// `complex`.
    Complex,
}

/// The `typing` special forms pipec models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// `Optional`.
    Optional,
    /// `Union`.
    Union,
    /// `Literal`.
    Literal,
    /// `Annotated`.
    Annotated,
}

impl Special {
    /// Its name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Special::Optional => "Optional",
            Special::Union => "Union",
            Special::Literal => "Literal",
            Special::Annotated => "Annotated",
        }
    }
}

impl PartialEq for Value {
    /// Python's `==` on these objects, as `typing` uses it to de-duplicate union members:
    /// a builtin alias never equals a `typing` one, literals compare as sets of
    /// (value, type) pairs.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Class(a), Value::Class(b)) => a == b,
            (Value::Special(a), Value::Special(b)) => a == b,
            (Value::TypingBare(a), Value::TypingBare(b)) => a == b,
            (Value::Module(a), Value::Module(b)) => a == b,
            (Value::BuiltinGeneric(a, x), Value::BuiltinGeneric(b, y))
            | (Value::TypingGeneric(a, x), Value::TypingGeneric(b, y)) => a == b && x == y,
            (Value::Union(a), Value::Union(b)) => {
                a.len() == b.len() && a.iter().all(|m| b.contains(m))
            }
            (Value::Literal(a), Value::Literal(b)) => {
                a.iter().all(|v| b.contains(v)) && b.iter().all(|v| a.contains(v))
            }
            (Value::Annotated(a, x), Value::Annotated(b, y)) => a == b && x == y,
            (Value::Code(a), Value::Code(b)) => a == b,
            (Value::Constant(a), Value::Constant(b)) => a == b,
            (Value::Tuple(a), Value::Tuple(b)) => a == b,
            _ => false,
        }
    }
}
