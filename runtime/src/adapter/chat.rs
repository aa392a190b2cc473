//! [`ChatAdapter`]: DSPy's default prompt layout — a system message listing the fields, the
//! `[[ ## field ## ]]` structure with type notes and the task; a user message with the input
//! blocks and a reminder of the output order — and a parser for `[[ ## field ## ]]` replies.
//! Minimal: see the module docs of [`crate::adapter`] for what it leaves out.

use pipec_ir::{Field, Type};
use serde_json::{Map, Value};

use super::fields::{field_lines, note, objective, python_hint};
use super::values::{format_value, parse_text};
use super::{Adapter, AdapterError, SignatureCall};
use crate::providers::Message;

/// DSPy's ChatAdapter layout (minimal implementation).
#[derive(Debug, Clone, Copy, Default)]
pub struct ChatAdapter;

/// "Your input fields are: ... Your output fields are: ..." — the field description both
/// adapters start with.
pub(super) fn field_description(call: &SignatureCall<'_>) -> String {
    format!(
        "Your input fields are:\n{}\nYour output fields are:\n{}",
        field_lines(&call.signature.inputs),
        field_lines(&call.signature.outputs)
    )
}

/// The instructions of the call (set by the executor; DSPy's default otherwise).
pub(super) fn instructions(call: &SignatureCall<'_>) -> String {
    call.signature.instructions.clone().unwrap_or_else(|| {
        let names = |fields: &[Field]| {
            fields
                .iter()
                .map(|f| format!("`{}`", f.name.text))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "Given the fields {}, produce the fields {}.",
            names(&call.signature.inputs),
            names(&call.signature.outputs)
        )
    })
}

/// `[[ ## name ## ]]\n<value>` for every input that has a value, joined by blank lines.
pub(super) fn input_blocks(call: &SignatureCall<'_>) -> String {
    call.signature
        .inputs
        .iter()
        .filter_map(|field| {
            let value = call.inputs.get(&field.name.text)?;
            Some(format!(
                "[[ ## {} ## ]]\n{}",
                field.name.text,
                format_value(value, &field.ty.ty)
            ))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The output values, from `found(name)` (the parsed text of a field, if the reply has
/// it): a missing field takes its default, or `None` when its type is optional.
pub(super) fn collect_outputs(
    call: &SignatureCall<'_>,
    mut found: impl FnMut(&Field) -> Option<Result<Value, String>>,
) -> Result<Map<String, Value>, AdapterError> {
    let mut outputs = Map::new();
    let mut missing = Vec::new();
    for field in &call.signature.outputs {
        let value = match found(field) {
            Some(Ok(value)) => value,
            Some(Err(why)) => {
                return Err(AdapterError::new(format!(
                    "field `{}` ({}): {why}",
                    field.name.text,
                    field.ty.ty.display()
                )));
            }
            None => match (&field.default, &field.ty.ty) {
                (Some(default), _) => serde_json::from_str(default).unwrap_or(Value::Null),
                (None, Type::Optional(_)) => Value::Null,
                _ => {
                    missing.push(format!("`{}`", field.name.text));
                    continue;
                }
            },
        };
        outputs.insert(field.name.text.clone(), value);
    }
    if missing.is_empty() {
        Ok(outputs)
    } else {
        Err(AdapterError::new(format!(
            "the reply lacks the output field(s) {}",
            missing.join(", ")
        )))
    }
}

/// `[[ ## name ## ]]` sections of a reply, in order, each stripped. Text before the first
/// marker is dropped; text after a marker on its line belongs to it.
fn sections(completion: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in completion.lines() {
        let trimmed = line.trim();
        let header = trimmed.strip_prefix("[[ ## ").and_then(|rest| {
            let (name, after) = rest.split_once(" ## ]]")?;
            let word = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            word.then(|| (name.to_owned(), after.to_owned()))
        });
        match (header, out.last_mut()) {
            (Some((name, after)), _) => out.push((name, after)),
            (None, Some((_, text))) => {
                text.push('\n');
                text.push_str(line);
            }
            (None, None) => {}
        }
    }
    for (_, text) in &mut out {
        *text = text.trim().to_owned();
    }
    out
}

impl Adapter for ChatAdapter {
    fn name(&self) -> &'static str {
        "chat"
    }

    fn format(&self, call: &SignatureCall<'_>) -> Result<Vec<Message>, AdapterError> {
        let signature = call.signature;
        let mut structure: Vec<String> = signature
            .inputs
            .iter()
            .map(|f| format!("[[ ## {0} ## ]]\n{{{0}}}", f.name.text))
            .collect();
        for field in &signature.outputs {
            let mut block = format!("[[ ## {0} ## ]]\n{{{0}}}", field.name.text);
            if let Some(note) = note(&field.ty.ty, call.types) {
                block.push_str("        # note: the value you produce ");
                block.push_str(&note);
            }
            structure.push(block);
        }
        structure.push("[[ ## completed ## ]]".to_owned());
        let system = format!(
            "{}\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n{}\n{}",
            field_description(call),
            structure.join("\n\n"),
            objective(&instructions(call))
        );

        let order: Vec<String> = signature
            .outputs
            .iter()
            .map(|f| format!("`[[ ## {} ## ]]`{}", f.name.text, python_hint(&f.ty.ty)))
            .collect();
        let reminder = match order.split_first() {
            None => "Respond with the marker for `[[ ## completed ## ]]`.".to_owned(),
            Some((first, rest)) => {
                let mut text = format!(
                    "Respond with the corresponding output fields, starting with the field {first}"
                );
                for next in rest {
                    text.push_str(", then ");
                    text.push_str(next);
                }
                text.push_str(", and then ending with the marker for `[[ ## completed ## ]]`.");
                text
            }
        };
        let inputs = input_blocks(call);
        let user = if inputs.is_empty() {
            reminder
        } else {
            format!("{inputs}\n\n{reminder}")
        };
        Ok(vec![Message::system(system), Message::user(user)])
    }

    fn parse(
        &self,
        call: &SignatureCall<'_>,
        completion: &str,
    ) -> Result<Map<String, Value>, AdapterError> {
        if completion.trim().is_empty() {
            return Err(AdapterError::new("the model returned an empty response"));
        }
        let sections = sections(completion);
        collect_outputs(call, |field| {
            sections
                .iter()
                .find(|(name, _)| *name == field.name.text)
                .map(|(_, text)| parse_text(text, &field.ty.ty, call.types))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_dspy() {
        let found = sections(
            "preamble\n[[ ## answer ## ]]\nParis\nFrance\n\n[[ ## score ## ]] 0.9\n[[ ## answer ## ]]\nLyon\n[[ ## completed ## ]]",
        );
        assert_eq!(
            found,
            vec![
                ("answer".to_owned(), "Paris\nFrance".to_owned()),
                ("score".to_owned(), "0.9".to_owned()),
                ("answer".to_owned(), "Lyon".to_owned()),
                ("completed".to_owned(), String::new()),
            ]
        );
    }
}
