//! `format_conversation_history`: a `dspy.History` input becomes earlier turns.
//!
//! The history field is taken out of the signature for everything but the system
//! message and the demos. Each history message (a dict of field values) becomes a user
//! message with its inputs (and the output reminder when it has any input) and an
//! assistant message with its outputs, a missing output written as `None` (`null` in
//! JSON). The history input itself is then dropped from the current request.

use super::{Adapter, FormatError, Message, Role, assistant_content, user_content};
use crate::signature::Signature;
use crate::value::{Map, Value};

/// `signature.delete(name)`.
#[must_use]
pub fn without_field(signature: &Signature, name: &str) -> Signature {
    Signature {
        instructions: Some(signature.effective_instructions()),
        inputs: signature
            .inputs
            .iter()
            .filter(|f| f.name != name)
            .cloned()
            .collect(),
        outputs: signature
            .outputs
            .iter()
            .filter(|f| f.name != name)
            .cloned()
            .collect(),
    }
}

/// The turns of the history in `inputs[field]` (none when it is absent), removing it
/// from `inputs`.
///
/// # Errors
/// A history value that is not `{"messages": [{...}, ...]}`, a message holding tool
/// calls (which DSPy turns into tool messages pipec does not model), or a value DSPy
/// cannot format.
pub fn format_history(
    adapter: Adapter,
    signature: &Signature,
    field: &str,
    inputs: &mut Map,
) -> Result<Vec<Message>, FormatError> {
    let Some(history) = inputs.remove(field) else {
        return Ok(Vec::new());
    };
    let error = |message: &str| FormatError::History {
        field: field.to_owned(),
        message: message.to_owned(),
    };
    let Some(Value::List(turns)) = history.as_object().and_then(|h| h.get("messages")) else {
        return Err(error("expected an object `{\"messages\": [...]}`"));
    };
    let mut messages = Vec::new();
    for turn in turns {
        let Value::Object(turn) = turn else {
            return Err(error(
                "each history message must be an object of field values",
            ));
        };
        if turn
            .iter()
            .any(|(_, v)| v.as_object().is_some_and(|o| o.contains_key("tool_calls")))
        {
            return Err(FormatError::Unsupported {
                field: field.to_owned(),
                exception: "",
                message: "history messages with tool calls are not supported".into(),
            });
        }
        let has_input = signature.inputs.iter().any(|f| turn.contains_key(&f.name));
        let user = user_content(adapter, signature, turn, "", has_input)?;
        if !user.is_empty() {
            messages.push(Message::new(Role::User, user));
        }
        let assistant = assistant_content(adapter, signature, turn, None)?;
        if !assistant.is_empty() {
            messages.push(Message::new(Role::Assistant, assistant));
        }
    }
    Ok(messages)
}
