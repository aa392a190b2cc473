//! `Adapter.format(signature, demos, inputs)`: the messages DSPy 3.4.1 sends, byte for
//! byte, for either adapter.
//!
//! Message order: the system message, the demos (incomplete ones first, see
//! [`demos`]), the turns of a `dspy.History` input ([`history`]), then the current
//! request. The system message is the field lists ([`fields`]), the structure block
//! ([`chat`] or [`json`]) and the objective; each user message is its input blocks
//! ([`values`]) and, for a request, the reminder of the output format.

pub mod chat;
pub mod demos;
pub mod error;
pub mod fields;
pub mod history;
pub mod json;
pub mod values;

pub use error::FormatError;

use crate::custom_types::TypeDefs;
use crate::kinds::{DspyKind, kind_of};
use crate::signature::{FieldSpec, Signature};
use crate::text::strip;
use crate::value::{Map, Value};
use values::format_field_value;

/// Which DSPy adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Adapter {
    /// `dspy.ChatAdapter` (DSPy's default): `[[ ## field ## ]]` sections.
    Chat,
    /// `dspy.JSONAdapter`: a JSON object; also ChatAdapter's fallback.
    Json,
}

impl Adapter {
    /// DSPy's class name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Adapter::Chat => "ChatAdapter",
            Adapter::Json => "JSONAdapter",
        }
    }
}

/// Who a message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The system prompt.
    System,
    /// The user (inputs, demo inputs, history inputs).
    User,
    /// The model (demo and history outputs).
    Assistant,
}

impl Role {
    /// The role as chat APIs spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Who it is from.
    pub role: Role,
    /// Its text.
    pub content: String,
}

impl Message {
    fn new(role: Role, content: String) -> Message {
        Message { role, content }
    }
}

/// What DSPy expands into content parts, which text messages cannot carry.
const CUSTOM_TYPE_MARKER: &str = "<<CUSTOM-TYPE-START-IDENTIFIER>>";

/// The messages `adapter.format(signature, demos, inputs)` returns. `demos` and `inputs`
/// are dicts of field values as DSPy receives them (a model-typed value as a dict, an
/// enum-typed one as its value, a `dspy.History` as `{"messages": [...]}`); keys that
/// are not fields are ignored, missing inputs are left out.
///
/// # Errors
/// Where DSPy raises (see [`FormatError`]), and for the few DSPy features pipec does not
/// model.
pub fn format(
    adapter: Adapter,
    signature: &Signature,
    types: &TypeDefs,
    demos: &[Map],
    inputs: &Map,
) -> Result<Vec<Message>, FormatError> {
    let mut inputs = inputs.clone();
    let history_field = signature
        .inputs
        .iter()
        .find(|f| kind_of(&f.ty) == Some(DspyKind::History));
    let mut messages = vec![Message::new(
        Role::System,
        system_message(adapter, signature, types)?,
    )];
    messages.extend(demos::format_demos(adapter, signature, demos)?);
    let current = match history_field {
        Some(field) => {
            let without = history::without_field(signature, &field.name);
            let turns = history::format_history(adapter, &without, &field.name, &mut inputs)?;
            messages.extend(turns);
            user_content(adapter, &without, &inputs, "", true)?
        }
        None => user_content(adapter, signature, &inputs, "", true)?,
    };
    if !current.is_empty() {
        messages.push(Message::new(Role::User, current));
    }
    if let Some(message) = messages
        .iter()
        .find(|m| m.role == Role::User && m.content.contains(CUSTOM_TYPE_MARKER))
    {
        return Err(FormatError::Unsupported {
            field: String::new(),
            exception: "",
            message: format!(
                "a user message contains DSPy's content-part marker, which DSPy would split into parts: {}",
                message.content.chars().take(80).collect::<String>()
            ),
        });
    }
    Ok(messages)
}

/// The system message: field lists, structure, objective.
///
/// # Errors
/// An output type without a JSON schema, or a DSPy type DSPy cannot describe.
pub fn system_message(
    adapter: Adapter,
    signature: &Signature,
    types: &TypeDefs,
) -> Result<String, FormatError> {
    let structure = match adapter {
        Adapter::Chat => chat::field_structure(signature, types)?,
        Adapter::Json => json::field_structure(signature, types)?,
    };
    Ok(format!(
        "{}\n{}\n{}",
        fields::field_description(signature)?,
        structure,
        fields::task_description(signature)
    ))
}

/// A user message: `prefix`, the input blocks of the fields present in `values`, and
/// for the request itself the output-format reminder; joined with blank lines, stripped.
///
/// # Errors
/// A value DSPy cannot format ([`FormatError::ListItem`]).
pub fn user_content(
    adapter: Adapter,
    signature: &Signature,
    values: &Map,
    prefix: &str,
    main_request: bool,
) -> Result<String, FormatError> {
    let mut parts = vec![prefix.to_owned()];
    for field in &signature.inputs {
        if let Some(value) = values.get(&field.name) {
            let text = format_field_value(&field.name, &field.ty, value)?;
            parts.push(format!("[[ ## {} ## ]]\n{text}", field.name));
        }
    }
    if main_request {
        parts.push(match adapter {
            Adapter::Chat => chat::output_reminder(signature),
            Adapter::Json => json::output_reminder(signature),
        });
    }
    parts.push(String::new());
    Ok(strip(&parts.join("\n\n")).to_owned())
}

/// An assistant message with the outputs in `values`; an output not there is `missing`
/// (DSPy's "Not supplied ..." text for demos, `None` for history turns).
///
/// # Errors
/// A value DSPy cannot format ([`FormatError::ListItem`]).
pub fn assistant_content(
    adapter: Adapter,
    signature: &Signature,
    values: &Map,
    missing: Option<&str>,
) -> Result<String, FormatError> {
    let missing = missing.map_or(Value::Null, Value::str);
    let value_of = |field: &FieldSpec| values.get(&field.name).unwrap_or(&missing).clone();
    match adapter {
        Adapter::Chat => {
            let blocks = signature
                .outputs
                .iter()
                .map(|f| {
                    Ok((
                        f.name.clone(),
                        format_field_value(&f.name, &f.ty, &value_of(f))?,
                    ))
                })
                .collect::<Result<Vec<_>, FormatError>>()?;
            Ok(format!(
                "{}\n\n[[ ## completed ## ]]\n",
                field_blocks(&blocks)
            ))
        }
        Adapter::Json => {
            let object: Map = signature
                .outputs
                .iter()
                .map(|f| (f.name.clone(), value_of(f)))
                .collect();
            Ok(crate::value::json::dumps_indented(&Value::Object(object)))
        }
    }
}

/// `[[ ## name ## ]]\ntext` blocks joined with blank lines, stripped
/// (`format_field_with_value`).
#[must_use]
pub fn field_blocks(blocks: &[(String, String)]) -> String {
    let joined = blocks
        .iter()
        .map(|(name, text)| format!("[[ ## {name} ## ]]\n{text}"))
        .collect::<Vec<_>>()
        .join("\n\n");
    strip(&joined).to_owned()
}
