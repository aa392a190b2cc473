//! The type-string parser: `str`, `int`, `float`, `bool`, `Any`, `list[T]`, `dict[str, T]`,
//! `Optional[T]`, `T | None`, `Union[T, None]`, `Literal['a', "b"]` and the names declared
//! under `types:`, as written in `inputs`, `outputs`, fields and DSPy signature strings.
//!
//! The parser is hand-written and pure: it works on a range of a string value and reports
//! problems as ranges of that value, so one parser serves stand-alone type strings and the
//! types inside signature strings, and the caller maps ranges to file spans. It never fails:
//! an unknown name reads as `Any` (so later passes do not report it again) and a malformed
//! type as `Any` with one syntax error.

use std::ops::Range;

use pipec_diagnostics::{Code, Diagnostic, Span, did_you_mean};
use pipec_syntax::{NodeRef, ScalarMapper, ScalarStyle};

use crate::ir::{Type, TypeRef};
use crate::lower::{Ctx, kind_error};

/// Deepest bracket nesting of one type; real types nest two or three levels, and the bound
/// keeps the recursive descent far from the stack limit on hostile input.
const MAX_DEPTH: usize = 32;

/// The built-in type names, offered by "did you mean".
const BUILTINS: &[&str] = &[
    "str", "int", "float", "bool", "list", "dict", "Optional", "Literal", "Any",
];

/// Names from other languages (or Python types pipec does not model), with what to write
/// instead: edit distance alone does not get from `integer` to `int`.
const FOREIGN: &[(&str, &str)] = &[
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
    ("tuple", "list[T]"),
    ("Tuple", "list[T]"),
    ("set", "list[T]"),
    ("Set", "list[T]"),
    ("frozenset", "list[T]"),
    ("object", "dict[str, T]"),
    ("map", "dict[str, T]"),
    ("Map", "dict[str, T]"),
    ("any", "Any"),
];

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

    fn is_declared(&self, name: &str) -> bool {
        self.declared.contains(&name)
    }
}

/// Whether a type error is about the syntax or about an unknown name; the two have different
/// codes inside signature strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeErrorKind {
    /// Malformed (P0113 inside a signature string, P0114 elsewhere).
    Syntax,
    /// A name that is neither built in nor declared, or a form pipec does not support (P0114).
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

