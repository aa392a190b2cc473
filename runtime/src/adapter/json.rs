//! [`JsonAdapter`]: DSPy's JSONAdapter layout — the same field description, the inputs'
//! structure, and "Outputs will be a JSON object with the following fields." with each
//! output's placeholder and note — and a parser that reads the first JSON object of the
//! reply. The executor tries it once when the primary adapter cannot parse a reply.
//! Minimal: see the module docs of [`crate::adapter`].

use serde_json::{Map, Value};

use super::chat::{collect_outputs, field_description, input_blocks, instructions};
use super::fields::{note, objective, python_hint};
use super::values::{coerce, loads};
use super::{Adapter, AdapterError, SignatureCall};
use crate::providers::Message;

/// DSPy's JSONAdapter layout (minimal implementation).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonAdapter;

impl Adapter for JsonAdapter {
    fn name(&self) -> &'static str {
        "json"
    }

    fn format(&self, call: &SignatureCall<'_>) -> Result<Vec<Message>, AdapterError> {
        let signature = call.signature;
        let inputs: Vec<String> = signature
            .inputs
            .iter()
            .map(|f| format!("[[ ## {0} ## ]]\n{{{0}}}", f.name.text))
            .collect();
        let outputs: Vec<String> = signature
            .outputs
            .iter()
            .map(|field| {
                let mut placeholder = format!("{{{}}}", field.name.text);
                if let Some(note) = note(&field.ty.ty, call.types) {
                    placeholder.push_str("        # note: the value you produce ");
                    placeholder.push_str(&note);
                }
                format!(
                    "  {}: {}",
                    Value::String(field.name.text.clone()),
                    Value::String(placeholder)
                )
            })
            .collect();
        let object = if outputs.is_empty() {
            "{}".to_owned()
        } else {
            format!("{{\n{}\n}}", outputs.join(",\n"))
        };
        let system = format!(
            "{}\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\nInputs will have the following structure:\n\n{}\n\nOutputs will be a JSON object with the following fields.\n\n{}\n{}",
            field_description(call),
            inputs.join("\n\n"),
            object,
            objective(&instructions(call))
        );
        let order: Vec<String> = signature
            .outputs
            .iter()
            .map(|f| format!("`{}`{}", f.name.text, python_hint(&f.ty.ty)))
            .collect();
        let reminder = format!(
            "Respond with a JSON object in the following order of fields: {}.",
            order.join(", then ")
        );
        let blocks = input_blocks(call);
        let user = if blocks.is_empty() {
            reminder
        } else {
            format!("{blocks}\n\n{reminder}")
        };
        Ok(vec![Message::system(system), Message::user(user)])
    }

    fn parse(
        &self,
        call: &SignatureCall<'_>,
        completion: &str,
    ) -> Result<Map<String, Value>, AdapterError> {
        let object = match loads(completion) {
            Ok(Value::Object(object)) => object,
            _ => match first_object(completion).map(loads) {
                Some(Ok(Value::Object(object))) => object,
                _ => {
                    return Err(AdapterError::new(
                        "the reply does not contain a JSON object",
                    ));
                }
            },
        };
        collect_outputs(call, |field| {
            object
                .get(&field.name.text)
                .cloned()
                .map(|value| coerce(value, &field.ty.ty, call.types))
        })
    }
}

/// The first balanced `{...}` of `text`, braces inside strings ignored.
fn first_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0_u32;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, c) in text[start..].char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return text.get(start..=start + offset);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_object_is_found_around_prose() {
        assert_eq!(
            first_object("Sure! {\"a\": \"}{\", \"b\": {\"c\": 1}} done"),
            Some("{\"a\": \"}{\", \"b\": {\"c\": 1}}")
        );
        assert_eq!(first_object("no json"), None);
    }
}
