//! The type system of values that flow between steps (SPEC §2 "Types").

use super::Name;
use pipec_diagnostics::Span;

/// A value type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// Unknown or dynamic: pipeline_ex results, untyped JSON. Compatible with everything.
    Any,
    /// `str`.
    Str,
    /// `int`.
    Int,
    /// `float` (an `int` is accepted where a `float` is expected).
    Float,
    /// `bool`.
    Bool,
    /// `list[T]`.
    List(Box<Type>),
    /// `dict[str, T]`.
    Dict(Box<Type>),
    /// `Optional[T]` / `T | None`.
    Optional(Box<Type>),
    /// `Literal['a', 'b']`: one of these strings.
    Enum(Vec<String>),
    /// A record or enum declared under `types:`, by name.
    Named(String),
    /// An anonymous record: the output of a signature call, a step's result.
    Record(Vec<(String, Type)>),
}

impl Type {
    /// Render in DSPy's type notation (`list[str]`, `Optional[int]`, `Literal['a', 'b']`).
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Type::Any => "Any".into(),
            Type::Str => "str".into(),
            Type::Int => "int".into(),
            Type::Float => "float".into(),
            Type::Bool => "bool".into(),
            Type::List(t) => format!("list[{}]", t.display()),
            Type::Dict(t) => format!("dict[str, {}]", t.display()),
            Type::Optional(t) => format!("Optional[{}]", t.display()),
            Type::Enum(values) => {
                let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
                format!("Literal[{}]", quoted.join(", "))
            }
            Type::Named(n) => n.clone(),
            Type::Record(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", t.display()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
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
