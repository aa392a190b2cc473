//! Type strings as written in `inputs`, `outputs` and fields (`list[str]`,
//! `Optional[Issue]`, `dict[str, list[int]]`): read by the DSPy type-expression parser
//! ([`crate::dspy::parse_type_expression`]), so a type means the same here as in a
//! signature string, and mapped into the file here.
//!
//! The parser is pure: it reports problems as ranges of the string value, and the caller
//! maps them to file spans. It never fails: a type in error reads as `Any` (so later
//! passes do not report it again) with one error.

use std::ops::Range;

use pipec_diagnostics::{Code, Diagnostic, Span};
use pipec_syntax::{NodeRef, ScalarMapper, ScalarStyle};

use crate::dspy::{SignatureError, parse_type_expression};
use crate::ir::{Type, TypeRef};
use crate::lower::{Ctx, kind_error};

/// The type names a pipeline declares under `types:`, borrowed from the document.
#[derive(Debug, Default)]
pub struct TypeScope<'d> {
    declared: Vec<&'d str>,
}

impl<'d> TypeScope<'d> {
    /// A scope of the given declared names.
    pub fn new(declared: Vec<&'d str>) -> TypeScope<'d> {
        TypeScope { declared }
    }

    /// The declared names (DSPy's `custom_types`).
    #[must_use]
    pub fn declared(&self) -> &[&'d str] {
        &self.declared
    }
}

/// Whether a type error is about the syntax or about the type itself; the two have
/// different codes inside signature strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeErrorKind {
    /// Malformed (P0113 inside a signature string, P0114 elsewhere).
    Syntax,
    /// A name that is neither built in nor declared, or a type DSPy or pipec cannot use
    /// (P0114).
    Unknown,
}

/// One problem in a type string, as a range of the string value.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    /// Where, in the parsed string value.
    pub range: Range<usize>,
    /// Syntax or name.
    pub kind: TypeErrorKind,
    /// The message, without a code-specific prefix.
    pub message: String,
    /// The primary label.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl From<SignatureError> for TypeError {
    fn from(error: SignatureError) -> TypeError {
        let kind = if error.code == Code::P0113 {
            TypeErrorKind::Syntax
        } else {
            TypeErrorKind::Unknown
        };
        let message = error
            .message
            .strip_prefix("invalid signature: ")
            .map_or_else(|| error.message.clone(), str::to_owned);
        TypeError {
            range: error.range,
            kind,
            message,
            label: error.label,
            help: error.help,
        }
    }
}

/// Parse `text[range]` as a type. Error ranges are relative to `text`.
pub fn parse_type(
    text: &str,
    range: Range<usize>,
    scope: &TypeScope<'_>,
) -> (Type, Vec<TypeError>) {
    let (ty, errors) = parse_type_expression(text, range, scope.declared());
    (ty, errors.into_iter().map(TypeError::from).collect())
}

/// Lower a stand-alone type string node (an input, output or field type) to a [`TypeRef`]
/// whose span is the type's text inside the string.
pub fn type_node(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    scope: &TypeScope<'_>,
    what: &str,
) -> Option<TypeRef> {
    let Some(text) = node.as_str() else {
        ctx.push(kind_error(
            node,
            what,
            "a type such as `str` or `list[int]`",
        ));
        return None;
    };
    let mapper = ScalarMapper::new(
        ctx.source,
        node.span(),
        node.style().unwrap_or(ScalarStyle::Plain),
        text,
    );
    let range = trimmed(text, 0..text.len());
    let (ty, errors) = parse_type(text, range.clone(), scope);
    report(ctx, &mapper, errors, false);
    Some(TypeRef {
        ty,
        span: mapper.map(range),
    })
}

