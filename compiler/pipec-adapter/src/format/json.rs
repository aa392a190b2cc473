//! The JSONAdapter's own parts: a structure block that shows the inputs as
//! `[[ ## name ## ]]` blocks and the outputs as an indented JSON object of placeholder
//! strings, and its reminder. (Its field lists, objective and user messages are the
//! ChatAdapter's; its demo replies are JSON objects, see [`super::assistant_content`].)

use super::FormatError;
use super::chat::{STRUCTURE_HEADER, placeholders};
use super::fields::{placeholder, reminder_type_info};
use crate::custom_types::TypeDefs;
use crate::signature::Signature;
use crate::text::strip;
use crate::value::{Map, Value, json};

/// `format_field_structure`.
///
/// # Errors
/// An output type without a JSON schema.
pub fn field_structure(signature: &Signature, types: &TypeDefs) -> Result<String, FormatError> {
    let outputs = signature
        .outputs
        .iter()
        .map(|f| Ok((f.name.clone(), Value::Str(placeholder(f, false, types)?))))
        .collect::<Result<Map, FormatError>>()?;
    let parts = [
        STRUCTURE_HEADER.to_owned(),
        "Inputs will have the following structure:".to_owned(),
        placeholders(&signature.inputs, true, types)?,
        "Outputs will be a JSON object with the following fields.".to_owned(),
        json::dumps_indented(&Value::Object(outputs)),
    ];
    Ok(strip(&parts.join("\n\n")).to_owned())
}

/// `user_message_output_requirements`.
#[must_use]
pub fn output_reminder(signature: &Signature) -> String {
    let fields: Vec<String> = signature
        .outputs
        .iter()
        .map(|f| format!("`{}`{}", f.name, reminder_type_info(f)))
        .collect();
    format!(
        "Respond with a JSON object in the following order of fields: {}.",
        fields.join(", then ")
    )
}
