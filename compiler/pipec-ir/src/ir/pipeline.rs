//! A whole pipeline: its declarations and its steps.

use pipec_diagnostics::{FileId, Span};
use pipec_syntax::expr::Expr;

use super::{Dialect, Name, Signature, Step, Template, TypeDef, TypeRef};

/// One pipeline file (or an inline sub-pipeline), lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// The file it was read from; every span in it points into this file.
    pub file: FileId,
    /// Which dialect it was written in.
    pub dialect: Dialect,
    /// Its name.
    pub name: Name,
    /// Free-text description.
    pub description: Option<String>,
    /// Declared inputs (native), or the names a nested pipeline_ex file reads (none declared).
    pub inputs: Vec<Param>,
    /// Declared outputs.
    pub outputs: Vec<Output>,
    /// Declared record and enum types.
    pub types: Vec<TypeDef>,
    /// Named signatures.
    pub signatures: Vec<Signature>,
    /// Named model configurations.
    pub models: Vec<Model>,
    /// Declared resource limits.
    pub limits: Limits,
    /// How the pipeline is evaluated and optimized (`eval:`; the DSPy back-end's dataset
    /// and metric).
    pub eval: Option<Eval>,
    /// pipeline_ex `global_vars` (read as `{{global_vars.x}}`).
    pub globals: Vec<Name>,
    /// Steps in execution order.
    pub steps: Vec<Step>,
    /// The span of the whole pipeline (its root mapping).
    pub span: Span,
}

impl Pipeline {
    /// The file span of an expression's (absolute) range.
    #[must_use]
    pub fn span_of(&self, range: &std::ops::Range<u32>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// Look up a declared signature.
    #[must_use]
    pub fn signature(&self, name: &str) -> Option<&Signature> {
        self.signatures.iter().find(|s| s.name.text == name)
    }

    /// Look up a declared model.
    #[must_use]
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name.text == name)
    }

    /// Look up a declared type.
    #[must_use]
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name.text == name)
    }
}

/// A declared input.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Name,
    /// Its type.
    pub ty: TypeRef,
    /// Description.
    pub desc: Option<String>,
    /// The default value as JSON text (as [`Field::default`](super::Field)), when given;
    /// the runtime uses it for an input the caller leaves out.
    pub default: Option<String>,
}

impl Param {
    /// Whether a default makes it optional for callers.
    #[must_use]
    pub fn has_default(&self) -> bool {
        self.default.is_some()
    }
}

/// A declared output: a name and the expression that computes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Its name.
    pub name: Name,
    /// The value, e.g. `steps.plan.steps`.
    pub value: Expr,
    /// Its declared type, if given.
    pub ty: Option<TypeRef>,
}

/// A model configuration (`models:` entry).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The key under `models:`.
    pub name: Name,
    /// `openai`, `anthropic`, `gemini`, ...
    pub provider: Name,
    /// The provider's model id.
    pub model: Name,
    /// Most tokens one call may generate.
    pub max_tokens: Option<u64>,
    /// Most tokens one call may send (prompt); used for worst-case cost.
    pub max_input_tokens: Option<u64>,
    /// Prices in USD per million tokens.
    pub price: Option<Price>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
}

/// Prices in USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// Per million input tokens.
    pub input_per_mtok: f64,
    /// Per million output tokens.
    pub output_per_mtok: f64,
}

/// A limit value with the span where it was declared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit<T> {
    /// The bound.
    pub value: T,
    /// Where it is declared.
    pub span: Span,
}

/// Declared resource limits (`limits:`), all optional.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limits {
    /// Most LLM calls in one run.
    pub max_llm_calls: Option<Limit<u64>>,
    /// Most tokens (input + output) in one run.
    pub max_tokens: Option<Limit<u64>>,
    /// Most cost in USD in one run.
    pub max_cost_usd: Option<Limit<f64>>,
    /// Most wall time in seconds for one run.
    pub timeout_s: Option<Limit<f64>>,
    /// Deepest sub-pipeline nesting.
    pub max_depth: Option<Limit<u64>>,
}

/// `eval:`: the dataset and metric DSPy's optimizers and `dspy.Evaluate` use.
#[derive(Debug, Clone, PartialEq)]
pub struct Eval {
    /// The JSONL dataset, relative to the pipeline file: one object per line with the
    /// pipeline's inputs and the expected outputs.
    pub dataset: Name,
    /// One of [`METRICS`].
    pub metric: Name,
    /// The output the metric compares; `None` means every declared output.
    pub field: Option<Name>,
    /// `llm_judge`'s model (a `models:` entry); `None` means the pipeline's default.
    pub model: Option<Name>,
    /// The `eval:` mapping.
    pub span: Span,
}

/// The built-in metrics of `eval.metric`.
pub const METRICS: &[&str] = &["exact_match", "f1", "contains", "llm_judge"];

/// A template string: text with `{{ }}` holes, with absolute expression spans.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateValue {
    /// The parsed template.
    pub template: Template,
    /// The span of the string in the file.
    pub span: Span,
}