/// `range` without leading and trailing whitespace.
pub fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = text.get(range.clone()).unwrap_or("");
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// Push type errors as diagnostics: syntax errors are P0113 inside a signature string and
/// P0114 elsewhere; unknown names are always P0114.
pub fn report(
    ctx: &mut Ctx<'_>,
    mapper: &ScalarMapper<'_>,
    errors: Vec<TypeError>,
    in_signature: bool,
) {
    for error in errors {
        let span: Span = mapper.map(error.range.clone());
        let (code, message) = match (error.kind, in_signature) {
            (TypeErrorKind::Unknown, _) => (Code::P0114, error.message),
            (TypeErrorKind::Syntax, true) => {
                (Code::P0113, format!("invalid signature: {}", error.message))
            }
            (TypeErrorKind::Syntax, false) => {
                (Code::P0114, format!("malformed type: {}", error.message))
            }
        };
        ctx.push(
            Diagnostic::new(code, span, message)
                .with_primary_label(error.label)
                .with_help_opt(error.help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Collection;

    fn parse(text: &str) -> (Type, Vec<TypeError>) {
        parse_type(
            text,
            0..text.len(),
            &TypeScope::new(vec!["Issue", "Severity"]),
        )
    }

    fn ok(text: &str) -> Type {
        let (ty, errors) = parse(text);
        assert!(errors.is_empty(), "{text}: {errors:?}");
        ty
    }

    fn err(text: &str) -> TypeError {
        let (ty, mut errors) = parse(text);
        assert_eq!(ty, Type::Any, "{text}");
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        errors.remove(0)
    }

    #[test]
    fn builtins_and_generics() {
        assert_eq!(ok("str"), Type::Str);
        assert_eq!(ok(" int "), Type::Int);
        assert_eq!(ok("list[str]"), Type::List(Box::new(Type::Str)));
        assert_eq!(ok("List[ float ]"), Type::List(Box::new(Type::Float)));
        assert_eq!(ok("typing.List[bool]"), Type::List(Box::new(Type::Bool)));
        assert_eq!(ok("list"), Type::Bare(Collection::List));
        // As in DSPy, a bare `typing.List` is not a type.
        assert_eq!(err("List").message, "`List` needs type arguments");
        assert_eq!(ok("dict[str, list[int]]").display(), "dict[str, list[int]]");
        assert_eq!(ok("Dict[str, Any]").display(), "dict[str, Any]");
        assert_eq!(ok("dict[int, str]").display(), "dict[int, str]");
        assert_eq!(ok("Any"), Type::Any);
        assert_eq!(ok("list[Issue]").display(), "list[Issue]");
        assert_eq!(ok("tuple[int, ...]").display(), "tuple[int, Ellipsis]");
    }

    #[test]
    fn optionals_and_unions() {
        let opt_int = Type::Optional(Box::new(Type::Int));
        assert_eq!(ok("Optional[int]"), opt_int);
        assert_eq!(ok("int | None"), opt_int);
        assert_eq!(ok("Union[int, None]"), opt_int);
        assert_eq!(ok("Optional[int | None]"), opt_int);
        assert_eq!(ok("Union[int]"), Type::Int);
        assert_eq!(ok("None | int").display(), "Union[NoneType, int]");
        assert_eq!(ok("int | str").display(), "Union[int, str]");
        // DSPy reads a `None` type as `str`.
        assert_eq!(ok("None"), Type::Str);
    }

    #[test]
    fn literals() {
        assert_eq!(ok("Literal['a', \"b\"]").display(), "Literal['a', 'b']");
        assert_eq!(ok("Literal['it\\'s',]").display(), "Literal[\"it's\"]");
        assert_eq!(
            ok("Literal[1, True, None]").display(),
            "Literal[1, True, None]"
        );
        assert_eq!(err("Literal[-1]").range, 8..10);
        assert_eq!(err("Literal['a").kind, TypeErrorKind::Syntax);
    }

    #[test]
    fn unknown_names_point_at_the_name() {
        let e = err("list[integer]");
        assert_eq!((e.range, e.kind), (5..12, TypeErrorKind::Unknown));
        assert_eq!(e.help.as_deref(), Some("pipec writes this type as `int`"));
        assert_eq!(err("Isue").help.as_deref(), Some("did you mean `Issue`?"));
    }

    #[test]
    fn syntax_errors() {
        let e = err("list[int");
        assert_eq!((e.range, e.kind), (4..5, TypeErrorKind::Syntax));
        assert_eq!(err("list[int]]").range, 9..10);
        assert_eq!(err("").message, "expected a type");
        assert_eq!(
            err("Optional[int, str]").message,
            "`Optional` takes exactly one type argument"
        );
        assert_eq!(err("int[str]").message, "this type takes no type arguments");
        assert_eq!(err("'str'").message, "`'str'` is not a type");
        assert_eq!(err("[int]").kind, TypeErrorKind::Unknown);
        let deep = format!("{}int{}", "list[".repeat(80), "]".repeat(80));
        assert_eq!(err(&deep).message, "too many nested parentheses");
    }

    #[test]
    fn ranges_are_relative_to_the_whole_value() {
        let text = "x: list[strr] -> y";
        let (_, errors) = parse_type(text, 3..13, &TypeScope::default());
        assert_eq!(&text[errors[0].range.clone()], "strr");
    }
}
