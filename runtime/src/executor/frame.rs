//! [`Frame`]: the values visible where a list of steps runs — the pipeline's inputs, the
//! results of finished steps, set variables, and local names (a map's item, `loop`).
//!
//! A body (a map item, a loop, a branch case) runs in a child frame: it sees everything its
//! parent sees, and what it records stays in it (the checker scopes body steps and body
//! variables the same way). A sub-pipeline starts a new root frame: it sees only its own
//! inputs. Each frame also knows the key prefix of its steps (`each[2]/`), which names
//! them in checkpoints and events.
//!
//! pipeline_ex frames differ in three ways (see `pipeline_ex/`): a set_variable's result is
//! pipeline_ex's summary and its kind sets the variables itself ([`Frame::set_vars`]); a
//! loop's result carries its body's results, which are merged into the frame that records
//! it (pipeline_ex merges loop sub-step results into the parent's); and a loop body may
//! carry its steps' mappings as pipeline_ex interpolated them when the loop started.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use pipec_diagnostics::Span;
use pipec_eval::MapScope;
use pipec_ir::{Dialect, Pipeline, Step, StepKind};
use serde_json::{Map, Value};

/// Where a list of steps runs.
#[derive(Debug)]
pub struct Frame<'a> {
    parent: Option<&'a Frame<'a>>,
    /// The pipeline whose steps run here (models, signatures and types are looked up in it).
    pub pipeline: &'a Pipeline,
    inputs: &'a Value,
    locals: Map<String, Value>,
    results: Mutex<Map<String, Value>>,
    vars: Mutex<Map<String, Value>>,
    prefix: String,
    /// Sub-pipeline nesting: 0 for the run's own pipeline.
    pub depth: u32,
    /// pipeline_ex: the body steps' mappings as interpolated when their loop started.
    raw_body: HashMap<Span, Value>,
}

/// What pipeline_ex steps see from a frame: every finished step's result, the variables
/// and the local names (`loop`), inner frames overriding outer ones.
#[derive(Debug, Clone, Default)]
pub struct Visible {
    /// Step results by name.
    pub results: Map<String, Value>,
    /// Variables (set_variable).
    pub vars: Map<String, Value>,
    /// Local names.
    pub locals: Map<String, Value>,
}

impl<'a> Frame<'a> {
    /// The frame of a whole pipeline (the run's, or a called one's) with `inputs`.
    #[must_use]
    pub fn root(pipeline: &'a Pipeline, inputs: &'a Value, prefix: String, depth: u32) -> Self {
        Frame {
            parent: None,
            pipeline,
            inputs,
            locals: Map::new(),
            results: Mutex::new(Map::new()),
            vars: Mutex::new(Map::new()),
            prefix,
            depth,
            raw_body: HashMap::new(),
        }
    }

