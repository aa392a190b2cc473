//! set_variable: each entry of `variables` (already interpolated, so `{{state.counter + 1}}`
//! is the new count) is set in the variable state; the result is pipeline_ex's summary
//! `{variables_set, scope, variable_count}`. The singular `variable:`/`value:` form sets
//! nothing, as in pipeline_ex (`pipec check` warns about it).
//!
//! The values are not in the result, so a restored set_variable step runs again (it makes
//! no call, and the variables it reads were restored before it, in order) to set them; so
//! does a restored loop, for the variables its body set (step.rs).

use serde_json::{Map, Value, json};

use super::Prepared;
use crate::executor::error::RunError;
use crate::executor::frame::Frame;

/// Runs a set_variable step.
///
/// # Errors
/// Never; the signature matches the other step types.
pub fn run(frame: &Frame<'_>, prepared: &Prepared) -> Result<Value, RunError> {
    let variables = prepared
        .raw
        .get("variables")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if variables.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    frame.set_vars(&variables);
    // pipeline_ex reads any other scope as `global`.
    let scope = prepared
        .raw
        .get("scope")
        .and_then(Value::as_str)
        .filter(|s| matches!(*s, "session" | "loop"))
        .unwrap_or("global");
    Ok(json!({
        "variables_set": variables.keys().collect::<Vec<_>>(),
        "scope": scope,
        "variable_count": variables.len(),
    }))
}
