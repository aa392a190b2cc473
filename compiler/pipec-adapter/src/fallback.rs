//! DSPy's JSON fallback, as a policy the caller applies.
//!
//! In DSPy 3.4.1, `ChatAdapter.__call__` catches an `AdapterParseError` — a completion
//! that [`parse`](crate::parse::parse) rejects, or an empty reply — and makes **one more
//! model call** with a `JSONAdapter` (same model, same settings, messages formatted by
//! the JSONAdapter), whose result or error is final. It does not fall back when the
//! failing adapter is already the JSONAdapter, when `use_json_adapter_fallback=False`,
//! or once streaming has shown output to the user. Errors that are not parse errors
//! (formatting errors, transport errors, rate limits) never fall back; `Predict` does not
//! retry either.

use crate::custom_types::TypeDefs;
use crate::format::{Adapter, FormatError, Message, format};
use crate::parse::{ParseError, Parsed, parse_response};
use crate::signature::Signature;
use crate::value::Map;

/// The adapter DSPy tries next after a parse error from `adapter`: the JSONAdapter after
/// the ChatAdapter, unless output was already streamed; else none. Every [`ParseError`] is
/// an `AdapterParseError` in DSPy, so which one it is does not matter; other errors (not a
/// `ParseError`) never fall back.
#[must_use]
pub fn fallback_adapter(
    adapter: Adapter,
    _error: &ParseError,
    streamed_output: bool,
) -> Option<Adapter> {
    (adapter == Adapter::Chat && !streamed_output).then_some(Adapter::Json)
}

/// Why [`call_with_fallback`] failed.
#[derive(Debug)]
pub enum CallError<E> {
    /// The messages could not be built.
    Format(FormatError),
    /// The model call failed (never retried here).
    Call(E),
    /// The completion could not be parsed, after the fallback when there was one.
    Parse(ParseError),
}

/// One predict call the way DSPy makes it: format with `adapter`, call the model, parse;
/// on a ChatAdapter parse error, format with the JSONAdapter, call once more and parse
/// that. `call` gets the adapter in use (a caller may set `response_format` for the
/// JSONAdapter) and the messages, and returns the reply text (`None` for no content).
///
/// # Errors
/// The formatting error, the call's own error, or the final parse error.
pub fn call_with_fallback<E>(
    adapter: Adapter,
    signature: &Signature,
    types: &TypeDefs,
    demos: &[Map],
    inputs: &Map,
    mut call: impl FnMut(Adapter, &[Message]) -> Result<Option<String>, E>,
) -> Result<Parsed, CallError<E>> {
    let mut current = adapter;
    loop {
        let messages =
            format(current, signature, types, demos, inputs).map_err(CallError::Format)?;
        let reply = call(current, &messages).map_err(CallError::Call)?;
        match parse_response(current, signature, types, reply.as_deref()) {
            Ok(parsed) => return Ok(parsed),
            Err(error) => match fallback_adapter(current, &error, false) {
                Some(next) => current = next,
                None => return Err(CallError::Parse(error)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::FieldSpec;
    use pipec_ir::Type;

    #[test]
    fn falls_back_once_to_json() {
        let signature = Signature {
            instructions: None,
            inputs: vec![FieldSpec::new("question", Type::Str)],
            outputs: vec![FieldSpec::new("answer", Type::Int)],
        };
        let mut inputs = Map::new();
        inputs.insert("question", crate::value::Value::str("2+2?"));
        let mut calls = Vec::new();
        let result = call_with_fallback(
            Adapter::Chat,
            &signature,
            &TypeDefs::new(),
            &[],
            &inputs,
            |adapter, _| {
                calls.push(adapter);
                Ok::<_, ()>(Some(match adapter {
                    Adapter::Chat => "four".to_owned(),
                    Adapter::Json => "{\"answer\": 4}".to_owned(),
                }))
            },
        );
        assert_eq!(calls, [Adapter::Chat, Adapter::Json]);
        assert_eq!(
            result.ok().and_then(|p| p.get("answer").cloned()),
            Some(crate::value::Value::int(4))
        );

        let mut count = 0;
        let result = call_with_fallback(
            Adapter::Chat,
            &signature,
            &TypeDefs::new(),
            &[],
            &inputs,
            |_, _| {
                count += 1;
                Ok::<_, ()>(None)
            },
        );
        assert_eq!(count, 2);
        assert!(matches!(
            result,
            Err(CallError::Parse(ParseError::EmptyResponse {
                adapter: Adapter::Json
            }))
        ));
        assert_eq!(
            fallback_adapter(
                Adapter::Json,
                &ParseError::NotAnObject {
                    adapter: Adapter::Json
                },
                false
            ),
            None
        );
    }
}