/// Parse `text[range]` as a type. Error ranges are relative to `text`.
pub fn parse_type(
    text: &str,
    range: Range<usize>,
    scope: &TypeScope<'_>,
) -> (Type, Vec<TypeError>) {
    let mut parser = Parser {
        src: text,
        pos: range.start,
        end: range.end.min(text.len()),
        scope,
        errors: Vec::new(),
        depth: 0,
    };
    let ty = match parser.union() {
        Ok(ty) => {
            parser.skip_ws();
            if parser.pos < parser.end {
                let start = parser.pos;
                parser.syntax(
                    start..parser.end,
                    "unexpected text after the type",
                    "the type ends before this",
                    None,
                );
                Type::Any
            } else {
                ty
            }
        }
        Err(Failed) => Type::Any,
    };
    (ty, parser.errors)
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

/// A syntax error was recorded; stop parsing.
struct Failed;

/// One member of a union: a type, or `None`.
enum Member {
    Type(Type),
    None,
}

struct Parser<'s, 'd> {
    src: &'s str,
    pos: usize,
    end: usize,
    scope: &'s TypeScope<'d>,
    errors: Vec<TypeError>,
    depth: usize,
}

impl Parser<'_, '_> {
    fn bytes(&self) -> &[u8] {
        self.src.as_bytes().get(..self.end).unwrap_or(&[])
    }

    fn skip_ws(&mut self) {
        while self
            .bytes()
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn syntax(&mut self, range: Range<usize>, message: &str, label: &str, help: Option<String>) {
        self.errors.push(TypeError {
            range,
            kind: TypeErrorKind::Syntax,
            message: message.to_owned(),
            label: label.to_owned(),
            help,
        });
    }

    fn unknown(&mut self, range: Range<usize>, message: String, label: &str, help: Option<String>) {
        self.errors.push(TypeError {
            range,
            kind: TypeErrorKind::Unknown,
            message,
            label: label.to_owned(),
            help,
        });
    }

    /// The range of the token at the cursor (one character, or an empty range at the end).
    fn here(&mut self) -> Range<usize> {
        self.skip_ws();
        let len = self
            .src
            .get(self.pos..self.end)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        self.pos..self.pos + len
    }

    /// `member ('|' member)*`.
    fn union(&mut self) -> Result<Type, Failed> {
        self.skip_ws();
        let start = self.pos;
        let mut members = vec![self.member()?];
        while self.eat(b'|') {
            members.push(self.member()?);
        }
        let range = start..self.pos;
        self.combine(members, range)
    }

    /// Turn union members into one type: `T | None` is `Optional[T]`; unions of several
    /// non-`None` types have no IR form.
    fn combine(&mut self, members: Vec<Member>, range: Range<usize>) -> Result<Type, Failed> {
        let mut optional = false;
        let mut types = Vec::with_capacity(1);
        for member in members {
            match member {
                Member::Type(t) => types.push(t),
                Member::None => optional = true,
            }
        }
        // The length is read before `pop` (tuple operands evaluate left to right).
        let (1, Some(ty)) = (types.len(), types.pop()) else {
            let message = if optional && types.is_empty() {
                "`None` alone is not a type"
            } else {
                "unions of several types are not supported"
            };
            self.unknown(
                range,
                message.to_owned(),
                "pipec cannot represent this type",
                Some(
                    "use `Optional[T]` (or `T | None`), or a `Literal[...]` of strings".to_owned(),
                ),
            );
            return Ok(Type::Any);
        };
        Ok(match ty {
            Type::Optional(_) => ty,
            ty if optional => Type::Optional(Box::new(ty)),
            ty => ty,
        })
    }

    /// A name with optional `[arguments]`, or `None`.
    fn member(&mut self) -> Result<Member, Failed> {
        let here = self.here();
        let Some(first) = self.peek() else {
            self.syntax(
                here,
                "expected a type",
                "a type such as `str` or `list[int]` is missing here",
                None,
            );
            return Err(Failed);
        };
        if !(first.is_ascii_alphabetic() || first == b'_') {
            let what = if first == b'\'' || first == b'"' {
                "a quoted string is not a type"
            } else {
                "expected a type"
            };
            let help = (first == b'\'' || first == b'"')
                .then(|| "write the type without quotes, such as `str`".to_owned());
            self.syntax(here, what, "expected a type name here", help);
            return Err(Failed);
        }
        let start = self.pos;
        while self
            .bytes()
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
        {
            self.pos += 1;
        }
        let name_range = start..self.pos;
        let written = self.src.get(name_range.clone()).unwrap_or("");
        // `typing.List` is how DSPy users often write it.
        let name = written.strip_prefix("typing.").unwrap_or(written);
        if name == "None" {
            return Ok(Member::None);
        }
        if self.peek() == Some(b'[') {
            let open = self.pos;
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                self.syntax(
                    open..open + 1,
                    "the type nests too deeply",
                    "too many nested `[`",
                    None,
                );
                return Err(Failed);
            }
            let ty = if name == "Literal" {
                self.literal_args(open)?
            } else {
                self.generic(name, name_range, open)?
            };
            self.depth -= 1;
            return Ok(Member::Type(ty));
        }
        Ok(Member::Type(self.bare(name, written, name_range)))
    }

    /// A name without arguments.
    fn bare(&mut self, name: &str, written: &str, range: Range<usize>) -> Type {
        match name {
            "str" => Type::Str,
            "int" => Type::Int,
            "float" => Type::Float,
            "bool" => Type::Bool,
            "Any" => Type::Any,
            "list" => Type::List(Box::new(Type::Any)),
            "dict" => Type::Dict(Box::new(Type::Any)),
            // DSPy accepts a bare `list` but not a bare `typing.List`.
            "List" | "Dict" | "Optional" | "Literal" | "Union" => {
                self.unknown(
                    range,
                    format!("`{name}` needs type arguments"),
                    "arguments in `[...]` are missing",
                    Some(format!(
                        "write it as `{}`",
                        match name {
                            "Literal" => "Literal['a', 'b']",
                            "List" => "List[T]",
                            "Dict" => "Dict[str, T]",
                            _ => "Optional[T]",
                        }
                    )),
                );
                Type::Any
            }
            _ if self.scope.is_declared(written) => Type::Named(written.to_owned()),
            _ => {
                self.unknown_name(written, range);
                Type::Any
            }
        }
    }

    fn unknown_name(&mut self, written: &str, range: Range<usize>) {
        let foreign = FOREIGN
            .iter()
            .find(|(from, _)| *from == written)
            .map(|(_, to)| *to);
        let candidates = BUILTINS.iter().chain(self.scope.declared.iter());
        let help = match (foreign, did_you_mean(written, candidates)) {
            (Some(to), _) => Some(format!("pipec writes this type as `{to}`")),
            (None, Some(best)) => Some(format!("did you mean `{best}`?")),
            (None, None) => Some("use a built-in type (`str`, `int`, `float`, `bool`, `list[T]`, `dict[str, T]`, `Optional[T]`, `Literal[...]`, `Any`) or declare it under `types:`".to_owned()),
        };
        self.unknown(
            range,
            format!("unknown type `{written}`"),
            "not a built-in type or a `types:` entry",
            help,
        );
    }

    /// The arguments of `list[...]`, `dict[...]`, `Optional[...]`, `Union[...]` or a name
    /// that takes none; the cursor is after `[`.
    fn generic(
        &mut self,
        name: &str,
        name_range: Range<usize>,
        open: usize,
    ) -> Result<Type, Failed> {
        let mut args = Vec::new();
        let mut members = Vec::new();
        loop {
            if name == "Union" {
                members.push(self.member()?);
                // `Union[int | None]` is legal Python; fold inner unions too.
                while self.eat(b'|') {
                    members.push(self.member()?);
                }
            } else {
                let start = self.here().start;
                let ty = self.union()?;
                args.push((ty, start..self.pos));
            }
            if !self.eat(b',') {
                break;
            }
        }
        self.close(open)?;
        let whole = name_range.start..self.pos;
        let count = args.len();
        let mut args = args.into_iter();
        match name {
            "list" | "List" => match (args.next(), count) {
                (Some((t, _)), 1) => Ok(Type::List(Box::new(t))),
                _ => self.wrong_count(whole, name, count, "one type argument", "list[T]"),
            },
            "Optional" => match (args.next(), count) {
                (Some((t @ Type::Optional(_), _)), 1) => Ok(t),
                (Some((t, _)), 1) => Ok(Type::Optional(Box::new(t))),
                _ => self.wrong_count(whole, name, count, "one type argument", "Optional[T]"),
            },
            "dict" | "Dict" => match (args.next(), args.next(), count) {
                (Some((key, key_range)), Some((value, _)), 2) => {
                    if key != Type::Str && key != Type::Any {
                        self.unknown(
                            key_range,
                            "dictionary keys must be `str`".to_owned(),
                            "not `str`",
                            Some("write the type as `dict[str, T]`".to_owned()),
                        );
                    }
                    Ok(Type::Dict(Box::new(value)))
                }
                _ => self.wrong_count(whole, name, count, "two type arguments", "dict[str, T]"),
            },
            "Union" => self.combine(members, whole),
            "str" | "int" | "float" | "bool" | "Any" => {
                self.syntax(
                    whole.clone(),
                    &format!("`{name}` takes no type arguments"),
                    "remove the `[...]`",
                    None,
                );
                Err(Failed)
            }
            _ if self.scope.is_declared(name) => {
                self.syntax(
                    whole.clone(),
                    &format!("`{name}` is a declared type and takes no type arguments"),
                    "remove the `[...]`",
                    None,
                );
                Err(Failed)
            }
            _ => {
                let written = self.src.get(name_range.clone()).unwrap_or("").to_owned();
                self.unknown_name(&written, name_range);
                Ok(Type::Any)
            }
        }
    }

    fn wrong_count(
        &mut self,
        whole: Range<usize>,
        name: &str,
        count: usize,
        expected: &str,
        form: &str,
    ) -> Result<Type, Failed> {
        self.syntax(
            whole,
            &format!("`{name}` takes {expected}, found {count}"),
            "wrong number of type arguments",
            Some(format!("write it as `{form}`")),
        );
        Err(Failed)
    }

    /// `']'`, or an error pointing at the unclosed `[`.
    fn close(&mut self, open: usize) -> Result<(), Failed> {
        if self.eat(b']') {
            return Ok(());
        }
        let here = self.here();
        if here.is_empty() {
            self.syntax(
                open..open + 1,
                "unclosed `[`",
                "this `[` is never closed",
                Some("add `]` at the end".to_owned()),
            );
        } else {
            self.syntax(
                here,
                "expected `,` or `]`",
                "unexpected text in the type arguments",
                None,
            );
        }
        Err(Failed)
    }

    /// `'a', "b", ...]` after `Literal[`.
    fn literal_args(&mut self, open: usize) -> Result<Type, Failed> {
        let mut values = Vec::new();
        loop {
            let here = self.here();
            match self.peek() {
                Some(quote @ (b'\'' | b'"')) => values.push(self.string(quote)?),
                _ => {
                    let end = self.skip_to_delimiter();
                    self.unknown(
                        here.start..end.max(here.end),
                        "`Literal` values must be quoted strings".to_owned(),
                        "not a quoted string",
                        Some(
                            "pipec's literal enums hold strings, such as `Literal['low', 'high']`"
                                .to_owned(),
                        ),
                    );
                }
            }
            if !self.eat(b',') {
                break;
            }
            if self.peek() == Some(b']') {
                break;
            }
        }
        self.close(open)?;
        Ok(Type::Enum(values))
    }

    /// Skip one bad literal value, up to the next `,` or `]`; returns where it ends.
    fn skip_to_delimiter(&mut self) -> usize {
        while self
            .bytes()
            .get(self.pos)
            .is_some_and(|b| *b != b',' && *b != b']')
        {
            self.pos += 1;
        }
        let mut end = self.pos;
        while end > 0
            && self
                .bytes()
                .get(end - 1)
                .is_some_and(u8::is_ascii_whitespace)
        {
            end -= 1;
        }
        end
    }

    /// A quoted string with backslash escapes of the quote and the backslash.
    fn string(&mut self, quote: u8) -> Result<String, Failed> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut chars = self
            .src
            .get(self.pos..self.end)
            .unwrap_or("")
            .char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                c if c as u32 == u32::from(quote) => {
                    self.pos += i + 1;
                    return Ok(value);
                }
                c => value.push(c),
            }
        }
        self.syntax(
            start..start + 1,
            "unterminated string",
            "this quote is never closed",
            None,
        );
        Err(Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(ok("list"), Type::List(Box::new(Type::Any)));
        // As in DSPy, a bare `typing.List` is not a type.
        assert_eq!(err("List").message, "`List` needs type arguments");
        assert_eq!(
            ok("dict[str, list[int]]"),
            Type::Dict(Box::new(Type::List(Box::new(Type::Int))))
        );
        assert_eq!(ok("Dict[str, Any]"), Type::Dict(Box::new(Type::Any)));
        assert_eq!(ok("Any"), Type::Any);
        assert_eq!(ok("list[Issue]").display(), "list[Issue]");
    }

    #[test]
    fn optionals_and_unions() {
        let opt_int = Type::Optional(Box::new(Type::Int));
        assert_eq!(ok("Optional[int]"), opt_int);
        assert_eq!(ok("int | None"), opt_int);
        assert_eq!(ok("None | int"), opt_int);
        assert_eq!(ok("Union[int, None]"), opt_int);
        assert_eq!(ok("Optional[int | None]"), opt_int);
        assert_eq!(ok("Union[int]"), Type::Int);
        assert_eq!(err("int | str").kind, TypeErrorKind::Unknown);
        assert_eq!(err("None").message, "`None` alone is not a type");
    }

    #[test]
    fn literals() {
        assert_eq!(
            ok("Literal['a', \"b\"]"),
            Type::Enum(vec!["a".into(), "b".into()])
        );
        assert_eq!(ok("Literal['it\\'s',]"), Type::Enum(vec!["it's".into()]));
        let (ty, errors) = parse("Literal[1, 'a']");
        assert_eq!(ty, Type::Enum(vec!["a".into()]));
        assert_eq!(errors[0].range, 8..9);
        assert_eq!(err("Literal['a").message, "unterminated string");
    }

    #[test]
    fn unknown_names_point_at_the_name() {
        let (ty, errors) = parse("list[integer]");
        assert_eq!(ty, Type::List(Box::new(Type::Any)));
        assert_eq!(errors[0].range, 5..12);
        assert_eq!(errors[0].kind, TypeErrorKind::Unknown);
        assert_eq!(
            errors[0].help.as_deref(),
            Some("pipec writes this type as `int`")
        );
        let (_, errors) = parse("Isue");
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `Issue`?"));
        let (_, errors) = parse("dict[int, str]");
        assert_eq!(
            (errors[0].range.clone(), errors[0].message.as_str()),
            (5..8, "dictionary keys must be `str`")
        );
    }

    #[test]
    fn syntax_errors() {
        let e = err("list[int");
        assert_eq!((e.range, e.kind), (4..5, TypeErrorKind::Syntax));
        assert_eq!(err("list[int]]").range, 9..10);
        assert_eq!(err("").message, "expected a type");
        assert_eq!(
            err("Optional[int, str]").message,
            "`Optional` takes one type argument, found 2"
        );
        assert_eq!(err("int[str]").message, "`int` takes no type arguments");
        assert_eq!(err("'str'").message, "a quoted string is not a type");
        assert_eq!(err("[int]").kind, TypeErrorKind::Syntax);
        let deep = format!("{}int{}", "list[".repeat(40), "]".repeat(40));
        assert_eq!(err(&deep).message, "the type nests too deeply");
    }

    #[test]
    fn ranges_are_relative_to_the_whole_value() {
        let text = "x: list[strr] -> y";
        let (_, errors) = parse_type(text, 3..13, &TypeScope::default());
        assert_eq!(&text[errors[0].range.clone()], "strr");
    }
}
