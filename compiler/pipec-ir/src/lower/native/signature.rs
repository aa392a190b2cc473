//! Signatures: DSPy signature strings (`"question: str, ctx: list[str] -> answer: str"`)
//! and the structured form (`instructions`, `inputs`, `outputs`).
//!
//! The string parser is pure, like the type parser: it returns fields and errors as ranges
//! of the string value, and [`signature_node`] maps them into the file. It follows DSPy
//! 3.4.1's shape: exactly one `->` (counted anywhere in the string, as DSPy does),
//! comma-separated fields outside brackets and quotes, `name` or `name: type`, untyped fields
//! are `str`, trailing commas allowed, either side may be empty. It does not yet match DSPy
//! on every corner: defaults after `=`, `*args` and `/`, `#` comments, NFKC-normalised names
//! and the types the IR cannot represent (tuples, sets, unions of several types, non-string
//! `Literal` values, `dspy.*` types) are rejected, and two inputs of the same name are
//! P0117 where DSPy silently keeps one.

use std::ops::Range;

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeRef, ScalarMapper, ScalarStyle};

use super::fields::{FieldNames, field_list};
use super::keys::SIGNATURE;
use super::names::{field_name_problem, is_python_identifier};
use super::types::{TypeErrorKind, TypeScope, parse_type, trimmed};
use crate::ir::{Field, Name, Signature, Type, TypeRef};
use crate::lower::{Ctx, KeyPolicy, kind_error};

/// One field of a signature string, as ranges of the string value.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedField {
    /// The name's range.
    pub name: Range<usize>,
    /// The type and its range; `None` for an untyped field (`str`).
    pub ty: Option<(Type, Range<usize>)>,
}

/// A signature string's fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedSignature {
    /// Input fields, in order.
    pub inputs: Vec<ParsedField>,
    /// Output fields, in order.
    pub outputs: Vec<ParsedField>,
}

/// One problem in a signature string.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureError {
    /// P0113 (syntax), P0114 (unknown type) or P0117 (duplicate field).
    pub code: Code,
    /// Where, in the string value.
    pub range: Range<usize>,
    /// The message.
    pub message: String,
    /// The primary label.
    pub label: String,
    /// A secondary place (the first `->`, the first field of a duplicate name).
    pub related: Option<(Range<usize>, String)>,
    /// How to fix it.
    pub help: Option<String>,
}

