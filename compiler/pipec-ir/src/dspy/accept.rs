//! From the object DSPy builds to the field type: DSPy's own check in `make_signature`
//! (a field type must be a class, a generic alias, a special form or a union), then what
//! pydantic can build a schema for, then the IR [`Type`] that renders as DSPy renders it.

use std::ops::Range;

use super::error::SignatureError;
use super::repr::tuple_repr;
use super::value::{Class, Scalar, Spanned, Value};
use crate::ir::{Collection, ExternalType, LiteralValue, Type};

/// The type of a field whose annotation evaluated to `value`.
pub fn field_type(value: Spanned) -> Result<Type, SignatureError> {
    let range = value.range.clone();
    match value.value {
        // DSPy turns a `None` type into `str`.
        Value::Constant(LiteralValue::None) => Ok(Type::Str),
        Value::TypingBare(collection) => {
            let name = typing_name(collection);
            Err(SignatureError::ty(range, format!("`{name}` needs type arguments"), "DSPy rejects a bare `typing` alias")
                .with_help(format!("write `{}` with its arguments, or the built-in `{}`", form(collection), collection.name())))
        }
        Value::Module(module) => {
            let help = super::names::FOREIGN
                .iter()
                .find(|(from, _)| *from == module)
                .map_or_else(|| "write a type such as `str` or `dspy.Image`".to_owned(), |(_, to)| format!("pipec writes this type as `{to}`"));
            Err(SignatureError::ty(range, format!("`{module}` is a module, not a type"), "not a type").with_help(help))
        }
        Value::Constant(constant) => Err(not_a_type(range, &constant)),
        Value::Tuple(_) => Err(SignatureError::ty(range, "a tuple of types is not a type", "a tuple")
            .with_help("write `tuple[A, B]`, or separate fields with `,` outside brackets")),
        Value::Field => Err(SignatureError::ty(range, "`Field(...)` is not a type", "a pydantic field, not a type")
            .with_help("declare the signature in the structured form and give the field its constraints (`ge:`, `max_length:`, ...)")),
        // Pydantic applies `Annotated` metadata at the top and keeps the bare type.
        Value::Annotated(inner, has_field) => {
            if has_field {
                return Err(SignatureError::ty(range, "pipec does not support `Field(...)` inside `Annotated[...]`", "DSPy accepts it, pipec does not model it")
                    .with_help("declare the signature in the structured form and give the field its constraints (`ge:`, `max_length:`, ...)"));
            }
            schema(*inner)
        }
        other => schema(Spanned { value: other, range }),
    }
}

fn typing_name(collection: Collection) -> &'static str {
    match collection {
        Collection::List => "List",
        Collection::Dict => "Dict",
        Collection::Set => "Set",
        Collection::FrozenSet => "FrozenSet",
        Collection::Tuple => "Tuple",
    }
}

fn form(collection: Collection) -> &'static str {
    match collection {
        Collection::List => "List[T]",
        Collection::Dict => "Dict[K, V]",
        Collection::Set => "Set[T]",
        Collection::FrozenSet => "FrozenSet[T]",
        Collection::Tuple => "Tuple[A, B]",
    }
}

fn not_a_type(range: Range<usize>, constant: &LiteralValue) -> SignatureError {
    let help = match constant {
        LiteralValue::Str(_) => "write the type without quotes, such as `str`",
        LiteralValue::Ellipsis => {
            "`...` may only follow the element type of a tuple: `tuple[int, ...]`"
        }
        _ => "write a type such as `int`, or `Literal[...]` for fixed values",
    };
    SignatureError::ty(
        range,
        format!("`{}` is not a type", constant.display()),
        "a value, not a type",
    )
    .with_help(help)
}

