//! Steps: the provider-neutral kinds of SPEC §1.2, onto which pipeline_ex's 15 step types
//! are lowered too.

use pipec_diagnostics::Span;
use pipec_syntax::expr::Expr;

pub use pipec_syntax::expr::Template;

use super::{Name, Pipeline, Signature, TemplateValue};

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its id (`id:` in native files, `name:` in pipeline_ex).
    pub id: Name,
    /// The step's whole mapping.
    pub span: Span,
    /// The `kind:`/`type:` value as written (`predict`, `claude_smart`, ...), with its span.
    pub type_name: Name,
    /// What it does.
    pub kind: StepKind,
    /// Run only when this holds.
    pub when: Option<Condition>,
    /// Extra ordering edges (data edges are inferred from references).
    pub depends_on: Vec<Name>,
    /// The `models:` entry it uses (native).
    pub model: Option<Name>,
    /// Most attempts per call (1 = no retry).
    pub max_attempts: u32,
    /// Per-attempt timeout in seconds.
    pub timeout_s: Option<f64>,
    /// Templates the step renders besides its inputs, such as pipeline_ex's
    /// `output_to_file` path; their references resolve like any other.
    pub extra_templates: Vec<TemplateValue>,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A signature call (`predict`, `chain_of_thought`, `react`).
    Predict {
        /// Which DSPy module.
        module: PredictModule,
        /// The signature, by name or inline.
        signature: SignatureRef,
        /// Input bindings.
        with: Vec<Binding>,
        /// Few-shot examples (`demos:`), sent as user/assistant turns before the request,
        /// as DSPy sends a predictor's `demos`.
        demos: Vec<Demo>,
    },
    /// A raw prompt returning text (`llm`, and pipeline_ex's claude/gemini family).
    Llm {
        /// The provider a pipeline_ex step type binds to (`claude` → anthropic).
        provider: Option<String>,
        /// The prompt parts, joined with newlines.
        prompt: Vec<PromptPart>,
        /// Worst-case provider calls one run of the step makes (claude_robust retries).
        calls: u64,
    },
    /// Several prompts run together (pipeline_ex parallel_claude, claude_batch tasks).
    Parallel {
        /// The provider.
        provider: Option<String>,
        /// One prompt per task.
        tasks: Vec<Task>,
    },
    /// Built-in data operations.
    Transform {
        /// The input value.
        input: Option<Expr>,
        /// The operations, in order.
        ops: Vec<TransformOp>,
        /// The name the result is stored under besides the step id (pipeline_ex's
        /// `output_field`); later sources may name it like a step.
        output: Option<Name>,
    },
    /// Conditional cases; the first that holds runs, else the default.
    Branch {
        /// The cases.
        cases: Vec<BranchCase>,
        /// Steps when no case holds.
        default: Vec<Step>,
    },
    /// Fan-out over a list.
    Map {
        /// The list.
        over: Option<Expr>,
        /// The loop variable name.
        item: Name,
        /// Most items processed (the bound on the fan-out).
        max_items: Option<Bound>,
        /// Most items in flight at once.
        max_parallel: Option<u64>,
        /// The body.
        steps: Vec<Step>,
    },
    /// Repeat a body while/until a condition holds.
    Loop {
        /// `while` (checked before each iteration) or `until` (checked after).
        condition: Option<LoopCondition>,
        /// The bound on iterations.
        max_iterations: Option<Bound>,
        /// The body.
        steps: Vec<Step>,
    },
    /// Call another pipeline.
    Pipeline {
        /// Which pipeline.
        source: PipelineSource,
        /// Inputs passed to it.
        inputs: Vec<Binding>,
    },
    /// Set variables.
    Set {
        /// The assignments.
        vars: Vec<Binding>,
    },
    /// File operations confined to the workspace (pipeline_ex file_ops).
    FileOps {
        /// `copy`, `move`, `validate`, ...
        operation: Name,
        /// Paths the operation reads or writes.
        paths: Vec<TemplateValue>,
    },
    /// A value echoed back (pipeline_ex test_echo).
    Echo {
        /// The value.
        value: Option<TemplateValue>,
    },
}

