//! DSPy's own pydantic models that may appear as output types, as pydantic renders their
//! schemas: `dspy.ToolCalls` (a list of `ToolCall`s with `name` and `args`; the
//! `id` and `tool_call_results` fields are removed from the schema by DSPy).

use pipec_ir::{ExternalType, Type};

use crate::custom_types::{ModelDef, ModelField};

/// The model behind a DSPy type path (`dspy.ToolCalls`), if pipec knows it.
#[must_use]
pub fn model(path: &str) -> Option<ModelDef> {
    match path {
        "dspy.ToolCalls" => Some(ModelDef {
            name: "ToolCalls".into(),
            doc: None,
            fields: vec![ModelField::new(
                "tool_calls",
                Type::List(Box::new(Type::External(ExternalType {
                    path: TOOL_CALL.into(),
                    name: "ToolCall".into(),
                }))),
            )],
        }),
        TOOL_CALL => Some(ModelDef {
            name: "ToolCall".into(),
            doc: None,
            fields: vec![
                ModelField::new("name", Type::Str),
                ModelField::new("args", Type::Dict(Box::new(Type::Str), Box::new(Type::Any))),
            ],
        }),
        _ => None,
    }
}

/// The path pipec gives `dspy.ToolCalls.ToolCall`, the item type of `ToolCalls`.
pub const TOOL_CALL: &str = "dspy.ToolCalls.ToolCall";
