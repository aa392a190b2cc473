//! What a name or `module.attribute` in a type expression resolves to, in DSPy 3.4.1's
//! order: the caller's custom types (pipec: the `types:` entries), `typing`'s names plus
//! `NoneType`, a dozen builtins, then importable modules.
//!
//! pipec models the names below. A name DSPy would also resolve but pipec does not model
//! (`Sequence`, `collections.OrderedDict`, `typing.Type`, ...) is reported as not
//! supported rather than guessed at.

use super::value::{Class, Scalar, Special, Value};
use crate::ir::{Collection, ExternalType};

/// The names a type may use, offered by "did you mean".
pub const SUGGESTED: &[&str] = &[
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "complex",
    "list",
    "dict",
    "tuple",
    "set",
    "frozenset",
    "Optional",
    "Union",
    "Literal",
    "Any",
    "List",
    "Dict",
    "Tuple",
    "Set",
    "FrozenSet",
    "Annotated",
    "NoneType",
];

/// Names from other languages, with what to write instead: edit distance alone does not
/// get from `integer` to `int`.
pub const FOREIGN: &[(&str, &str)] = &[
    ("string", "str"),
    ("String", "str"),
    ("text", "str"),
    ("integer", "int"),
    ("Integer", "int"),
    ("long", "int"),
    ("number", "float"),
    ("double", "float"),
    ("boolean", "bool"),
    ("Boolean", "bool"),
    ("array", "list[T]"),
    ("Array", "list[T]"),
    ("object", "dict[str, T]"),
    ("map", "dict[str, T]"),
    ("Map", "dict[str, T]"),
    ("any", "Any"),
    ("none", "None"),
    ("null", "None"),
];

/// `typing` names DSPy resolves that pipec does not model.
const UNMODELLED_TYPING: &[&str] = &[
    "AbstractSet",
    "AnyStr",
    "AsyncGenerator",
    "AsyncIterable",
    "AsyncIterator",
    "Awaitable",
    "BinaryIO",
    "ByteString",
    "Callable",
    "ChainMap",
    "ClassVar",
    "Collection",
    "Concatenate",
    "Container",
    "Coroutine",
    "Counter",
    "DefaultDict",
    "Deque",
    "Final",
    "ForwardRef",
    "Generator",
    "Generic",
    "Hashable",
    "IO",
    "ItemsView",
    "Iterable",
    "Iterator",
    "KeysView",
    "LiteralString",
    "Mapping",
    "MappingView",
    "Match",
    "MutableMapping",
    "MutableSequence",
    "MutableSet",
    "NamedTuple",
    "Never",
    "NewType",
    "NoReturn",
    "NotRequired",
    "OrderedDict",
    "ParamSpec",
    "Pattern",
    "Protocol",
    "Required",
    "Reversible",
    "Self",
    "Sequence",
    "Sized",
    "SupportsAbs",
    "SupportsBytes",
    "SupportsComplex",
    "SupportsFloat",
    "SupportsIndex",
    "SupportsInt",
    "SupportsRound",
    "TextIO",
    "Type",
    "TypeAlias",
    "TypeGuard",
    "TypeVar",
    "TypeVarTuple",
    "TypedDict",
    "Unpack",
    "ValuesView",
    "collections",
    "functools",
    "operator",
    "sys",
    "types",
    "warnings",
    "contextlib",
];

/// Modules DSPy would import that pipec does not model, and common ones users write.
const UNMODELLED_MODULES: &[&str] = &[
    "collections",
    "enum",
    "os",
    "re",
    "json",
    "numbers",
    "ipaddress",
    "pydantic",
    "numpy",
    "builtins",
    "types",
    "abc",
];

/// The names a type expression may use beyond the fixed ones.
#[derive(Debug, Clone, Copy)]
pub struct TypeNames<'a> {
    /// The types declared beside the signature (DSPy's `custom_types`).
    pub declared: &'a [&'a str],
    /// Whether `NoneType` resolves (see [`drops_none_type`]).
    pub none_type: bool,
}

/// Names DSPy's `_detect_custom_types_from_caller` always finds in the caller's frames:
/// the globals of `dspy/signatures/signature.py` that are neither `typing` names nor
/// builtins, and `dspy`, which every DSPy program imports.
const FOUND_IN_CALLER_FRAMES: &[&str] = &[
    "dspy",
    "typing",
    "BaseModel",
    "Field",
    "FieldInfo",
    "IS_TYPE_UNDEFINED",
    "InputField",
    "OutputField",
    "Signature",
    "SignatureMeta",
    "_default_instructions",
    "_parse_field_string",
    "_parse_signature",
    "_parse_type_node",
    "ast",
    "create_model",
    "deepcopy",
    "ensure_signature",
    "importlib",
    "infer_prefix",
    "inspect",
    "make_signature",
];

/// Whether DSPy loses `NoneType` for this signature string. When an annotation starts
/// with a name it finds in the caller's frames (`x: typing.Any`, `y: dspy.Image`), DSPy
/// passes those as `custom_types`, and its name table is then built without the
/// `NoneType` entry it otherwise adds: `NoneType` becomes an unknown name. (A DSPy quirk,
/// matched so that pipec rejects what the generated program would.)
#[must_use]
pub fn drops_none_type(signature: &str) -> bool {
    // DSPy's pattern: `:\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`.
    signature.match_indices(':').any(|(at, _)| {
        let rest = signature.get(at + 1..).unwrap_or("");
        let rest = rest
            .trim_start_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c));
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let base = rest.get(..end).unwrap_or("");
        !base.starts_with(|c: char| c.is_ascii_digit()) && FOUND_IN_CALLER_FRAMES.contains(&base)
    })
}