/// A loop or fan-out bound, with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The bound. It is 0 only when the written bound was invalid: lowering reported it, and
    /// the bound stays present so that no later pass reports it missing as well.
    pub value: u64,
    /// Where it is declared; `None` when it is a dialect default (pipeline_ex's 100).
    pub span: Option<Span>,
}

/// The DSPy module a predict-like step uses.
#[derive(Debug, Clone, PartialEq)]
pub enum PredictModule {
    /// `dspy.Predict`.
    Predict,
    /// `dspy.ChainOfThought` (adds a `reasoning` output).
    ChainOfThought,
    /// `dspy.ReAct` with tools, up to `max_iters` tool calls.
    React {
        /// Tool names.
        tools: Vec<Name>,
        /// Most tool-calling iterations.
        max_iters: u64,
    },
}

/// A signature by name or written inline on the step.
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureRef {
    /// A `signatures:` entry.
    Named(Name),
    /// Defined on the step.
    Inline(Box<Signature>),
}

/// One few-shot example of a signature call: field values by name, as DSPy stores a
/// predictor's demo (a dict of input and output values; `reasoning` for
/// `chain_of_thought`).
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    /// The demo's mapping.
    pub span: Span,
    /// Each field and its value as JSON text, in the order written.
    pub values: Vec<DemoValue>,
}

/// One field of a demo.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoValue {
    /// The field name, with the span of its key.
    pub name: Name,
    /// The value as JSON text (as field defaults are kept).
    pub json: String,
    /// The span of the value.
    pub span: Span,
}

/// `name: template`.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The bound name.
    pub name: Name,
    /// The value.
    pub value: TemplateValue,
}

/// One piece of an `llm` prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptPart {
    /// Text with templates.
    Text(TemplateValue),
    /// A file's contents (path relative to the working directory, as pipeline_ex does).
    File(TemplateValue),
    /// Another step's result (pipeline_ex `previous_response`).
    PreviousResponse {
        /// The step named.
        step: Name,
        /// A dotted path into its result.
        extract: Option<Name>,
    },
    /// A chat message with a role (native `messages:` form).
    Message {
        /// `system`, `user` or `assistant`.
        role: Name,
        /// Its content.
        content: TemplateValue,
    },
}

/// One task of a parallel step.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Its id.
    pub id: Name,
    /// Its prompt.
    pub prompt: Vec<PromptPart>,
}

/// A data operation of a `transform` step.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformOp {
    /// `filter`, `map`, `aggregate`, `join`, `group_by`, `sort`, ...
    pub operation: Name,
    /// The field it works on, if any.
    pub field: Option<Name>,
    /// A condition (filter), if any.
    pub condition: Option<Condition>,
    /// Another source (join), if any.
    pub source: Option<Expr>,
    /// The order of a `sort` (`asc` or `desc`), if given.
    pub order: Option<Name>,
    /// How many items a `take` keeps, if given.
    pub count: Option<u64>,
    /// The function of an `aggregate` (`sum`, `average`, ...), if given.
    pub function: Option<Name>,
}

/// One case of a branch.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchCase {
    /// When it runs.
    pub when: Condition,
    /// What runs.
    pub steps: Vec<Step>,
}

/// `while` or `until`.
#[derive(Debug, Clone, PartialEq)]
pub enum LoopCondition {
    /// Checked before each iteration; the loop runs while it holds.
    While(Condition),
    /// Checked after each iteration; the loop stops once it holds.
    Until(Condition),
}

/// Which pipeline a `pipeline` step calls.
#[derive(Debug, Clone, PartialEq)]
pub enum PipelineSource {
    /// Another file, by path relative to the calling file (`pipeline_file:` / `file:`).
    File(Name),
    /// Written inline.
    Inline(Box<Pipeline>),
}

/// A condition: an expression, a template yielding a boolean, or and/or/not combinations
/// (pipeline_ex's map form).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// An expression, e.g. `analysis.score > 7`.
    Expr(Expr),
    /// A `{{ ... }}` string used as a condition (pipeline_ex allows it).
    Template(TemplateValue),
    /// All must hold.
    All(Vec<Condition>, Span),
    /// One must hold.
    Any(Vec<Condition>, Span),
    /// Must not hold.
    Not(Box<Condition>, Span),
    /// Could not be parsed (already reported).
    Invalid(Span),
}
