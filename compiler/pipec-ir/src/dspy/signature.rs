//! `dspy.Signature(string, instructions)` as a pure function: the fields DSPy 3.4.1
//! builds from a signature string (names, types, prefixes, instructions), or the errors
//! where DSPy raises, with byte ranges into the string.

use std::collections::HashMap;
use std::ops::Range;

use pipec_diagnostics::Code;

use super::accept::field_type;
use super::ast::{Param, ParamKind};
use super::error::SignatureError;
use super::eval::evaluate;
use super::instructions::{default_instructions, instructions};
use super::lexer::tokenize;
use super::names::{TypeNames, drops_none_type};
use super::parser::Parser;
use super::prefix::prefix;
use super::value::Spanned;
use crate::ir::Type;

/// A signature string's fields, as DSPy builds them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DspySignature {
    /// Input fields, in order (a name given twice keeps its first place and its last
    /// type, as a Python dict does).
    pub inputs: Vec<DspyField>,
    /// Output fields, in order.
    pub outputs: Vec<DspyField>,
    /// The instructions: the given text through `inspect.cleandoc`, or DSPy's default.
    pub instructions: String,
}

/// One field.
#[derive(Debug, Clone, PartialEq)]
pub struct DspyField {
    /// The name, NFKC-normalised as Python normalises identifiers.
    pub name: String,
    /// Where the name is written (plus the base offset).
    pub name_range: Range<usize>,
    /// The type (`str` when none is written; `Any` when the written one is in error).
    pub ty: Type,
    /// Where the type is written, if it is.
    pub type_range: Option<Range<usize>>,
    /// DSPy's `IS_TYPE_UNDEFINED`: an input written without a type.
    pub type_undefined: bool,
    /// DSPy's `prefix`: the name as a label (`question_text` → `Question Text:`).
    pub prefix: String,
}

impl DspyField {
    /// DSPy's stored `desc` of a field given none: `${name}`.
    #[must_use]
    pub fn desc(&self) -> String {
        format!("${{{}}}", self.name)
    }
}

/// Parse `text` as `dspy.Signature(text, instructions)` does. `base` is added to every
/// range (the offset of `text` in its file, when it maps one to one); `custom_types` are
/// the type names declared beside it (DSPy's `custom_types`). Never fails: fields that
/// could be read are returned beside the errors.
#[must_use]
pub fn parse_signature(
    text: &str,
    base: usize,
    instructions_arg: Option<&str>,
    custom_types: &[&str],
) -> (DspySignature, Vec<SignatureError>) {
    let (signature, errors) = parse_relative(text, instructions_arg, custom_types);
    let shift = |f: DspyField| DspyField {
        name_range: f.name_range.start + base..f.name_range.end + base,
        type_range: f.type_range.map(|r| r.start + base..r.end + base),
        ..f
    };
    let signature = DspySignature {
        inputs: signature.inputs.into_iter().map(shift).collect(),
        outputs: signature.outputs.into_iter().map(shift).collect(),
        instructions: signature.instructions,
    };
    (
        signature,
        errors.into_iter().map(|e| e.shifted(base)).collect(),
    )
}

fn parse_relative(
    text: &str,
    instructions_arg: Option<&str>,
    custom_types: &[&str],
) -> (DspySignature, Vec<SignatureError>) {
    let mut errors = Vec::new();
    // DSPy counts every `->`, even one inside a quoted `Literal` value or a comment.
    let arrows: Vec<usize> = text.match_indices("->").map(|(i, _)| i).collect();
    let arrow = match arrows.as_slice() {
        [one] => *one,
        [] => {
            let error = SignatureError::syntax(whole(text), "it must contain exactly one `->`", "no `->` between inputs and outputs")
                .with_help("separate input fields from output fields with `->`, as in `question: str -> answer: str`");
            return (DspySignature::default(), vec![error]);
        }
        [first, second, ..] => {
            let error = SignatureError::syntax(*second..second + 2, "it must contain exactly one `->`", "a second `->`")
                .with_related(*first..first + 2, "the first `->`")
                .with_help("a signature has one `->`: input fields before it, output fields after it; DSPy counts a `->` inside a string too");
            return (DspySignature::default(), vec![error]);
        }
    };
    let names = TypeNames {
        declared: custom_types,
        none_type: !drops_none_type(text),
    };
    let inputs = side(text, 0..arrow, true, names, &mut errors);
    let outputs = side(text, arrow + 2..text.len(), false, names, &mut errors);
    duplicates(&inputs, &outputs, &mut errors);
    let instructions = instructions(instructions_arg, || {
        default_instructions(
            inputs.iter().map(|f| f.name.as_str()),
            outputs.iter().map(|f| f.name.as_str()),
        )
    });
    (
        DspySignature {
            inputs,
            outputs,
            instructions,
        },
        errors,
    )
}