/// The attributes pipec models on a module, offered by "did you mean".
#[must_use]
pub fn module_attributes(module: &str) -> &'static [&'static str] {
    match module {
        "dspy" => &[
            "History",
            "Image",
            "Audio",
            "File",
            "Tool",
            "ToolCalls",
            "Code",
            "Reasoning",
        ],
        "datetime" => &["date", "datetime", "time", "timedelta"],
        "decimal" => &["Decimal"],
        "uuid" => &["UUID"],
        "pathlib" => &["Path"],
        "typing" => &[
            "Any",
            "Text",
            "List",
            "Dict",
            "Set",
            "FrozenSet",
            "Tuple",
            "Optional",
            "Union",
            "Literal",
            "Annotated",
        ],
        _ => &[],
    }
}

/// Why a name does not resolve.
pub enum NameProblem {
    /// DSPy would not find it either.
    Unknown,
    /// DSPy resolves it, but pipec does not model it.
    Unmodelled,
    /// `NoneType`, which DSPy does not resolve in this signature ([`drops_none_type`]).
    NoneTypeDropped,
}

/// The value of a bare name.
pub fn resolve(name: &str, names: TypeNames<'_>) -> Result<Value, NameProblem> {
    if names.declared.contains(&name) {
        return Ok(Value::Class(Class::Declared(name.to_owned())));
    }
    if name == "NoneType" {
        return if names.none_type {
            Ok(Value::Class(Class::NoneType))
        } else {
            Err(NameProblem::NoneTypeDropped)
        };
    }
    if let Some(value) = typing_name(name) {
        return Ok(value);
    }
    let builtin = match name {
        "int" => Class::Scalar(Scalar::Int),
        "str" => Class::Scalar(Scalar::Str),
        "float" => Class::Scalar(Scalar::Float),
        "bool" => Class::Scalar(Scalar::Bool),
        "bytes" => Class::Scalar(Scalar::Bytes),
        "complex" => Class::Scalar(Scalar::Complex),
        "bytearray" => Class::ByteArray,
        "list" => Class::Collection(Collection::List),
        "dict" => Class::Collection(Collection::Dict),
        "tuple" => Class::Collection(Collection::Tuple),
        "set" => Class::Collection(Collection::Set),
        "frozenset" => Class::Collection(Collection::FrozenSet),
        "typing" | "dspy" | "datetime" | "decimal" | "uuid" | "pathlib" | "string" => {
            return Ok(Value::Module(module_name(name)));
        }
        _ if UNMODELLED_TYPING.contains(&name) || UNMODELLED_MODULES.contains(&name) => {
            return Err(NameProblem::Unmodelled);
        }
        _ => return Err(NameProblem::Unknown),
    };
    Ok(Value::Class(builtin))
}

fn module_name(name: &str) -> &'static str {
    match name {
        "typing" => "typing",
        "dspy" => "dspy",
        "datetime" => "datetime",
        "decimal" => "decimal",
        "uuid" => "uuid",
        "pathlib" => "pathlib",
        _ => "string",
    }
}

/// The names of `typing` pipec models.
fn typing_name(name: &str) -> Option<Value> {
    Some(match name {
        "Any" => Value::Class(Class::Any),
        "Text" => Value::Class(Class::Scalar(Scalar::Str)),
        "List" => Value::TypingBare(Collection::List),
        "Dict" => Value::TypingBare(Collection::Dict),
        "Set" => Value::TypingBare(Collection::Set),
        "FrozenSet" => Value::TypingBare(Collection::FrozenSet),
        "Tuple" => Value::TypingBare(Collection::Tuple),
        "Optional" => Value::Special(Special::Optional),
        "Union" => Value::Special(Special::Union),
        "Literal" => Value::Special(Special::Literal),
        "Annotated" => Value::Special(Special::Annotated),
        _ => return None,
    })
}

/// `module.attribute`.
pub fn attribute(module: &str, attribute: &str) -> Result<Value, NameProblem> {
    let external = |path: &str, name: &str| {
        Ok(Value::Class(Class::External(ExternalType {
            path: path.to_owned(),
            name: name.to_owned(),
        })))
    };
    match (module, attribute) {
        ("typing", "NoneType") => Err(NameProblem::Unknown),
        ("typing", name) => typing_name(name).ok_or(if UNMODELLED_TYPING.contains(&name) {
            NameProblem::Unmodelled
        } else {
            NameProblem::Unknown
        }),
        ("dspy", "Code") => Ok(Value::Class(Class::CodeBase)),
        // `get_annotation_name` renders `dspy.Reasoning` as `str`, for backward
        // compatibility with ChainOfThought's old string `reasoning` field.
        ("dspy", "Reasoning") => external("dspy.Reasoning", "str"),
        ("dspy", name @ ("History" | "Image" | "Audio" | "File" | "Tool" | "ToolCalls")) => {
            external(&format!("dspy.{name}"), name)
        }
        ("datetime", name @ ("date" | "datetime" | "time" | "timedelta"))
        | ("decimal", name @ "Decimal")
        | ("uuid", name @ "UUID")
        | ("pathlib", name @ "Path") => external(&format!("{module}.{name}"), name),
        _ => Err(NameProblem::Unknown),
    }
}