impl SignatureError {
    fn invalid(
        range: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SignatureError {
        SignatureError {
            code: Code::P0113,
            range,
            message: format!("invalid signature: {}", message.into()),
            label: label.into(),
            related: None,
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> SignatureError {
        self.help = Some(help.into());
        self
    }
}

/// A signature definition node (a `signatures:` entry or a step's inline `signature:`): a
/// DSPy string or the structured mapping. `name` is the entry's key or the step id.
pub fn signature_node(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    name: Name,
    scope: &TypeScope<'_>,
) -> Option<Signature> {
    if let Some(text) = node.as_str() {
        return Some(signature_string(ctx, node, text, name, scope));
    }
    if let Some(map) = node.as_map() {
        return Some(structured(ctx, map, name, scope));
    }
    ctx.push(kind_error(
        node,
        "a signature",
        "a string such as `question -> answer` or a mapping with `inputs` and `outputs`",
    ));
    None
}

/// Lower a signature string node.
pub fn signature_string(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    text: &str,
    name: Name,
    scope: &TypeScope<'_>,
) -> Signature {
    let mapper = ScalarMapper::new(
        ctx.source,
        node.span(),
        node.style().unwrap_or(ScalarStyle::Plain),
        text,
    );
    let (parsed, errors) = parse_signature(text, scope);
    for error in errors {
        let mut diagnostic = Diagnostic::new(error.code, mapper.map(error.range), error.message)
            .with_primary_label(error.label);
        if let Some((range, label)) = error.related {
            diagnostic = diagnostic.with_label(mapper.map(range), label);
        }
        ctx.push(diagnostic.with_help_opt(error.help));
    }
    let field = |f: ParsedField| {
        let name_span = mapper.map(f.name.clone());
        let ty = match f.ty {
            Some((ty, range)) => TypeRef {
                ty,
                span: mapper.map(range),
            },
            None => TypeRef {
                ty: Type::Str,
                span: name_span,
            },
        };
        let text = text.get(f.name).unwrap_or("").to_owned();
        Field {
            name: Name::new(text, name_span),
            ty,
            desc: None,
            constraints: Vec::new(),
            default: None,
        }
    };
    Signature {
        name,
        instructions: None,
        inputs: parsed.inputs.into_iter().map(field).collect(),
        outputs: parsed.outputs.into_iter().map(field).collect(),
        span: node.span(),
    }
}

/// The structured form: `instructions`, ordered `inputs` and `outputs`.
fn structured(ctx: &mut Ctx<'_>, map: MapRef<'_>, name: Name, scope: &TypeScope<'_>) -> Signature {
    ctx.check_keys(
        map,
        SIGNATURE,
        KeyPolicy::Error,
        &format!("signature `{}`", name.text),
    );
    let instructions = map
        .get("instructions")
        .and_then(|n| ctx.str(n, "`instructions`"))
        .map(str::to_owned);
    let mut seen = FieldNames::new();
    let inputs = map
        .get("inputs")
        .map(|n| field_list(ctx, n, scope, "`inputs`", &mut seen))
        .unwrap_or_default();
    let outputs = match map.get("outputs") {
        Some(n) => field_list(ctx, n, scope, "`outputs`", &mut seen),
        None => {
            ctx.push(
                Diagnostic::new(Code::P0103, crate::lower::ctx::header_span(map), format!("signature `{}` is missing `outputs`", name.text))
                    .with_primary_label("`outputs` is required here")
                    .with_help("add `outputs:` mapping each output field to its type, such as `outputs: {answer: str}`"),
            );
            Vec::new()
        }
    };
    Signature {
        name,
        instructions,
        inputs,
        outputs,
        span: map.span(),
    }
}

/// Parse a DSPy signature string.
pub fn parse_signature(
    text: &str,
    scope: &TypeScope<'_>,
) -> (ParsedSignature, Vec<SignatureError>) {
    let mut errors = Vec::new();
    if !balanced(text, &mut errors) {
        return (ParsedSignature::default(), errors);
    }
    // DSPy counts every `->` in the string, even one inside a quoted `Literal` value.
    let arrows: Vec<usize> = text.match_indices("->").map(|(i, _)| i).collect();
    let arrow = match arrows.as_slice() {
        [one] => *one,
        [] => {
            let whole = trimmed(text, 0..text.len());
            let error = SignatureError::invalid(whole, "it must contain exactly one `->`", "no `->` between inputs and outputs")
                .with_help("separate input fields from output fields with `->`, as in `question: str -> answer: str`");
            return (ParsedSignature::default(), vec![error]);
        }
        [first, second, ..] => {
            let mut error = SignatureError::invalid(
                *second..second + 2,
                "it must contain exactly one `->`",
                "a second `->`",
            )
            .with_help("a signature has one `->`: input fields before it, output fields after it");
            error.related = Some((*first..first + 2, "the first `->`".to_owned()));
            return (ParsedSignature::default(), vec![error]);
        }
    };
    let inputs = side(text, 0..arrow, scope, &mut errors);
    let outputs = side(text, arrow + 2..text.len(), scope, &mut errors);
    duplicates(text, &inputs, &outputs, &mut errors);
    (ParsedSignature { inputs, outputs }, errors)
}

/// Whether brackets and quotes are balanced; `false` after pushing the first error.
fn balanced(text: &str, errors: &mut Vec<SignatureError>) -> bool {
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (quote, b) {
            (Some(_), b'\\') => i += 1,
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'[' | b'(' | b'{') => open.push(i),
            (None, b']' | b')' | b'}') => {
                let Some(start) = open.pop() else {
                    errors.push(SignatureError::invalid(
                        i..i + 1,
                        format!("unmatched `{}`", char::from(b)),
                        "nothing opens this",
                    ));
                    return false;
                };
                let expected = match bytes.get(start) {
                    Some(b'[') => b']',
                    Some(b'(') => b')',
                    _ => b'}',
                };
                if b != expected {
                    let mut error = SignatureError::invalid(
                        i..i + 1,
                        format!(
                            "`{}` does not close `{}`",
                            char::from(b),
                            char::from(bytes.get(start).copied().unwrap_or(b'['))
                        ),
                        format!("expected `{}`", char::from(expected)),
                    );
                    error.related = Some((start..start + 1, "opened here".to_owned()));
                    errors.push(error);
                    return false;
                }
            }
            (None, _) => {}
        }
        i += 1;
    }
    if let Some(start) = open.pop() {
        let c = char::from(bytes.get(start).copied().unwrap_or(b'['));
        errors.push(SignatureError::invalid(
            start..start + 1,
            format!("unclosed `{c}`"),
            format!("this `{c}` is never closed"),
        ));
        return false;
    }
    if let Some(q) = quote {
        let start = text.rfind(char::from(q)).unwrap_or(0);
        errors.push(SignatureError::invalid(
            start..start + 1,
            "unterminated string",
            "this quote is never closed",
        ));
        return false;
    }
    true
}

/// The fields of one side of the arrow.
fn side(
    text: &str,
    range: Range<usize>,
    scope: &TypeScope<'_>,
    errors: &mut Vec<SignatureError>,
) -> Vec<ParsedField> {
    let segments = split_top_level(text, range, b',');
    let last = segments.len() - 1;
    let mut fields = Vec::with_capacity(segments.len());
    for (index, raw) in segments.into_iter().enumerate() {
        let segment = trimmed(text, raw.clone());
        if segment.is_empty() {
            // An empty side is fine, and so is a trailing comma (`a, b, -> c`), as in a
            // Python parameter list; an empty field before a comma is not.
            if index < last {
                errors.push(
                    SignatureError::invalid(
                        raw.end..raw.end + 1,
                        "empty field",
                        "expected a field name before this `,`",
                    )
                    .with_help("remove the extra `,`"),
                );
            }
            continue;
        }
        if let Some(field) = parse_field(text, segment, scope, errors) {
            fields.push(field);
        }
    }
    fields
}

/// `name` or `name: type`.
fn parse_field(
    text: &str,
    range: Range<usize>,
    scope: &TypeScope<'_>,
    errors: &mut Vec<SignatureError>,
) -> Option<ParsedField> {
    let colon = split_top_level(text, range.clone(), b':');
    let name = trimmed(text, colon.first().cloned().unwrap_or(range.clone()));
    let name_text = text.get(name.clone()).unwrap_or("");
    let mut ok = true;
    if name_text.is_empty() {
        errors.push(SignatureError::invalid(
            range.start..range.start + 1,
            "expected a field name",
            "a field name is missing before this",
        ));
        return None;
    }
    if !is_python_identifier(name_text) {
        errors.push(
            SignatureError::invalid(name.clone(), format!("`{name_text}` is not a valid field name"), "not a Python identifier")
                .with_help("field names are letters, digits and `_`, not starting with a digit; separate fields with `,`"),
        );
        ok = false;
    } else if let Some(problem) = field_name_problem(name_text) {
        errors.push(
            SignatureError::invalid(
                name.clone(),
                format!("`{name_text}` cannot be a field name"),
                problem,
            )
            .with_help("rename the field"),
        );
        ok = false;
    }
    let ty = match colon.get(1..) {
        None | Some([]) => None,
        Some([type_range]) => {
            let type_range = trimmed(text, type_range.clone());
            if type_range.is_empty() {
                let colon_at = type_range.start.saturating_sub(1);
                errors.push(
                    SignatureError::invalid(
                        colon_at..colon_at + 1,
                        "expected a type after `:`",
                        "the type is missing",
                    )
                    .with_help("write a type such as `str`, or drop the `:` for a `str` field"),
                );
                return None;
            }
            if let Some(eq) = split_top_level(text, type_range.clone(), b'=').get(1) {
                let at = eq.start.saturating_sub(1);
                errors.push(
                    SignatureError::invalid(at..type_range.end, "defaults are not supported in signature strings", "a default value")
                        .with_help("declare the signature in the structured form and give the field a `default:`"),
                );
                return None;
            }
            let (ty, type_errors) = parse_type(text, type_range.clone(), scope);
            for error in type_errors {
                let (code, message) = match error.kind {
                    TypeErrorKind::Syntax => {
                        (Code::P0113, format!("invalid signature: {}", error.message))
                    }
                    TypeErrorKind::Unknown => (Code::P0114, error.message),
                };
                errors.push(SignatureError {
                    code,
                    range: error.range,
                    message,
                    label: error.label,
                    related: None,
                    help: error.help,
                });
            }
            Some((ty, type_range))
        }
        Some([_, second, ..]) => {
            let at = second.start.saturating_sub(1);
            errors.push(
                SignatureError::invalid(
                    at..at + 1,
                    "unexpected `:`",
                    "a field has one `name: type`",
                )
                .with_help("separate fields with `,`"),
            );
            return None;
        }
    };
    ok.then_some(ParsedField { name, ty })
}

/// Split `text[range]` at `sep` outside brackets and quotes.
fn split_top_level(text: &str, range: Range<usize>, sep: u8) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut start = range.start;
    let mut i = range.start;
    while i < range.end {
        let b = bytes.get(i).copied().unwrap_or(0);
        match (quote, b) {
            (Some(_), b'\\') => i += 1,
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'[' | b'(' | b'{') => depth += 1,
            (None, b']' | b')' | b'}') => depth = depth.saturating_sub(1),
            (None, b) if b == sep && depth == 0 => {
                parts.push(start..i);
                start = i + 1;
            }
            (None, _) => {}
        }
        i += 1;
    }
    parts.push(start..range.end);
    parts
}