    /// A body frame under this one, with its own key prefix and local names.
    #[must_use]
    pub fn child(&self, prefix: String, locals: Map<String, Value>) -> Frame<'_> {
        Frame {
            parent: Some(self),
            pipeline: self.pipeline,
            inputs: self.inputs,
            locals,
            results: Mutex::new(Map::new()),
            vars: Mutex::new(Map::new()),
            prefix,
            depth: self.depth,
            raw_body: HashMap::new(),
        }
    }

    /// The same frame, whose steps use these mappings (by step span) instead of their raw
    /// ones (pipeline_ex interpolates a loop's whole mapping once, when the loop starts).
    #[must_use]
    pub fn with_raw_body(mut self, raw_body: HashMap<Span, Value>) -> Self {
        self.raw_body = raw_body;
        self
    }

    /// The mapping this frame holds for the step written at `span`, if any.
    #[must_use]
    pub fn raw_override(&self, span: Span) -> Option<&Value> {
        self.raw_body.get(&span)
    }

    /// The inputs of the pipeline running here.
    #[must_use]
    pub fn inputs(&self) -> &Value {
        self.inputs
    }

    /// Sets variables here (pipeline_ex's set_variable).
    pub fn set_vars(&self, vars: &Map<String, Value>) {
        let mut mine = lock(&self.vars);
        for (name, value) in vars {
            mine.insert(name.clone(), value.clone());
        }
    }

    /// The variables set in this frame itself (not its parents').
    #[must_use]
    pub fn own_vars(&self) -> Map<String, Value> {
        lock(&self.vars).clone()
    }

    /// The results recorded in this frame itself (not its parents').
    #[must_use]
    pub fn own_results(&self) -> Map<String, Value> {
        lock(&self.results).clone()
    }

    /// Everything visible here, for pipeline_ex steps.
    #[must_use]
    pub fn visible(&self) -> Visible {
        let mut chain = Vec::new();
        let mut frame = Some(self);
        while let Some(current) = frame {
            chain.push(current);
            frame = current.parent;
        }
        let mut visible = Visible::default();
        for current in chain.iter().rev() {
            for (name, value) in current.locals.iter() {
                visible.locals.insert(name.clone(), value.clone());
            }
            for (name, value) in lock(&current.vars).iter() {
                visible.vars.insert(name.clone(), value.clone());
            }
            for (name, value) in lock(&current.results).iter() {
                visible.results.insert(name.clone(), value.clone());
            }
        }
        visible
    }

    /// The checkpoint key of `step` in this frame: its id after the frame's prefix.
    #[must_use]
    pub fn key(&self, step: &Step) -> String {
        format!("{}{}", self.prefix, step.id.text)
    }

    /// Takes over another body frame's results and variables: a loop's next iteration
    /// starts from what the previous one left.
    pub fn inherit(&mut self, previous: &Frame<'_>) {
        *lock(&self.results) = lock(&previous.results).clone();
        *lock(&self.vars) = lock(&previous.vars).clone();
    }

    /// Records `step`'s result; a `set` step's record of variables also sets them.
    pub fn record(&self, step: &Step, result: &Value) {
        if self.pipeline.dialect == Dialect::PipelineEx {
            self.record_pipeline_ex(step, result);
            return;
        }
        if let (StepKind::Set { .. }, Value::Object(vars)) = (&step.kind, result) {
            let mut mine = lock(&self.vars);
            for (name, value) in vars {
                mine.insert(name.clone(), value.clone());
            }
        }
        lock(&self.results).insert(step.id.text.clone(), result.clone());
    }

    /// pipeline_ex: a loop's body results (its last iteration's) are merged here too.
    fn record_pipeline_ex(&self, step: &Step, result: &Value) {
        let mut results = lock(&self.results);
        if matches!(step.kind, StepKind::Map { .. } | StepKind::Loop { .. })
            && let Some(Value::Object(body)) = result
                .get("iterations")
                .and_then(Value::as_array)
                .and_then(|iterations| iterations.last())
                .and_then(|last| last.get("results"))
        {
            for (name, value) in body {
                results.insert(name.clone(), value.clone());
            }
        }
        results.insert(step.id.text.clone(), result.clone());
    }

    /// The result of step `id` as seen from here, if it has finished.
    #[must_use]
    pub fn result(&self, id: &str) -> Option<Value> {
        if let Some(value) = lock(&self.results).get(id) {
            return Some(value.clone());
        }
        self.parent.and_then(|parent| parent.result(id))
    }

    /// The scope expressions see here, with the results of the steps named in `steps` (the
    /// ones the expressions read: copying only those keeps evaluation cheap).
    #[must_use]
    pub fn scope<'s>(&self, steps: impl IntoIterator<Item = &'s String>) -> MapScope {
        let mut results = Map::new();
        for id in steps {
            if let Some(value) = self.result(id) {
                results.insert(id.clone(), value);
            }
        }
        let mut roots = Map::new();
        let mut chain = Vec::new();
        let mut frame = Some(self);
        while let Some(current) = frame {
            chain.push(current);
            frame = current.parent;
        }
        let mut vars = Map::new();
        // Outermost first, so inner frames override.
        for current in chain.iter().rev() {
            for (name, value) in current.locals.iter() {
                roots.insert(name.clone(), value.clone());
            }
            for (name, value) in lock(&current.vars).iter() {
                vars.insert(name.clone(), value.clone());
            }
        }
        roots.insert("inputs".to_owned(), self.inputs.clone());
        roots.insert("steps".to_owned(), Value::Object(results));
        roots.insert("vars".to_owned(), Value::Object(vars));
        MapScope::new(Value::Object(roots))
    }
}

/// A poisoned lock only means another step panicked mid-update of a map; the map itself is
/// still a valid map, so it is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