/// What pydantic makes of a type nested anywhere (or at the top, once DSPy accepted it).
fn schema(spanned: Spanned) -> Result<Type, SignatureError> {
    let range = spanned.range;
    match spanned.value {
        Value::Class(class) => class_type(class, range),
        Value::Special(special) => Err(SignatureError::ty(
            range,
            format!("`{}` needs type arguments", special.name()),
            "pydantic cannot use a bare special form",
        )
        .with_help(format!("write `{}[...]`", special.name()))),
        // A bare `typing.List` inside another type is `list[Any]` to pydantic, and
        // `get_annotation_name` renders it `list[]`.
        Value::TypingBare(collection) => Ok(Type::Generic(collection, Vec::new())),
        Value::Module(module) => Err(SignatureError::ty(
            range,
            format!("`{module}` is a module, not a type"),
            "not a type",
        )),
        Value::BuiltinGeneric(collection, args) | Value::TypingGeneric(collection, args) => {
            generic(collection, args, range)
        }
        Value::Union(members) => {
            let mut types = members
                .into_iter()
                .map(schema)
                .collect::<Result<Vec<_>, _>>()?;
            if let [_, Type::NoneType] = types.as_slice()
                && types.first() != Some(&Type::NoneType)
            {
                types.pop();
                return Ok(Type::Optional(Box::new(types.pop().unwrap_or(Type::Any))));
            }
            Ok(Type::Union(types))
        }
        Value::Literal(values) => Ok(Type::Literal(values)),
        Value::Annotated(..) => Err(SignatureError::ty(
            range,
            "pipec supports `Annotated[...]` only around a whole field's type",
            "DSPy accepts it, pipec does not model it",
        )
        .with_help("drop the `Annotated[...]`: DSPy ignores its annotations there")),
        Value::Code(reprs) => Ok(Type::External(ExternalType {
            path: format!("dspy.Code[{}]", reprs.join(", ")),
            name: format!("Code_{}", tuple_repr(&reprs)),
        })),
        Value::Constant(constant) => Err(not_a_type(range, &constant)),
        Value::Tuple(_) => {
            Err(
                SignatureError::ty(range, "a tuple of types is not a type", "a tuple")
                    .with_help("write `tuple[A, B]`"),
            )
        }
        Value::Field => Err(SignatureError::ty(
            range,
            "`Field(...)` is not a type",
            "a pydantic field, not a type",
        )),
    }
}

fn class_type(class: Class, range: Range<usize>) -> Result<Type, SignatureError> {
    Ok(match class {
        Class::Scalar(Scalar::Int) => Type::Int,
        Class::Scalar(Scalar::Str) => Type::Str,
        Class::Scalar(Scalar::Float) => Type::Float,
        Class::Scalar(Scalar::Bool) => Type::Bool,
        Class::Scalar(Scalar::Bytes) => Type::Bytes,
        Class::Scalar(Scalar::Complex) => Type::Complex,
        Class::ByteArray => {
            return Err(SignatureError::ty(
                range,
                "pydantic cannot validate `bytearray`",
                "DSPy rejects this type",
            )
            .with_help("use `bytes`"));
        }
        Class::NoneType => Type::NoneType,
        Class::Any => Type::Any,
        Class::Collection(collection) => Type::Bare(collection),
        Class::Declared(name) => Type::Named(name),
        Class::External(external) => Type::External(external),
        Class::CodeBase => Type::External(ExternalType {
            path: "dspy.Code".into(),
            name: "Code".into(),
        }),
    })
}

/// An argument of a built-in generic: `None` written there stays `None`.
fn argument(arg: Spanned) -> Result<Type, SignatureError> {
    match arg.value {
        Value::Constant(LiteralValue::None) => Ok(Type::NoneValue),
        _ => schema(arg),
    }
}

/// `list[...]`, `dict[...]`, `set[...]`, `frozenset[...]`, `tuple[...]` of either kind.
/// Pydantic reads the first argument of a list or set and the first two of a dict and
/// ignores the rest; pipec requires every argument to be a type it can render.
fn generic(
    collection: Collection,
    args: Vec<Spanned>,
    range: Range<usize>,
) -> Result<Type, SignatureError> {
    let is_ellipsis = |a: &Spanned| matches!(a.value, Value::Constant(LiteralValue::Ellipsis));
    if collection == Collection::Tuple {
        if let Some(at) = args.iter().position(is_ellipsis) {
            if at != 1 || args.len() != 2 || args.first().is_some_and(is_ellipsis) {
                let place = args.get(at).map_or(range, |a| a.range.clone());
                return Err(SignatureError::ty(
                    place,
                    "`...` is allowed only as `tuple[T, ...]`",
                    "pydantic rejects this tuple",
                )
                .with_help(
                    "write `tuple[T, ...]` for any number of `T`, or list every element type",
                ));
            }
            let element = args.into_iter().next().map(argument).transpose()?;
            return Ok(Type::VarTuple(Box::new(element.unwrap_or(Type::Any))));
        }
        return Ok(Type::Tuple(
            args.into_iter().map(argument).collect::<Result<_, _>>()?,
        ));
    }
    if collection == Collection::Dict && args.len() == 1 {
        return Err(SignatureError::ty(
            range,
            "`dict` takes two type arguments, found 1",
            "pydantic rejects this dict",
        )
        .with_help("write `dict[K, V]`, such as `dict[str, int]`"));
    }
    let mut types = args
        .into_iter()
        .map(argument)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match (collection, types.len()) {
        (Collection::Dict, 2) => {
            let value = types.pop().unwrap_or(Type::Any);
            let key = types.pop().unwrap_or(Type::Any);
            Type::Dict(Box::new(key), Box::new(value))
        }
        (Collection::List | Collection::Set | Collection::FrozenSet, 1) => {
            let element = Box::new(types.pop().unwrap_or(Type::Any));
            match collection {
                Collection::List => Type::List(element),
                Collection::Set => Type::Set(element),
                _ => Type::FrozenSet(element),
            }
        }
        _ => Type::Generic(collection, types),
    })
}
