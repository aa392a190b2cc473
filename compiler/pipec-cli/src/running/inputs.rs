//! Inputs from the command line: `--inputs JSON` (an object) first, then each
//! `--input name=value` over it. A value is read by the declared type of its input: text
//! for strings and enums, JSON otherwise (see `pipec_runtime::inputs::parse_cli_value`).

use pipec_ir::Pipeline;
use pipec_runtime::inputs::parse_cli_value;
use serde_json::{Map, Value};

/// The inputs given, not yet checked against the declared types.
///
/// # Errors
/// A usage message for malformed arguments.
pub fn gather(
    pipeline: &Pipeline,
    json: Option<&str>,
    pairs: &[String],
) -> Result<Map<String, Value>, String> {
    let mut inputs = match json {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(
                    "`--inputs` must be a JSON object, such as '{\"question\": \"...\"}'"
                        .to_owned(),
                );
            }
            Err(e) => return Err(format!("`--inputs` is not valid JSON: {e}")),
        },
    };
    for pair in pairs {
        let Some((name, text)) = pair.split_once('=') else {
            return Err(format!("`--input {pair}` needs the form name=value"));
        };
        let name = name.trim();
        let value = match pipeline.inputs.iter().find(|p| p.name.text == name) {
            Some(param) => parse_cli_value(&param.ty.ty, &pipeline.types, text),
            None => Value::String(text.to_owned()),
        };
        inputs.insert(name.to_owned(), value);
    }
    Ok(inputs)
}