/// P0117 for a name used twice among all the fields (DSPy rejects an input and an output of
/// the same name, and silently merges two inputs of the same name).
fn duplicates(
    text: &str,
    inputs: &[ParsedField],
    outputs: &[ParsedField],
    errors: &mut Vec<SignatureError>,
) {
    let all: Vec<(&str, &Range<usize>, bool)> = inputs
        .iter()
        .map(|f| (f, true))
        .chain(outputs.iter().map(|f| (f, false)))
        .map(|(f, is_input)| (text.get(f.name.clone()).unwrap_or(""), &f.name, is_input))
        .collect();
    for (i, (name, range, is_input)) in all.iter().enumerate() {
        let Some((_, first, first_is_input)) = all
            .get(..i)
            .and_then(|before| before.iter().find(|(n, _, _)| n == name))
        else {
            continue;
        };
        let help = (*first_is_input && !is_input)
            .then(|| "DSPy requires input and output fields to have distinct names".to_owned());
        let side = |input: bool| if input { "input" } else { "output" };
        errors.push(SignatureError {
            code: Code::P0117,
            range: (*range).clone(),
            message: format!("duplicate field `{name}` in signature"),
            label: format!(
                "`{name}` is defined again here, as an {} field",
                side(*is_input)
            ),
            related: Some((
                (*first).clone(),
                format!(
                    "`{name}` is first defined here, as an {} field",
                    side(*first_is_input)
                ),
            )),
            help,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields as (name, type) and errors as (code, text under the range, message).
    type Rendered = (
        Vec<(String, String)>,
        Vec<(String, String)>,
        Vec<(Code, String, String)>,
    );

    fn parse(text: &str) -> Rendered {
        let (sig, errors) = parse_signature(text, &TypeScope::new(vec!["Issue"]));
        let render = |fields: Vec<ParsedField>| {
            fields
                .into_iter()
                .map(|f| {
                    (
                        text[f.name].to_owned(),
                        f.ty.map_or("str".to_owned(), |(t, _)| t.display()),
                    )
                })
                .collect::<Vec<_>>()
        };
        let errors = errors
            .into_iter()
            .map(|e| (e.code, text[e.range].to_owned(), e.message))
            .collect();
        (render(sig.inputs), render(sig.outputs), errors)
    }

    fn fields(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn accepted_forms() {
        let (i, o, e) = parse("question, k: int -> answer, score: float");
        assert_eq!(i, fields(&[("question", "str"), ("k", "int")]));
        assert_eq!(o, fields(&[("answer", "str"), ("score", "float")]));
        assert!(e.is_empty());
        let (i, o, e) = parse("x: dict[str, list[Issue]] -> y: Literal['a', 'b, c']");
        assert_eq!(i, fields(&[("x", "dict[str, list[Issue]]")]));
        assert_eq!(o, fields(&[("y", "Literal['a', 'b, c']")]));
        assert!(e.is_empty());
        let (i, o, e) = parse("a, b, -> c,");
        assert_eq!((i.len(), o.len(), e.len()), (2, 1, 0));
        let (i, o, e) = parse("-> answer");
        assert_eq!((i.len(), o.len(), e.len()), (0, 1, 0));
        let (_, _, e) = parse("  question  ->  answer  ");
        assert!(e.is_empty());
        let (i, _, e) = parse("café -> résumé");
        assert_eq!((i[0].0.as_str(), e.len()), ("café", 0));
        // DSPy 3.4.1 accepts an empty output side (fixtures/dspy/signatures.json).
        let (_, o, e) = parse("question ->");
        assert_eq!((o.len(), e.len()), (0, 0));
    }

    #[test]
    fn arrow_errors() {
        let (_, _, e) = parse("question, answer");
        assert_eq!(
            e,
            vec![(
                Code::P0113,
                "question, answer".into(),
                "invalid signature: it must contain exactly one `->`".into()
            )]
        );
        let (_, _, e) = parse("a -> b -> c");
        assert_eq!(e[0].1, "->");
        assert_eq!(e[0].0, Code::P0113);
        let (_, _, e) = parse("");
        assert_eq!(e[0].0, Code::P0113);
        // As in DSPy, an arrow inside a quoted literal counts too.
        let (_, _, e) = parse("x -> y: Literal['->']");
        assert_eq!((e[0].0, e[0].1.as_str()), (Code::P0113, "->"));
    }

    #[test]
    fn field_errors() {
        let (_, _, e) = parse("my field -> y");
        assert_eq!((e[0].0, e[0].1.as_str()), (Code::P0113, "my field"));
        let (_, _, e) = parse("class -> y");
        assert_eq!(e[0].2, "invalid signature: `class` cannot be a field name");
        let (_, _, e) = parse("x -> _hidden");
        assert_eq!(e[0].1, "_hidden");
        let (_, _, e) = parse("1x -> y");
        assert_eq!(e[0].0, Code::P0113);
        let (_, _, e) = parse("a,, b -> c");
        assert_eq!(
            (e[0].1.as_str(), e[0].2.as_str()),
            (",", "invalid signature: empty field")
        );
        let (_, _, e) = parse("x: -> y");
        assert_eq!(e[0].2, "invalid signature: expected a type after `:`");
        let (_, _, e) = parse("x: int = 3 -> y");
        assert_eq!(e[0].1, "= 3");
    }

    #[test]
    fn bracket_errors() {
        let (_, _, e) = parse("x: list[int]] -> y");
        assert_eq!(
            (e[0].1.as_str(), e[0].2.as_str()),
            ("]", "invalid signature: unmatched `]`")
        );
        let (_, _, e) = parse("x: list[int -> y");
        assert_eq!(
            (e[0].1.as_str(), e[0].2.as_str()),
            ("[", "invalid signature: unclosed `[`")
        );
        let (_, _, e) = parse("x: Optional[int, str] -> y");
        assert_eq!(
            e[0].2,
            "invalid signature: `Optional` takes one type argument, found 2"
        );
    }

    #[test]
    fn type_errors_inside_strings() {
        let (i, _, e) = parse("x: integer, y: list[Isue] -> z");
        assert_eq!(i, fields(&[("x", "Any"), ("y", "list[Any]")]));
        assert_eq!(
            e[0],
            (
                Code::P0114,
                "integer".into(),
                "unknown type `integer`".into()
            )
        );
        assert_eq!(
            e[1],
            (Code::P0114, "Isue".into(), "unknown type `Isue`".into())
        );
    }

    #[test]
    fn duplicate_fields() {
        let (_, _, e) = parse("x -> x");
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].0, e[0].1.as_str()), (Code::P0117, "x"));
        let (sig, errors) = parse_signature("c, b, a -> a, c", &TypeScope::default());
        assert_eq!(sig.outputs.len(), 2);
        assert_eq!(errors.iter().filter(|e| e.code == Code::P0117).count(), 2);
        assert_eq!(
            errors[0].related.as_ref().map(|(r, _)| r.clone()),
            Some(6..7)
        );
    }
}
