//! [`Context`]: what a pipeline_ex step's templates, conditions and data sources read — the
//! results of finished steps by name, the pipeline's `inputs` and `global_vars`, the
//! variables set_variable set, and inside a loop the loop context (`loop`, which pipeline_ex
//! puts among the results).

use serde_json::{Map, Value};

use crate::executor::frame::Frame;

/// A snapshot of what a step sees when it starts.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Step results by name (with `loop` inside a loop).
    pub results: Map<String, Value>,
    /// The pipeline's inputs (a nested pipeline's `inputs`).
    pub inputs: Value,
    /// The workflow's `global_vars`.
    pub globals: Value,
    /// Variables, by name.
    pub vars: Map<String, Value>,
    /// Whether a string that is exactly one `{{ }}` keeps its value's type (pipeline_ex
    /// does this only in nested pipelines that received `inputs`).
    pub typed: bool,
}

impl Context {
    /// What a step running in `frame` sees; `globals` is its workflow's `global_vars`.
    #[must_use]
    pub fn of(frame: &Frame<'_>, globals: Value) -> Context {
        let visible = frame.visible();
        let mut results = visible.results;
        for (name, value) in visible.locals {
            results.insert(name, value);
        }
        let inputs = frame.inputs().clone();
        let typed = frame.depth > 0 && inputs.as_object().is_some_and(|i| !i.is_empty());
        Context {
            results,
            inputs,
            globals,
            vars: visible.vars,
            typed,
        }
    }

    /// A variable, as pipeline_ex's scopes resolve a bare name (loop context first).
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&Value> {
        self.results
            .get("loop")
            .and_then(|l| l.get(name))
            .or_else(|| self.vars.get(name))
    }
}

/// The value at a dotted path under `value` (object keys; list indices as numbers).
#[must_use]
pub fn path<'v>(value: &'v Value, segments: &[&str]) -> Option<&'v Value> {
    let mut current = value;
    for segment in segments {
        current = match current {
            Value::Object(map) => map.get(*segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// A value as pipeline_ex splices it into text: strings as they are, `null` as nothing,
/// anything else as JSON.
#[must_use]
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
