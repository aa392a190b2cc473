//! test_echo: pipeline_ex's test-only step, which returns its (interpolated) `value`, or
//! `"default_echo"` without one; with `fail: true` it fails with its `error_message`. pipeline_ex runs it only in its Mix test environment; pipec
//! runs it everywhere, since it calls nothing and makes pipelines testable offline.

use pipec_diagnostics::Code;
use serde_json::Value;

use super::Prepared;
use crate::executor::error::RunError;

/// Runs a test_echo step.
///
/// # Errors
/// P0724 with `fail: true`.
pub fn run(prepared: &Prepared) -> Result<Value, RunError> {
    if prepared.raw.get("fail").and_then(Value::as_bool) == Some(true) {
        let message = prepared
            .raw
            .get("error_message")
            .and_then(Value::as_str)
            .unwrap_or("test_echo failed as asked");
        return Err(RunError::new(Code::P0724, message.to_owned()));
    }
    Ok(match prepared.raw.get("value") {
        None | Some(Value::Null) => Value::String("default_echo".to_owned()),
        Some(value) => value.clone(),
    })
}