/// The whole text without surrounding whitespace, or its start when it is blank.
fn whole(text: &str) -> Range<usize> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    start..end
}

/// The fields of one side: DSPy parses it as `def f(<side>): pass` and keeps the
/// ordinary parameters (not those before `/`, after `*`, nor `*args`, `**kwargs`).
fn side(
    text: &str,
    range: Range<usize>,
    is_input: bool,
    names: TypeNames<'_>,
    errors: &mut Vec<SignatureError>,
) -> Vec<DspyField> {
    let lexed = match tokenize(text, range.clone()) {
        Ok(lexed) => lexed,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    for field in &lexed.fstring_fields {
        if let Err(error) = check_fstring_expression(text, field.clone()) {
            errors.push(error);
            return Vec::new();
        }
    }
    let mut parser = Parser::new(lexed.tokens, range.end);
    let params = match parser.parameters(false) {
        Ok(params) => params,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    // DSPy evaluates every annotation (a name it cannot resolve raises at once), builds a
    // dict (a repeated name keeps its first place and its last value), and only then
    // checks the types that remain.
    let mut fields: Vec<(DspyField, Option<Spanned>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for param in params
        .into_iter()
        .filter(|p| p.kind == ParamKind::Positional)
    {
        let (field, value) = build_field(param, is_input, names, errors);
        let slot = index.get(&field.name).and_then(|&i| fields.get_mut(i));
        match slot {
            Some((existing, existing_value)) => {
                existing.ty = field.ty;
                existing.type_range = field.type_range;
                existing.type_undefined = field.type_undefined;
                *existing_value = value;
            }
            None => {
                index.insert(field.name.clone(), fields.len());
                fields.push((field, value));
            }
        }
    }
    fields
        .into_iter()
        .map(|(mut field, value)| {
            if let Some(value) = value {
                match field_type(value) {
                    Ok(ty) => field.ty = ty,
                    Err(error) => errors.push(error),
                }
            }
            field
        })
        .collect()
}

fn check_fstring_expression(text: &str, range: Range<usize>) -> Result<(), SignatureError> {
    let lexed = tokenize(text, range.clone())?;
    let mut parser = Parser::new(lexed.tokens, range.end);
    parser.star_expressions()?;
    if parser.at_end() {
        Ok(())
    } else {
        Err(SignatureError::syntax(
            range,
            "f-string: invalid syntax",
            "in this f-string expression",
        ))
    }
}

/// A field with its evaluated annotation (checked later), or `Any` when evaluating it
/// failed.
fn build_field(
    param: Param,
    is_input: bool,
    names: TypeNames<'_>,
    errors: &mut Vec<SignatureError>,
) -> (DspyField, Option<Spanned>) {
    let (name, name_range) = param.name;
    let (ty, type_range, value) = match param.annotation {
        None => (Type::Str, None, None),
        Some(annotation) => {
            let range = annotation.range.clone();
            match evaluate(&annotation, names) {
                Ok(value) => (Type::Any, Some(range), Some(value)),
                Err(error) => {
                    errors.push(error);
                    (Type::Any, Some(range), None)
                }
            }
        }
    };
    if name.starts_with('_') {
        let suggestion = name.trim_start_matches('_');
        let help = if suggestion.is_empty() {
            "rename the field".to_owned()
        } else {
            format!("rename it, such as `{suggestion}`")
        };
        errors.push(
            SignatureError::syntax(
                name_range.clone(),
                format!("`{name}` cannot be a field name"),
                "pydantic rejects field names with a leading `_`",
            )
            .with_help(help),
        );
    }
    let field = DspyField {
        prefix: prefix(&name),
        type_undefined: is_input && type_range.is_none(),
        name,
        name_range,
        ty,
        type_range,
    };
    (field, value)
}

/// DSPy rejects an input and an output of the same name (listed in sorted order).
fn duplicates(inputs: &[DspyField], outputs: &[DspyField], errors: &mut Vec<SignatureError>) {
    let by_name: HashMap<&str, &DspyField> = inputs.iter().map(|i| (i.name.as_str(), i)).collect();
    for output in outputs {
        let Some(input) = by_name.get(output.name.as_str()) else {
            continue;
        };
        errors.push(SignatureError {
            code: Code::P0117,
            range: output.name_range.clone(),
            message: format!("duplicate field `{}` in signature", output.name),
            label: format!(
                "`{}` is defined again here, as an output field",
                output.name
            ),
            related: Some(Box::new((
                input.name_range.clone(),
                format!("`{}` is first defined here, as an input field", input.name),
            ))),
            help: Some("DSPy requires input and output fields to have distinct names".to_owned()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> DspySignature {
        let (signature, errors) = parse_signature(text, 0, None, &[]);
        assert!(errors.is_empty(), "{text}: {errors:?}");
        signature
    }

    fn err(text: &str) -> Vec<SignatureError> {
        let (_, errors) = parse_signature(text, 0, None, &[]);
        assert!(!errors.is_empty(), "{text} should be an error");
        errors
    }

    #[test]
    fn fields_as_dspy_builds_them() {
        let s = ok("a, a: int, /, b: list[int] = [1], *, c -> d: Optional[str]");
        let inputs: Vec<(&str, String, bool)> = s
            .inputs
            .iter()
            .map(|f| (f.name.as_str(), f.ty.display(), f.type_undefined))
            .collect();
        assert_eq!(inputs, [("b", "list[int]".to_owned(), false)]);
        let s = ok("a, b: int, a: float -> c");
        assert_eq!(s.inputs.len(), 2);
        assert_eq!(
            (s.inputs[0].name.as_str(), s.inputs[0].ty.display()),
            ("a", "float".into())
        );
        assert_eq!(s.outputs[0].desc(), "${c}");
        assert_eq!(
            s.instructions,
            "Given the fields `a`, `b`, produce the fields `c`."
        );
    }

    #[test]
    fn ranges_are_shifted_by_the_base() {
        let (s, _) = parse_signature("q -> a", 10, None, &[]);
        assert_eq!(s.inputs[0].name_range, 10..11);
        let (_, errors) = parse_signature("q -> class", 10, None, &[]);
        assert_eq!(errors[0].range, 15..20);
    }

    #[test]
    fn hostile_input_is_an_error_not_a_crash() {
        let deep = format!(
            "x: {}int{} -> y",
            "list[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(err(&deep)[0].code, Code::P0113);
        let powers = format!("x = {}1 -> y", "1 ** ".repeat(100_000));
        err(&powers);
        let nots = format!("x = {}1 -> y", "not ".repeat(100_000));
        err(&nots);
        let minus = format!("x = {}1 -> y", "-".repeat(100_000));
        err(&minus);
        let lambdas = format!("x = {}1 -> y", "lambda: ".repeat(100_000));
        err(&lambdas);
        let ternary = format!("x = {}1 -> y", "1 if 1 else ".repeat(100_000));
        err(&ternary);
        let names: Vec<String> = (0..20_000).map(|i| format!("a{i}: int | str")).collect();
        let long = format!("{} -> y", names.join(", "));
        assert!(parse_signature(&long, 0, None, &[]).1.is_empty());
    }
}
