//! A stand-alone type expression (`list[str]`, `Optional[Issue]`), as written for an
//! input, an output or a field: read exactly as the annotation of a signature field.

use std::ops::Range;

use super::accept::field_type;
use super::error::SignatureError;
use super::eval::evaluate;
use super::lexer::tokenize;
use super::names::TypeNames;
use super::parser::Parser;
use crate::ir::Type;

/// Parse `text[range]` as a type. Error ranges are relative to `text`. Never fails: a type
/// in error reads as `Any`, so later passes do not report it again.
#[must_use]
pub fn parse_type_expression(
    text: &str,
    range: Range<usize>,
    custom_types: &[&str],
) -> (Type, Vec<SignatureError>) {
    match parse(text, range, custom_types) {
        Ok(ty) => (ty, Vec::new()),
        Err(error) => (Type::Any, vec![error]),
    }
}

fn parse(text: &str, range: Range<usize>, custom_types: &[&str]) -> Result<Type, SignatureError> {
    let lexed = tokenize(text, range.clone())?;
    if lexed.tokens.is_empty() {
        return Err(SignatureError::syntax(
            range,
            "expected a type",
            "a type such as `str` or `list[int]` is missing here",
        ));
    }
    let mut parser = Parser::new(lexed.tokens, range.end);
    let expr = parser.expression()?;
    if !parser.at_end() {
        let mut error = parser.unexpected();
        error.label = "the type ends before this".into();
        return Err(error);
    }
    let names = TypeNames {
        declared: custom_types,
        none_type: true,
    };
    field_type(evaluate(&expr, names)?)
}
