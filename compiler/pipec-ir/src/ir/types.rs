//! The type system of values that flow between steps (SPEC §2 "Types").

use super::{LiteralValue, Name};
use pipec_diagnostics::Span;

/// A value type: the types DSPy 3.4.1 accepts in signatures, as pydantic sees them.
///
/// Each variant renders exactly as `dspy.adapters.utils.get_annotation_name` renders the
/// Python object DSPy builds ([`Type::display`]), so one IR serves the checker, the prompts
/// and a generated DSPy program. Unusual but accepted spellings (`list[int, str]`, a bare
/// `typing.List` inside another type) keep their shape in [`Type::Generic`] rather than
/// being silently rewritten.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `Any`; also unknown or dynamic values (pipeline_ex results, untyped JSON).
    /// Compatible with everything.
    Any,
    /// `str`.
    Str,
    /// `int`.
    Int,
    /// `float` (an `int` is accepted where a `float` is expected).
    Float,
    /// `bool`.
    Bool,
    /// `bytes`.
    Bytes,
    /// `complex`.
    Complex,
    /// `NoneType`: the type of `None` (`Optional[None]`, a union member).
    NoneType,
    /// `None` written as an argument of a built-in generic (`list[None]`): the same type
    /// as [`Type::NoneType`], which DSPy renders `None` there.
    NoneValue,
    /// `list[T]`.
    List(Box<Type>),
    /// `dict[K, V]`.
    Dict(Box<Type>, Box<Type>),
    /// `set[T]`.
    Set(Box<Type>),
    /// `frozenset[T]`.
    FrozenSet(Box<Type>),
    /// `tuple[A, B, ...]` of fixed length; `tuple[()]` (rendered `tuple[]`) is empty.
    Tuple(Vec<Type>),
    /// `tuple[T, ...]` (rendered `tuple[T, Ellipsis]`): any length, all `T`.
    VarTuple(Box<Type>),
    /// `list`, `dict`, `tuple`, `set` or `frozenset` written without arguments.
    Bare(Collection),
    /// A collection with an argument list of another length than usual, as DSPy accepts
    /// it: `list[int, str]` (pydantic reads the first), `list[()]`, a bare `typing.List`
    /// inside another type (rendered `list[]`). Only the arguments pydantic reads count.
    Generic(Collection, Vec<Type>),
    /// `Optional[T]`, `T | None`, `Union[T, None]`: rendered `Union[T, NoneType]`.
    Optional(Box<Type>),
    /// Any other union of two or more members, in order (`Union[int, str]`,
    /// `None | int`, `Union[int, str, None]`).
    Union(Vec<Type>),
    /// `Literal[...]`: one of these values.
    Literal(Vec<LiteralValue>),
    /// A record or enum declared under `types:`, by name.
    Named(String),
    /// An anonymous record: the output of a signature call, a step's result.
    Record(Vec<(String, Type)>),
    /// A type from outside the core vocabulary, opaque to pipec (`dspy.History`,
    /// `dspy.Image`, `dspy.Code['python']`, `datetime.date`, ...): it matches only itself.
    External(ExternalType),
}

/// The built-in collections, as [`Type::Bare`] and [`Type::Generic`] name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// `list`.
    List,
    /// `dict`.
    Dict,
    /// `tuple`.
    Tuple,
    /// `set`.
    Set,
    /// `frozenset`.
    FrozenSet,
}

impl Collection {
    /// The Python name (`list`, `frozenset`, ...).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Collection::List => "list",
            Collection::Dict => "dict",
            Collection::Tuple => "tuple",
            Collection::Set => "set",
            Collection::FrozenSet => "frozenset",
        }
    }
}

/// An opaque type named by a module path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalType {
    /// Where it comes from, as written in Python: `dspy.History`, `datetime.date`.
    pub path: String,
    /// How DSPy renders it: `History`, `date`, `Code_('python',)`.
    pub name: String,
}

impl Type {
    /// Whether the type says `None` is a valid value (`Optional[T]`, a union with
    /// `NoneType`, `None` itself): such a signature or pipeline input need not be given.
    /// `Any` does not count: an unknown type must not make an input optional.
    #[must_use]
    pub fn accepts_none(&self) -> bool {
        match self {
            Type::NoneType | Type::NoneValue | Type::Optional(_) => true,
            Type::Union(members) => members.iter().any(Type::accepts_none),
            Type::Literal(values) => values.contains(&LiteralValue::None),
            _ => false,
        }
    }

    /// The type without its `None` alternative: `Optional[T]` is `T`, a union drops its
    /// `NoneType` members (keeping a union of the rest), anything else is itself.
    #[must_use]
    pub fn without_none(&self) -> Type {
        match self {
            Type::Optional(inner) => inner.without_none(),
            Type::Union(members) => {
                let mut rest: Vec<Type> = members
                    .iter()
                    .filter(|m| !matches!(m, Type::NoneType | Type::NoneValue))
                    .map(Type::without_none)
                    .collect();
                match rest.len() {
                    0 => Type::NoneType,
                    1 => rest.pop().unwrap_or(Type::Any),
                    _ => Type::Union(rest),
                }
            }
            other => other.clone(),
        }
    }

    /// The element type when this is a list of any spelling (`list[T]`, bare `list`,
    /// `list[int, str]`).
    #[must_use]
    pub fn list_element(&self) -> Option<Type> {
        match self {
            Type::List(elem) => Some((**elem).clone()),
            Type::Bare(Collection::List) => Some(Type::Any),
            Type::Generic(Collection::List, args) => {
                Some(args.first().cloned().unwrap_or(Type::Any))
            }
            _ => None,
        }
    }

    /// Whether a value of this type can be iterated item by item (a `map` source).
    #[must_use]
    pub fn is_iterable(&self) -> bool {
        matches!(
            self,
            Type::Any
                | Type::List(_)
                | Type::Set(_)
                | Type::FrozenSet(_)
                | Type::Tuple(_)
                | Type::VarTuple(_)
                | Type::Bare(_)
                | Type::Generic(..)
        )
    }
}

/// A type as written in the source, with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRef {
    /// The type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// A field of a record type or of a signature.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Field name.
    pub name: Name,
    /// Its type.
    pub ty: TypeRef,
    /// Description (DSPy `desc`).
    pub desc: Option<String>,
    /// Constraints rendered into prompts (`ge`, `le`, ...), in source order.
    pub constraints: Vec<(String, f64)>,
    /// Default value as JSON text, if any.
    pub default: Option<String>,
}

/// A declared type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Its name.
    pub name: Name,
    /// Record or enum.
    pub kind: TypeDefKind,
    /// Description.
    pub desc: Option<String>,
}

/// What a declared type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDefKind {
    /// Named fields.
    Record(Vec<Field>),
    /// One of these strings.
    Enum(Vec<Name>),
}

/// A DSPy-style signature: instructions plus ordered input and output fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// Its name (the `signatures:` key, or the step id for inline ones).
    pub name: Name,
    /// Instructions (the DSPy docstring); `None` means DSPy's default.
    pub instructions: Option<String>,
    /// Input fields, in order.
    pub inputs: Vec<Field>,
    /// Output fields, in order.
    pub outputs: Vec<Field>,
    /// The whole definition.
    pub span: Span,
}
