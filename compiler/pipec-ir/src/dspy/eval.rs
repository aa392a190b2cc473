//! DSPy's `_parse_type_node`: evaluate a type expression to the Python object DSPy
//! builds, applying `typing`'s own rules on the way (what `Optional`, `Union`, `Literal`,
//! `Annotated`, `List`, ... accept, flatten and de-duplicate, as Python 3.11 does).

use std::ops::Range;

use pipec_diagnostics::did_you_mean;

use super::ast::{Expr, ExprKind};
use super::error::SignatureError;
use super::names::{self, FOREIGN, NameProblem, SUGGESTED, TypeNames};
use super::repr::str_repr;
use super::value::{Class, Spanned, Special, Value};
use crate::ir::{Collection, LiteralValue};

type Evaluated = Result<Spanned, SignatureError>;

/// Evaluate a type expression.
pub fn evaluate(expr: &Expr, names: TypeNames<'_>) -> Evaluated {
    let range = expr.range.clone();
    let value = match &expr.kind {
        ExprKind::Name(name) => resolve_name(name, range.clone(), names)?,
        ExprKind::Attribute(base, attr) => {
            let base_value = evaluate(base, names)?;
            let Value::Module(module) = base_value.value else {
                return Err(SignatureError::ty(
                    range,
                    format!("`.{attr}` is not a type DSPy can read"),
                    "an attribute of something that is not a module",
                )
                .with_help("write a type such as `str`, `list[int]` or `dspy.Image`"));
            };
            names::attribute(module, attr).map_err(|problem| match problem {
                NameProblem::Unknown | NameProblem::NoneTypeDropped => {
                    let known = names::module_attributes(module);
                    let help = did_you_mean(attr, known).map_or_else(
                        || {
                            format!(
                                "pipec knows these types of `{module}`: {}",
                                known.join(", ")
                            )
                        },
                        |best| format!("did you mean `{module}.{best}`?"),
                    );
                    SignatureError::ty(
                        range.clone(),
                        format!("unknown type `{module}.{attr}`"),
                        format!("module `{module}` has no type `{attr}`"),
                    )
                    .with_help(help)
                }
                NameProblem::Unmodelled => unmodelled(range.clone(), &format!("{module}.{attr}")),
            })?
        }
        ExprKind::Subscript(base, slice) => {
            let base_value = evaluate(base, names)?;
            let args = match &slice.kind {
                ExprKind::Tuple(items) => items
                    .iter()
                    .map(|item| evaluate(item, names))
                    .collect::<Result<Vec<_>, _>>()?,
                _ => vec![evaluate(slice, names)?],
            };
            subscript(base_value, args, range.clone(), slice.range.clone())?
        }
        ExprKind::BitOr(left, right) => {
            let left = evaluate(left, names)?;
            let right = evaluate(right, names)?;
            // DSPy builds `Optional[left]` when the right side is `NoneType` (the class,
            // not `None`), which moves a left `NoneType` to the end: `NoneType | int` is
            // `Union[int, NoneType]` but `None | int` is `Union[NoneType, int]`.
            let pair = if matches!(left.value, Value::Class(Class::NoneType))
                && !matches!(right.value, Value::Class(Class::NoneType))
            {
                vec![right, left]
            } else {
                vec![left, right]
            };
            union(pair, range.clone())?
        }
        ExprKind::Tuple(items) => Value::Tuple(
            items
                .iter()
                .map(|item| evaluate(item, names))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        ExprKind::Constant(value) => Value::Constant(value.clone()),
        ExprKind::Call(func) => {
            if matches!(&func.kind, ExprKind::Name(name) if name == "Field") {
                Value::Field
            } else {
                return Err(unreadable(range, "Call"));
            }
        }
        ExprKind::Other(node) => return Err(unreadable(range, node)),
    };
    Ok(Spanned { value, range })
}

fn unreadable(range: Range<usize>, node: &str) -> SignatureError {
    let what = match node {
        "List" => "a list display `[...]`",
        "UnaryOp" => "a unary operator",
        "BinOp" => "an operator other than `|`",
        "Call" => "a call",
        "Subscript" => "this subscript",
        "JoinedStr" => "an f-string",
        "Dict" | "Set" => "a `{...}` display",
        _ => "this expression",
    };
    SignatureError::ty(
        range,
        format!("DSPy cannot read {what} as a type"),
        "not a type expression",
    )
    .with_help("write a type such as `str`, `list[int]`, `Optional[str]` or `Literal['a', 'b']`")
}

fn unmodelled(range: Range<usize>, name: &str) -> SignatureError {
    SignatureError::ty(range, format!("pipec does not support the type `{name}`"), "DSPy accepts it, pipec does not model it")
        .with_help("use a built-in type (`str`, `int`, `float`, `bool`, `list[T]`, `dict[K, V]`, `tuple[...]`, `Optional[T]`, `Union[...]`, `Literal[...]`, `Any`), a `dspy.*` type, or a type declared under `types:`")
}

fn resolve_name(
    name: &str,
    range: Range<usize>,
    names: TypeNames<'_>,
) -> Result<Value, SignatureError> {
    names::resolve(name, names).map_err(|problem| match problem {
        NameProblem::Unmodelled => unmodelled(range.clone(), name),
        NameProblem::NoneTypeDropped => SignatureError::ty(range.clone(), "DSPy does not know `NoneType` in this signature", "unknown to DSPy here")
            .with_help("write `None` (`Optional[T]`, `T | None`): DSPy drops `NoneType` from its names when an annotation starts with `typing.` or `dspy.`"),
        NameProblem::Unknown => {
            let foreign = FOREIGN.iter().find(|(from, _)| *from == name).map(|(_, to)| *to);
            let candidates = SUGGESTED.iter().copied().chain(names.declared.iter().copied());
            let help = match (foreign, did_you_mean(name, candidates)) {
                (Some(to), _) => format!("pipec writes this type as `{to}`"),
                (None, Some(best)) => format!("did you mean `{best}`?"),
                (None, None) => "use a built-in type (`str`, `int`, `float`, `bool`, `list[T]`, `dict[str, T]`, `Optional[T]`, `Literal[...]`, `Any`) or declare it under `types:`".to_owned(),
            };
            SignatureError::ty(range.clone(), format!("unknown type `{name}`"), "not a built-in type or a `types:` entry").with_help(help)
        }
    })
}

/// `base[args]`.
fn subscript(
    base: Spanned,
    args: Vec<Spanned>,
    range: Range<usize>,
    args_range: Range<usize>,
) -> Result<Value, SignatureError> {
    match base.value {
        Value::Special(Special::Union) => union(args, range),
        Value::Special(Special::Optional) => {
            if args.len() != 1 {
                return Err(SignatureError::ty(
                    range,
                    "`Optional` takes exactly one type argument",
                    format!("{} arguments", args.len()),
                )
                .with_help("write `Optional[T]`, or `Union[A, B, None]` for several types"));
            }
            let none = Spanned {
                value: Value::Class(Class::NoneType),
                range: args_range,
            };
            union(args.into_iter().chain([none]).collect(), range)
        }
        Value::Special(Special::Literal) => literal(args, range),
        Value::Special(Special::Annotated) => annotated(args, range),
        Value::TypingBare(collection) => typing_generic(collection, args, range),
        Value::Class(Class::Collection(collection)) => Ok(Value::BuiltinGeneric(collection, args)),
        Value::Class(Class::CodeBase) => {
            let mut reprs = Vec::with_capacity(args.len());
            for arg in args {
                match arg.value {
                    Value::Constant(LiteralValue::Str(s)) => reprs.push(str_repr(&s)),
                    _ => {
                        return Err(SignatureError::ty(
                            arg.range,
                            "pipec supports only a language name in `dspy.Code[...]`",
                            "not a string",
                        )
                        .with_help("write `dspy.Code['python']`"));
                    }
                }
            }
            Ok(Value::Code(reprs))
        }
        _ => Err(SignatureError::ty(
            base.range,
            "this type takes no type arguments",
            "not a generic type",
        )
        .with_help("remove the `[...]`")),
    }
}

/// `typing`'s `_type_check` of a generic's argument: `None` is `NoneType`; a tuple or a
/// bare special form is an error; a string would be a forward reference.
fn type_check(arg: Spanned) -> Result<Spanned, SignatureError> {
    let value = match arg.value {
        Value::Constant(LiteralValue::None) => Value::Class(Class::NoneType),
        Value::Constant(LiteralValue::Str(_)) => {
            return Err(SignatureError::ty(
                arg.range,
                "pipec does not support quoted type names (forward references) here",
                "a string",
            )
            .with_help("write the type without quotes"));
        }
        Value::Tuple(_) => {
            return Err(
                SignatureError::ty(arg.range, "a tuple is not a type argument", "a tuple")
                    .with_help("remove the parentheses"),
            );
        }
        Value::Special(special @ (Special::Optional | Special::Union | Special::Literal)) => {
            return Err(SignatureError::ty(
                arg.range,
                format!("`{}` needs type arguments here", special.name()),
                "a bare special form",
            )
            .with_help(format!("write `{}[...]`", special.name())));
        }
        other => other,
    };
    Ok(Spanned {
        value,
        range: arg.range,
    })
}

/// `typing.Union[args]`: checked, flattened, de-duplicated; one member is itself.
fn union(args: Vec<Spanned>, range: Range<usize>) -> Result<Value, SignatureError> {
    if args.is_empty() {
        return Err(
            SignatureError::ty(range, "a union needs at least one type", "no types")
                .with_help("write `Union[A, B]`"),
        );
    }
    let mut members: Vec<Spanned> = Vec::with_capacity(args.len());
    for arg in args {
        let arg = type_check(arg)?;
        let flattened = match arg.value {
            Value::Union(inner) => inner,
            value => vec![Spanned {
                value,
                range: arg.range,
            }],
        };
        for member in flattened {
            if !members.contains(&member) {
                members.push(member);
            }
        }
    }
    if members.len() == 1 {
        return Ok(members.pop().map_or(Value::Class(Class::Any), |m| m.value));
    }
    Ok(Value::Union(members))
}

/// `Literal[args]`: nested literals flattened, duplicates (by value and type) dropped.
fn literal(args: Vec<Spanned>, range: Range<usize>) -> Result<Value, SignatureError> {
    let mut values: Vec<LiteralValue> = Vec::with_capacity(args.len());
    for arg in args {
        let found = match arg.value {
            Value::Constant(value) => vec![value],
            Value::Literal(inner) => inner,
            _ => {
                return Err(SignatureError::ty(arg.range, "pipec supports only constants in `Literal[...]`", "not a constant")
                    .with_help("write strings, numbers, `True`, `False` or `None`, such as `Literal['low', 'high']`"));
            }
        };
        for value in found {
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
    if values.is_empty() {
        return Err(SignatureError::ty(
            range,
            "`Literal[...]` needs at least one value",
            "no values",
        )
        .with_help("write `Literal['a', 'b']`"));
    }
    Ok(Value::Literal(values))
}

/// `Annotated[T, metadata...]`.
fn annotated(mut args: Vec<Spanned>, range: Range<usize>) -> Result<Value, SignatureError> {
    if args.len() < 2 {
        return Err(SignatureError::ty(
            range,
            "`Annotated[...]` needs a type and at least one annotation",
            "too few arguments",
        )
        .with_help("write `Annotated[int, 'note']`, or just the type"));
    }
    let has_field = args.iter().skip(1).any(|a| matches!(a.value, Value::Field));
    let origin = type_check(args.remove(0))?;
    Ok(match origin.value {
        Value::Annotated(inner, inner_field) => Value::Annotated(inner, inner_field || has_field),
        value => Value::Annotated(
            Box::new(Spanned {
                value,
                range: origin.range,
            }),
            has_field,
        ),
    })
}

/// `List[...]`, `Dict[...]`, `Set[...]`, `FrozenSet[...]`, `Tuple[...]`.
fn typing_generic(
    collection: Collection,
    args: Vec<Spanned>,
    range: Range<usize>,
) -> Result<Value, SignatureError> {
    let name = match collection {
        Collection::List => "List",
        Collection::Dict => "Dict",
        Collection::Set => "Set",
        Collection::FrozenSet => "FrozenSet",
        Collection::Tuple => "Tuple",
    };
    if collection == Collection::Tuple {
        let variadic = args.len() >= 2
            && matches!(
                args.last().map(|a| &a.value),
                Some(Value::Constant(LiteralValue::Ellipsis))
            );
        let count = args.len();
        let mut checked = Vec::with_capacity(count);
        for (i, arg) in args.into_iter().enumerate() {
            if variadic && i + 1 == count {
                checked.push(arg);
            } else {
                checked.push(type_check(arg)?);
            }
        }
        return Ok(Value::TypingGeneric(collection, checked));
    }
    let expected = if collection == Collection::Dict { 2 } else { 1 };
    if args.len() != expected {
        let (few, form) = if collection == Collection::Dict {
            (args.len() < 2, "Dict[K, V]")
        } else {
            (args.is_empty(), "List[T]")
        };
        let form = form.replace("List", name);
        return Err(SignatureError::ty(
            range,
            format!(
                "too {} arguments for `{name}`: {} given, {expected} expected",
                if few { "few" } else { "many" },
                args.len()
            ),
            "wrong number of type arguments",
        )
        .with_help(format!("write it as `{form}`")));
    }
    let checked = args
        .into_iter()
        .map(type_check)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::TypingGeneric(collection, checked))
}
