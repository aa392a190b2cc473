//! Declarations: inputs, outputs, types (records and enums), fields and signatures.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A declared input: a type string, or the mapping form.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum InputSpec {
    /// A type: `str`, `int`, `float`, `bool`, `list[T]`, `dict[str, T]`, `Optional[T]`,
    /// `T | None`, `Literal['a', 'b']`, `Any`, or a name declared under `types:`.
    Type(String),
    /// The mapping form.
    Full(InputDef),
}

/// The mapping form of an input.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDef {
    /// Its type (default `str`).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// What it holds.
    pub desc: Option<String>,
    /// A value used when the caller gives none; makes the input optional.
    pub default: Option<serde_json::Value>,
}

/// A declared output: an expression, or the mapping form.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum OutputSpec {
    /// The expression that computes it, such as `steps.plan.steps` (a `{{ }}` wrapper is allowed).
    Value(String),
    /// The mapping form.
    Full(OutputDef),
}

/// The mapping form of an output.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputDef {
    /// The expression that computes it.
    pub value: String,
    /// Its declared type.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// What it holds.
    pub desc: Option<String>,
}

/// A declared type: a record (`fields`) or a literal enum (`enum`); exactly one of the two.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDefSpec {
    /// What the type is.
    pub desc: Option<String>,
    /// A record's fields, in order: name → type string or field mapping.
    pub fields: Option<BTreeMap<String, FieldSpec>>,
    /// An enum's allowed strings.
    #[serde(rename = "enum")]
    #[schemars(length(min = 1))]
    pub values: Option<Vec<String>>,
}

/// A record or signature field: a type string, or the mapping form.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    /// Its type.
    Type(String),
    /// The mapping form (boxed: its `default` JSON value makes it large).
    Full(Box<FieldDef>),
}

/// The mapping form of a field. Constraints are rendered into prompts as DSPy does.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Its type (default `str`).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// What it holds (DSPy's `desc`).
    pub desc: Option<String>,
    /// Greater than or equal to.
    pub ge: Option<f64>,
    /// Less than or equal to.
    pub le: Option<f64>,
    /// Greater than.
    pub gt: Option<f64>,
    /// Less than.
    pub lt: Option<f64>,
    /// Fewest characters or items.
    pub min_length: Option<u64>,
    /// Most characters or items.
    pub max_length: Option<u64>,
    /// A multiple of this (above zero).
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub multiple_of: Option<f64>,
    /// The value used when none is given.
    pub default: Option<serde_json::Value>,
}

/// A signature: a DSPy signature string, or the structured form. On a step, a string
/// without `->` names a `signatures:` entry.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum SignatureSpec {
    /// A DSPy signature string such as `"question: str, ctx: list[str] -> answer: str"`
    /// (on a step: or the name of a `signatures:` entry).
    Text(String),
    /// The structured form.
    Structured(SignatureDef),
}

/// The structured form of a signature.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureDef {
    /// The task description (DSPy's docstring); DSPy's default when absent.
    pub instructions: Option<String>,
    /// Input fields, in order.
    pub inputs: Option<BTreeMap<String, FieldSpec>>,
    /// Output fields, in order.
    pub outputs: BTreeMap<String, FieldSpec>,
}
