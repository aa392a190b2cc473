//! The parts of a DSPy prompt that describe fields: the numbered field lists, the type note
//! on an output's placeholder, the type hint of the closing reminder, and the task
//! description.

use pipec_ir::{Field, Type, TypeDef, TypeDefKind};

use super::schema::{definition, dumps_sorted, json_schema, type_name};

/// `1. `name` (Type): desc` lines, as DSPy's field description writes them (the block is
/// stripped, so its last line has no trailing space).
#[must_use]
pub fn field_lines(fields: &[Field]) -> String {
    let lines: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            format!(
                "{}. `{}` ({}): {}",
                i + 1,
                field.name.text,
                type_name(&field.ty.ty),
                field.desc.as_deref().unwrap_or("")
            )
        })
        .collect();
    lines.join("\n").trim().to_owned()
}

/// The type note of an output placeholder, after "the value you produce ": none for `str`.
#[must_use]
pub fn note(ty: &Type, types: &[TypeDef]) -> Option<String> {
    match ty {
        Type::Str => None,
        Type::Bool => Some("must be True or False".to_owned()),
        Type::Int => Some("must be a single int value".to_owned()),
        Type::Float => Some("must be a single float value".to_owned()),
        Type::Literal(values) => Some(format!(
            "must exactly match (no extra characters) one of: {}",
            values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.display(), str::to_owned))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Type::Named(name) => match definition(types, name) {
            Some(TypeDefKind::Enum(values)) => {
                let values: Vec<&str> = values.iter().map(|v| v.text.as_str()).collect();
                Some(format!("must be one of: {}", values.join("; ")))
            }
            _ => Some(schema_note(ty, types)),
        },
        _ => Some(schema_note(ty, types)),
    }
}

fn schema_note(ty: &Type, types: &[TypeDef]) -> String {
    format!(
        "must adhere to the JSON schema: {}",
        dumps_sorted(&json_schema(ty, types))
    )
}

/// ` (must be formatted as a valid Python float)` for the reminder; empty for `str`.
#[must_use]
pub fn python_hint(ty: &Type) -> String {
    match ty {
        Type::Str => String::new(),
        other => format!(
            " (must be formatted as a valid Python {})",
            type_name(other)
        ),
    }
}

/// `In adhering to this structure, your objective is: ` and the instructions, each line
/// indented by eight spaces.
#[must_use]
pub fn objective(instructions: &str) -> String {
    let lines: Vec<String> = instructions
        .lines()
        .map(|line| format!("        {}", line.trim()))
        .collect();
    format!(
        "In adhering to this structure, your objective is: \n{}",
        lines.join("\n")
    )
}
