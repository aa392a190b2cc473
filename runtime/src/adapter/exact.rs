//! The byte-exact adapters: [`pipec_adapter`]'s port of DSPy 3.4.1's ChatAdapter and
//! JSONAdapter behind the executor's [`Adapter`] trait. These are the runtime's defaults;
//! the prompts a run sends are the ones `pipec prompt` prints and DSPy would send.
//!
//! Values cross between the runtime's `serde_json` values and the adapter's own (which keeps
//! Python's int/float distinction and key order) as JSON text.

use pipec_adapter::from_ir::{demo_maps, signature_from_ir, type_defs_from_ir};
use pipec_adapter::value::json as adapter_json;
use serde_json::{Map, Value};

use super::{Adapter, AdapterError, SignatureCall};
use crate::providers::{Message, Role};

/// DSPy's ChatAdapter, exactly.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactChatAdapter;

/// DSPy's JSONAdapter, exactly.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactJsonAdapter;

impl Adapter for ExactChatAdapter {
    fn name(&self) -> &'static str {
        "chat"
    }

    fn format(&self, call: &SignatureCall<'_>) -> Result<Vec<Message>, AdapterError> {
        format(pipec_adapter::Adapter::Chat, call)
    }

    fn parse(
        &self,
        call: &SignatureCall<'_>,
        completion: &str,
    ) -> Result<Map<String, Value>, AdapterError> {
        parse(pipec_adapter::Adapter::Chat, call, completion)
    }
}

impl Adapter for ExactJsonAdapter {
    fn name(&self) -> &'static str {
        "json"
    }

    fn format(&self, call: &SignatureCall<'_>) -> Result<Vec<Message>, AdapterError> {
        format(pipec_adapter::Adapter::Json, call)
    }

    fn parse(
        &self,
        call: &SignatureCall<'_>,
        completion: &str,
    ) -> Result<Map<String, Value>, AdapterError> {
        parse(pipec_adapter::Adapter::Json, call, completion)
    }
}

fn format(
    adapter: pipec_adapter::Adapter,
    call: &SignatureCall<'_>,
) -> Result<Vec<Message>, AdapterError> {
    let signature = signature_from_ir(call.signature);
    let types = type_defs_from_ir(call.types);
    let inputs = to_adapter(&Value::Object(call.inputs.clone()))?;
    let Some(inputs) = inputs.as_object() else {
        return Err(AdapterError::new("the inputs are not an object"));
    };
    let demos = demo_maps(call.demos);
    let messages = pipec_adapter::format(adapter, &signature, &types, &demos, inputs)
        .map_err(|e| AdapterError::new(e.to_string()))?;
    Ok(messages
        .into_iter()
        .map(|m| Message {
            role: match m.role {
                pipec_adapter::Role::System => Role::System,
                pipec_adapter::Role::User => Role::User,
                pipec_adapter::Role::Assistant => Role::Assistant,
            },
            content: m.content,
        })
        .collect())
}

fn parse(
    adapter: pipec_adapter::Adapter,
    call: &SignatureCall<'_>,
    completion: &str,
) -> Result<Map<String, Value>, AdapterError> {
    let signature = signature_from_ir(call.signature);
    let types = type_defs_from_ir(call.types);
    let parsed = pipec_adapter::parse(adapter, &signature, &types, completion)
        .map_err(|e| AdapterError::new(e.to_string()))?;
    let mut out = Map::new();
    for field in parsed.fields {
        out.insert(field.name, from_adapter(&field.value)?);
    }
    Ok(out)
}

fn to_adapter(value: &Value) -> Result<pipec_adapter::Value, AdapterError> {
    adapter_json::loads(&value.to_string())
        .map_err(|e| AdapterError::new(format!("an input value is not JSON: {}", e.message)))
}

fn from_adapter(value: &pipec_adapter::Value) -> Result<Value, AdapterError> {
    serde_json::from_str(&adapter_json::dumps(value))
        .map_err(|e| AdapterError::new(format!("an output value is not JSON: {e}")))
}
