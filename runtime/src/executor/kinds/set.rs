//! `set`: each variable's template evaluated; the result is the record of them, which the
//! frame also makes visible as `vars.NAME`.

use pipec_eval::MapScope;
use pipec_ir::Binding;
use serde_json::{Map, Value};

use crate::executor::error::RunError;
use crate::executor::evaluate;
use crate::executor::frame::Frame;

/// Runs a `set` step.
///
/// # Errors
/// P0710 when a value cannot be evaluated.
pub fn run(frame: &Frame<'_>, vars: &[Binding], scope: &MapScope) -> Result<Value, RunError> {
    let mut out = Map::new();
    for binding in vars {
        let value = evaluate::template(&binding.value, scope, frame.pipeline)?;
        out.insert(binding.name.text.clone(), value);
    }
    Ok(Value::Object(out))
}
