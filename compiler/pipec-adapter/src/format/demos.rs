//! `format_demos`: few-shot examples as user/assistant pairs.
//!
//! A demo is *complete* when every field of the signature is present and not `None`;
//! *incomplete* when at least one input and one output are present (others are dropped
//! silently). Incomplete demos come first, each user message prefixed with a note and
//! each missing output written as `Not supplied for this particular example. `; then
//! the complete ones, in their order. Keys that are not fields are ignored.

use super::{Adapter, FormatError, Message, Role, assistant_content, user_content};
use crate::signature::Signature;
use crate::value::Map;

/// The prefix of an incomplete demo's user message.
pub const INCOMPLETE_PREFIX: &str =
    "This is an example of the task, though some input or output fields are not supplied.";

/// What stands for a missing output in an incomplete demo (trailing space included).
pub const NOT_SUPPLIED: &str = "Not supplied for this particular example. ";

/// The messages of the demos.
///
/// # Errors
/// A demo value DSPy cannot format.
pub fn format_demos(
    adapter: Adapter,
    signature: &Signature,
    demos: &[Map],
) -> Result<Vec<Message>, FormatError> {
    let all_fields = || signature.inputs.iter().chain(&signature.outputs);
    let mut complete = Vec::new();
    let mut incomplete = Vec::new();
    for demo in demos {
        let is_complete = all_fields().all(|f| demo.get(&f.name).is_some_and(|v| !v.is_null()));
        let has_input = signature.inputs.iter().any(|f| demo.contains_key(&f.name));
        let has_output = signature.outputs.iter().any(|f| demo.contains_key(&f.name));
        if is_complete {
            complete.push(demo);
        } else if has_input && has_output {
            incomplete.push(demo);
        }
    }
    let mut messages = Vec::new();
    for demo in incomplete {
        messages.push(Message::new(
            Role::User,
            user_content(adapter, signature, demo, INCOMPLETE_PREFIX, false)?,
        ));
        messages.push(Message::new(
            Role::Assistant,
            assistant_content(adapter, signature, demo, Some(NOT_SUPPLIED))?,
        ));
    }
    for demo in complete {
        messages.push(Message::new(
            Role::User,
            user_content(adapter, signature, demo, "", false)?,
        ));
        messages.push(Message::new(
            Role::Assistant,
            assistant_content(adapter, signature, demo, None)?,
        ));
    }
    Ok(messages)
}
