//! `Adapter.parse(signature, completion)`: the output values DSPy 3.4.1 reads from a
//! completion, with the same types (`3` vs `3.0`, a model as its fields, an enum as
//! its value), or the [`ParseError`] where DSPy raises `AdapterParseError`.
//!
//! ChatAdapter: [`sections`] split the text; the first section of each output field is
//! read by [`value::parse_value`]. JSONAdapter: json_repair reads the completion (or its
//! first balanced `{...}`); keys that are not outputs are dropped. Both then give a
//! missing output its default, or `None` when its type allows it
//! ([`apply_output_defaults`]), and fail if any output is still missing.

pub mod error;
pub mod json_repair;
pub mod literal_eval;
pub mod object;
pub mod sections;
pub mod validate;
pub mod value;

pub use error::ParseError;

use crate::custom_types::TypeDefs;
use crate::format::Adapter;
use crate::signature::Signature;
use crate::value::{Map, Value};
use validate::declared::allows_none;
use value::{Raw, parse_value};

/// One parsed output.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedField {
    /// The output field.
    pub name: String,
    /// Its value as JSON (models as their fields, enums as their values, tuples as lists).
    pub value: Value,
    /// The Python type DSPy's value has (`int`, `str`, `NoneType`, a model's name, ...).
    pub type_name: String,
}

/// The parsed outputs, in signature order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// One entry per output field.
    pub fields: Vec<ParsedField>,
}

impl Parsed {
    /// The value of an output.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.value)
    }

    /// The outputs as one JSON object.
    #[must_use]
    pub fn to_map(&self) -> Map {
        self.fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect()
    }
}

/// `adapter.parse(signature, completion)`.
///
/// # Errors
/// Where DSPy raises `AdapterParseError`.
pub fn parse(
    adapter: Adapter,
    signature: &Signature,
    types: &TypeDefs,
    completion: &str,
) -> Result<Parsed, ParseError> {
    match adapter {
        Adapter::Chat => parse_chat(signature, types, completion),
        Adapter::Json => parse_json(signature, types, completion),
    }
}

/// What DSPy's call path does with a model's reply: an empty or missing text is an
/// error before parsing (`The LM returned an empty or null response.`), anything else is
/// [`parse`]d.
///
/// # Errors
/// [`ParseError::EmptyResponse`], or what [`parse`] returns.
pub fn parse_response(
    adapter: Adapter,
    signature: &Signature,
    types: &TypeDefs,
    response: Option<&str>,
) -> Result<Parsed, ParseError> {
    match response {
        Some(text) if !text.is_empty() => parse(adapter, signature, types, text),
        _ => Err(ParseError::EmptyResponse { adapter }),
    }
}

fn parse_chat(
    signature: &Signature,
    types: &TypeDefs,
    completion: &str,
) -> Result<Parsed, ParseError> {
    let mut found: Vec<ParsedField> = Vec::new();
    for (header, text) in sections::split_sections(completion) {
        let Some(name) = header else {
            continue;
        };
        if found.iter().any(|f| f.name == name) {
            continue;
        }
        let Some(field) = signature.output(&name) else {
            continue;
        };
        let parsed = parse_value(Raw::Text(&text), &field.ty, types).map_err(|message| {
            ParseError::Field {
                adapter: Adapter::Chat,
                field: name.clone(),
                text: text.clone(),
                message,
            }
        })?;
        found.push(ParsedField {
            name,
            value: parsed.value,
            type_name: parsed.type_name,
        });
    }
    complete(Adapter::Chat, signature, found)
}

fn parse_json(
    signature: &Signature,
    types: &TypeDefs,
    completion: &str,
) -> Result<Parsed, ParseError> {
    let not_an_object = || ParseError::NotAnObject {
        adapter: Adapter::Json,
    };
    let mut read = json_repair::loads(completion).map_err(|_| not_an_object())?;
    if !matches!(read, Value::Object(_))
        && let Some(object) = first_balanced_object(completion)
    {
        read = json_repair::loads(&object).map_err(|_| not_an_object())?;
    }
    let Value::Object(object) = read else {
        return Err(not_an_object());
    };
    let mut found = Vec::new();
    for (name, value) in object.iter() {
        let Some(field) = signature.output(name) else {
            continue;
        };
        let parsed = parse_value(Raw::Json(value), &field.ty, types).map_err(|message| {
            ParseError::Field {
                adapter: Adapter::Json,
                field: name.clone(),
                text: crate::value::python::str_of(value),
                message,
            }
        })?;
        found.push(ParsedField {
            name: name.clone(),
            value: parsed.value,
            type_name: parsed.type_name,
        });
    }
    complete(Adapter::Json, signature, found)
}

/// The first `{...}` with balanced braces (DSPy's `\{(?:[^{}]|(?R))*\}`), if any.
#[must_use]
pub fn first_balanced_object(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut open: Vec<usize> = Vec::new();
    let mut best: Option<(usize, usize)> = None;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '{' => open.push(i),
            '}' => {
                if let Some(start) = open.pop()
                    && best.is_none_or(|(s, _)| start < s)
                {
                    best = Some((start, i));
                }
            }
            _ => {}
        }
    }
    best.map(|(start, end)| chars[start..=end].iter().collect())
}

/// `apply_output_field_defaults`, then the check that every output is there; the
/// result is in signature order.
fn complete(
    adapter: Adapter,
    signature: &Signature,
    found: Vec<ParsedField>,
) -> Result<Parsed, ParseError> {
    let fields = apply_output_defaults(signature, found);
    if fields.len() != signature.outputs.len() {
        return Err(ParseError::MissingFields {
            adapter,
            expected: signature.outputs.iter().map(|f| f.name.clone()).collect(),
            parsed: fields.into_iter().map(|f| f.name).collect(),
        });
    }
    Ok(Parsed { fields })
}

/// A missing output takes its default, else `None` if its type allows it; the outputs
/// found are put in signature order.
#[must_use]
pub fn apply_output_defaults(
    signature: &Signature,
    mut found: Vec<ParsedField>,
) -> Vec<ParsedField> {
    let mut fields = Vec::with_capacity(signature.outputs.len());
    for output in &signature.outputs {
        if let Some(at) = found.iter().position(|f| f.name == output.name) {
            fields.push(found.swap_remove(at));
        } else if let Some(default) = &output.default {
            fields.push(ParsedField {
                name: output.name.clone(),
                value: default.clone(),
                type_name: python_type_of(default).into(),
            });
        } else if allows_none(&output.ty) {
            fields.push(ParsedField {
                name: output.name.clone(),
                value: Value::Null,
                type_name: "NoneType".into(),
            });
        }
    }
    fields
}

fn python_type_of(value: &Value) -> &'static str {
    value.python_type_name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_objects() {
        assert_eq!(
            first_balanced_object("Here: {\"a\": {\"b\": 1}} and {\"x\": 1}").as_deref(),
            Some("{\"a\": {\"b\": 1}}")
        );
        assert_eq!(first_balanced_object("{ {a} ").as_deref(), Some("{a}"));
        assert_eq!(first_balanced_object("} {"), None);
    }
}
