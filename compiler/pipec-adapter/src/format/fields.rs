//! The parts of the system message that describe fields, shared by both adapters:
//! the numbered field lists (`get_field_description_string`), the placeholder with its
//! type note (`translate_field_type`), and the objective (`format_task_description`).

use pipec_ir::{LiteralValue, Type};

use super::FormatError;
use crate::custom_types::TypeDefs;
use crate::kinds::{self, DspyKind};
use crate::schema::schema_text;
use crate::signature::{FieldSpec, Signature};
use crate::text::{dedent, splitlines, strip};
use crate::value::python::str_of;

/// `Your input fields are:` ... `Your output fields are:` ...
///
/// # Errors
/// A field of a type DSPy cannot describe (`dspy.Code[...]`).
pub fn field_description(signature: &Signature) -> Result<String, FormatError> {
    Ok(format!(
        "Your input fields are:\n{}\nYour output fields are:\n{}",
        field_list(&signature.inputs)?,
        field_list(&signature.outputs)?
    ))
}

/// ``1. `name` (type): desc`` lines, with DSPy-type descriptions and constraints, the
/// whole block stripped (which is why only the last line loses its trailing `": "`).
fn field_list(fields: &[FieldSpec]) -> Result<String, FormatError> {
    let mut lines = Vec::with_capacity(fields.len());
    for (i, field) in fields.iter().enumerate() {
        let mut line = format!(
            "{}. `{}` ({}): {}",
            i + 1,
            field.name,
            field.ty.display(),
            field.shown_desc()
        );
        for (name, description) in custom_type_descriptions(field)? {
            line.push_str(&format!("\n    Type description of {name}: {description}"));
        }
        if !field.constraints.is_empty() {
            let constraints: Vec<String> = field
                .constraints
                .iter()
                .map(|c| format!("{}{}", c.kind.label(), str_of(&c.value)))
                .collect();
            line.push_str(&format!("\nConstraints: {}", constraints.join(", ")));
        }
        lines.push(line);
    }
    Ok(strip(&lines.join("\n")).to_owned())
}

/// The DSPy `Type`s anywhere in a field's type that describe themselves
/// (`extract_custom_type_from_annotation`), as (rendered name, description).
fn custom_type_descriptions(field: &FieldSpec) -> Result<Vec<(String, String)>, FormatError> {
    let mut found = Vec::new();
    let mut stack = vec![&field.ty];
    while let Some(ty) = stack.pop() {
        match ty {
            Type::External(external) => match kinds::dspy_kind(&external.path) {
                Some(DspyKind::ToolCalls) => {
                    found.push(("ToolCalls".into(), kinds::TOOL_CALLS_DESCRIPTION.into()))
                }
                Some(DspyKind::Code) => found.push(("Code".into(), kinds::CODE_DESCRIPTION.into())),
                Some(DspyKind::CodeWithLanguage) => return Err(code_with_language(field)),
                _ => {}
            },
            Type::List(t)
            | Type::Set(t)
            | Type::FrozenSet(t)
            | Type::VarTuple(t)
            | Type::Optional(t) => {
                stack.push(t);
            }
            Type::Dict(k, v) => {
                stack.push(v);
                stack.push(k);
            }
            Type::Tuple(items) | Type::Union(items) | Type::Generic(_, items) => {
                stack.extend(items.iter().rev());
            }
            _ => {}
        }
    }
    Ok(found)
}

/// DSPy 3.4.1 crashes describing `dspy.Code['python']` from a signature string: its
/// language arrives as a tuple, and `Code.description()` calls `.lower()` on it.
fn code_with_language(field: &FieldSpec) -> FormatError {
    FormatError::Unsupported {
        field: field.name.clone(),
        exception: "AttributeError",
        message: "DSPy 3.4.1 cannot describe `dspy.Code[...]` from a signature string \
                  ('tuple' object has no attribute 'lower'); use `dspy.Code`"
            .into(),
    }
}

/// `{name}` plus, for an output, the note on what its value must be
/// (`translate_field_type`).
///
/// # Errors
/// An output type with no JSON schema pipec can render.
pub fn placeholder(
    field: &FieldSpec,
    is_input: bool,
    types: &TypeDefs,
) -> Result<String, FormatError> {
    let note = if is_input {
        None
    } else {
        type_note(field, types)?
    };
    Ok(match note {
        Some(note) => format!(
            "{{{}}}        # note: the value you produce {note}",
            field.name
        ),
        None => format!("{{{}}}", field.name),
    })
}

fn type_note(field: &FieldSpec, types: &TypeDefs) -> Result<Option<String>, FormatError> {
    Ok(Some(match &field.ty {
        Type::Str => return Ok(None),
        Type::External(e) if kinds::dspy_kind(&e.path) == Some(DspyKind::Reasoning) => {
            return Ok(None);
        }
        Type::External(e) if kinds::dspy_kind(&e.path) == Some(DspyKind::Code) => return Ok(None),
        Type::Bool => "must be True or False".into(),
        Type::Int => "must be a single int value".into(),
        Type::Float => "must be a single float value".into(),
        Type::Named(name) if types.enumeration(name).is_some() => {
            let values: Vec<String> = types
                .enumeration(name)
                .map(|def| def.members.iter().map(|m| str_of(&m.value)).collect())
                .unwrap_or_default();
            format!("must be one of: {}", values.join("; "))
        }
        Type::Literal(values) => {
            let values: Vec<String> = values.iter().map(literal_str).collect();
            format!(
                "must exactly match (no extra characters) one of: {}",
                values.join("; ")
            )
        }
        other => {
            let schema = schema_text(other, types).map_err(|error| FormatError::Schema {
                field: field.name.clone(),
                error,
            })?;
            format!("must adhere to the JSON schema: {schema}")
        }
    }))
}

/// `str(value)` of a literal's value: strings bare, everything else as `repr`.
fn literal_str(value: &LiteralValue) -> String {
    match value {
        LiteralValue::Str(s) => s.clone(),
        other => other.display(),
    }
}

/// `In adhering to this structure, your objective is: ` and the instructions, dedented,
/// one line each after a line break and eight spaces.
#[must_use]
pub fn task_description(signature: &Signature) -> String {
    let instructions = dedent(&signature.effective_instructions());
    let objective: String = splitlines(&instructions)
        .into_iter()
        .map(|line| format!("\n        {line}"))
        .collect();
    format!("In adhering to this structure, your objective is: {objective}")
}

/// What the output reminder says after a field's marker: the ToolCalls shape, the
/// Python type for anything but `str`, nothing for `str`.
#[must_use]
pub fn reminder_type_info(field: &FieldSpec) -> String {
    match &field.ty {
        Type::Str => String::new(),
        Type::External(e) if kinds::dspy_kind(&e.path) == Some(DspyKind::ToolCalls) => {
            r#" (must be a JSON object like {"tool_calls": [{"name": "...", "args": {...}}]})"#
                .into()
        }
        other => format!(" (must be formatted as a valid Python {})", other.display()),
    }
}
