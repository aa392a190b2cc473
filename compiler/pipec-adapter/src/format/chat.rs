//! The ChatAdapter's own parts: the structure block (every field as
//! `[[ ## name ## ]]\n{name}`, outputs with their type notes, then
//! `[[ ## completed ## ]]`) and the reminder that ends the request.

use super::fields::{placeholder, reminder_type_info};
use super::{FormatError, field_blocks};
use crate::custom_types::TypeDefs;
use crate::signature::{FieldSpec, Signature};
use crate::text::strip;

/// The first line of both adapters' structure blocks.
pub const STRUCTURE_HEADER: &str = "All interactions will be structured in the following way, with the appropriate values filled in.";

/// `format_field_structure`.
///
/// # Errors
/// An output type without a JSON schema.
pub fn field_structure(signature: &Signature, types: &TypeDefs) -> Result<String, FormatError> {
    let parts = [
        STRUCTURE_HEADER.to_owned(),
        placeholders(&signature.inputs, true, types)?,
        placeholders(&signature.outputs, false, types)?,
        "[[ ## completed ## ]]\n".to_owned(),
    ];
    Ok(strip(&parts.join("\n\n")).to_owned())
}

/// The placeholder blocks of some fields.
///
/// # Errors
/// An output type without a JSON schema.
pub fn placeholders(
    fields: &[FieldSpec],
    are_inputs: bool,
    types: &TypeDefs,
) -> Result<String, FormatError> {
    let blocks = fields
        .iter()
        .map(|f| Ok((f.name.clone(), placeholder(f, are_inputs, types)?)))
        .collect::<Result<Vec<_>, FormatError>>()?;
    Ok(field_blocks(&blocks))
}

/// `user_message_output_requirements`.
#[must_use]
pub fn output_reminder(signature: &Signature) -> String {
    let fields: Vec<String> = signature
        .outputs
        .iter()
        .map(|f| format!("`[[ ## {} ## ]]`{}", f.name, reminder_type_info(f)))
        .collect();
    format!(
        "Respond with the corresponding output fields, starting with the field {}, and then ending with the marker for `[[ ## completed ## ]]`.",
        fields.join(", then ")
    )
}
