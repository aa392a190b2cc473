//! The root of a native file, and the inline sub-pipeline of a `pipeline` step (the same
//! keys, with `pipec` and `name` optional).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::config::{DefaultsSpec, EvalSpec, LimitsSpec, ModelSpec};
use super::decls::{InputSpec, OutputSpec, SignatureSpec, TypeDefSpec};
use super::steps::StepDef;

/// A pipec pipeline in the native format (version 1), written in YAML or JSON.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[schemars(title = "pipec native pipeline")]
pub struct NativeFile {
    /// The format version. Only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub pipec: u32,
    /// The pipeline's name.
    pub name: String,
    /// What the pipeline does.
    pub description: Option<String>,
    /// Declared inputs: name → type string (`str`, `list[Issue]`, ...) or `{type, desc, default}`.
    pub inputs: Option<BTreeMap<String, InputSpec>>,
    /// Declared outputs: name → expression (`steps.plan.steps`) or `{value, type, desc}`.
    pub outputs: Option<BTreeMap<String, OutputSpec>>,
    /// Record types (`fields`) and literal enums (`enum`).
    pub types: Option<BTreeMap<String, TypeDefSpec>>,
    /// Named DSPy signatures: a string such as `"question: str -> answer: str"`, or `{instructions, inputs, outputs}`.
    pub signatures: Option<BTreeMap<String, SignatureSpec>>,
    /// Named model configurations, referred to by steps' `model:`.
    pub models: Option<BTreeMap<String, ModelSpec>>,
    /// Resource limits that pipec checks worst-case bounds against.
    pub limits: Option<LimitsSpec>,
    /// The model, timeout and retry policy of steps that do not set their own.
    pub defaults: Option<DefaultsSpec>,
    /// The dataset and metric for evaluation and DSPy's optimizers.
    pub eval: Option<EvalSpec>,
    /// The steps, in execution order.
    #[schemars(length(min = 1))]
    pub steps: Vec<StepDef>,
}

/// A native pipeline written inline under a `pipeline` step's `pipeline:`. It is
/// self-contained: it sees only its own types, signatures, models and defaults.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePipeline {
    /// The format version, if given. Only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub pipec: Option<u32>,
    /// The sub-pipeline's name; defaults to the step's id.
    pub name: Option<String>,
    /// What the sub-pipeline does.
    pub description: Option<String>,
    /// Declared inputs, bound by the step's `with:`.
    pub inputs: Option<BTreeMap<String, InputSpec>>,
    /// Declared outputs.
    pub outputs: Option<BTreeMap<String, OutputSpec>>,
    /// Record types and literal enums.
    pub types: Option<BTreeMap<String, TypeDefSpec>>,
    /// Named DSPy signatures.
    pub signatures: Option<BTreeMap<String, SignatureSpec>>,
    /// Named model configurations.
    pub models: Option<BTreeMap<String, ModelSpec>>,
    /// Resource limits.
    pub limits: Option<LimitsSpec>,
    /// Defaults for the sub-pipeline's steps.
    pub defaults: Option<DefaultsSpec>,
    /// A dataset and metric (used when the sub-pipeline is built on its own).
    pub eval: Option<EvalSpec>,
    /// The steps, in execution order.
    #[schemars(length(min = 1))]
    pub steps: Vec<StepDef>,
}
