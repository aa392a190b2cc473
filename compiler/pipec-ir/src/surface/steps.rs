//! Steps: one mapping type for every kind (`kind` says which keys apply; the schema adds
//! one `if kind … then only these keys` rule per kind, built from the lowering's tables),
//! and the pieces steps are made of: conditions, templates, messages, branch cases and
//! transform operations.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema};
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::{Duration, Provider, RetrySpec};
use super::decls::SignatureSpec;
use super::pipeline::InlinePipeline;
use crate::lower::native::Kind;
use crate::lower::native::keys::KINDS;

/// One step. `id` and `kind` are required; the other keys depend on the kind.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[schemars(transform = per_kind_keys)]
pub struct StepDef {
    /// The step's identifier, unique in the pipeline (nested steps included); its result is `steps.<id>`.
    pub id: String,
    /// What the step does.
    pub kind: StepKindName,
    /// What the step is for.
    pub description: Option<String>,
    /// The `models:` entry it uses (default: `defaults.model`).
    pub model: Option<String>,
    /// Run the step only when this condition holds.
    pub when: Option<Condition>,
    /// Retries (`retry: 2` makes three attempts) or `{max_attempts, backoff, base_delay_ms}` (default: `defaults.retry`).
    pub retry: Option<RetrySpec>,
    /// Per-attempt timeout (default: `defaults.timeout`).
    pub timeout: Option<Duration>,
    /// Cache responses by content.
    pub cache: Option<bool>,
    /// Steps that must finish first, besides those this step's templates refer to.
    pub depends_on: Option<Vec<String>>,
    /// predict, chain_of_thought, react: a `signatures:` name, an inline DSPy string, or the structured form.
    pub signature: Option<SignatureSpec>,
    /// predict, chain_of_thought, react: the signature's inputs; pipeline: the sub-pipeline's inputs. Values are templates.
    pub with: Option<BTreeMap<String, Template>>,
    /// predict, chain_of_thought: few-shot examples, each a mapping of the signature's field names to values (DSPy's demos).
    pub demos: Option<Vec<serde_json::Map<String, Value>>>,
    /// react: the tools the agent may call.
    #[schemars(length(min = 1))]
    pub tools: Option<Vec<String>>,
    /// react: most tool-calling iterations (default 20).
    #[schemars(range(min = 1))]
    pub max_iters: Option<u64>,
    /// llm and its provider-bound variants: the prompt text (a template). Exactly one of `prompt` and `messages`.
    pub prompt: Option<String>,
    /// llm and its provider-bound variants: chat messages. Exactly one of `prompt` and `messages`.
    pub messages: Option<Vec<MessageDef>>,
    /// llm: the provider to call without a `models:` entry.
    pub provider: Option<Provider>,
    /// llm and its provider-bound variants: the provider's model id, when no `models:` entry is used.
    pub model_name: Option<String>,
    /// transform: the value to transform (an expression).
    pub input: Option<String>,
    /// transform: the operations, in order.
    pub ops: Option<Vec<TransformOpDef>>,
    /// branch: the cases; the first whose `when` holds runs.
    #[schemars(length(min = 1))]
    pub cases: Option<Vec<CaseDef>>,
    /// branch: the steps run when no case holds.
    #[schemars(length(min = 1))]
    pub default: Option<Vec<StepDef>>,
    /// map: the list to fan out over (an expression).
    pub over: Option<String>,
    /// map: the name of the loop variable (default `item`).
    #[serde(rename = "as")]
    pub item: Option<String>,
    /// map: most items processed (required by `pipec check` for a bounded fan-out).
    #[schemars(range(min = 1))]
    pub max_items: Option<u64>,
    /// map: most items in flight at once.
    #[schemars(range(min = 1))]
    pub max_parallel: Option<u64>,
    /// map, loop: the body.
    #[schemars(length(min = 1))]
    pub steps: Option<Vec<StepDef>>,
    /// loop: stop once this holds (checked after each iteration). Exactly one of `until` and `while`.
    pub until: Option<Condition>,
    /// loop: go on while this holds (checked before each iteration). Exactly one of `until` and `while`.
    #[serde(rename = "while")]
    pub while_: Option<Condition>,
    /// loop: most iterations (required by `pipec check` for a bounded loop).
    #[schemars(range(min = 1))]
    pub max_iterations: Option<u64>,
    /// pipeline: the pipeline file to call, relative to this file. Exactly one of `file` and `pipeline`.
    pub file: Option<String>,
    /// pipeline: a native pipeline written inline. Exactly one of `file` and `pipeline`.
    pub pipeline: Option<Box<InlinePipeline>>,
    /// set: variables to set, name → template.
    pub vars: Option<BTreeMap<String, Template>>,
}

/// Restrict each kind to its own keys: `if kind is K then the keys are K's table`.
fn per_kind_keys(schema: &mut Schema) {
    let rules: Vec<Value> = KINDS
        .iter()
        .filter_map(|kind| Kind::from_name(kind).map(|k| (kind, k.keys())))
        .map(|(kind, keys)| {
            json!({
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"propertyNames": {"enum": keys}}
            })
        })
        .collect();
    schema.insert("allOf".to_owned(), Value::Array(rules));
}

/// A step kind.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKindName {
    /// A signature call (`dspy.Predict`).
    Predict,
    /// A signature call that reasons first (`dspy.ChainOfThought`).
    ChainOfThought,
    /// A tool-using agent (`dspy.ReAct`).
    React,
    /// A raw prompt returning text.
    Llm,
    /// Built-in data operations.
    Transform,
    /// Conditional cases.
    Branch,
    /// Another name for `branch`.
    Switch,
    /// Fan-out over a list.
    Map,
    /// Repeat a body until (or while) a condition holds.
    Loop,
    /// Call another pipeline.
    Pipeline,
    /// Set variables.
    Set,
    /// pipeline_ex's claude: `llm` bound to anthropic.
    Claude,
    /// pipeline_ex's gemini: `llm` bound to gemini.
    Gemini,
    /// pipeline_ex's claude_smart: `llm` bound to anthropic.
    ClaudeSmart,
    /// pipeline_ex's claude_session: `llm` bound to anthropic.
    ClaudeSession,
    /// pipeline_ex's claude_extract: `llm` bound to anthropic.
    ClaudeExtract,
    /// pipeline_ex's claude_batch: `llm` bound to anthropic.
    ClaudeBatch,
    /// pipeline_ex's claude_robust: `llm` bound to anthropic.
    ClaudeRobust,
    /// pipeline_ex's gemini_instructor: `llm` bound to gemini.
    GeminiInstructor,
}

/// A condition: an expression such as `steps.triage.label == 'bug'` (a `{{ }}` wrapper is
/// allowed), a boolean, a list (all must hold), or `{and: [...]}`, `{or: [...]}`, `{not: ...}`.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum Condition {
    /// An expression.
    Expr(String),
    /// A constant.
    Bool(bool),
    /// All must hold.
    List(Vec<Condition>),
    /// A combination.
    Combined(CombinedCondition),
}

/// `{and: [...]}`, `{or: [...]}` or `{not: ...}`: exactly one key.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
pub struct CombinedCondition {
    /// All must hold.
    pub and: Option<Vec<Condition>>,
    /// One must hold.
    pub or: Option<Vec<Condition>>,
    /// Must not hold.
    pub not: Option<Box<Condition>>,
}

/// A template: text with `{{ expression }}` holes. Numbers and booleans are taken as text.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(untagged)]
pub enum Template {
    /// Text with holes.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

/// A chat message of an `llm` step.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageDef {
    /// Who speaks.
    pub role: Role,
    /// What is said (a template).
    pub content: Template,
}

/// The role of a chat message.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Instructions.
    System,
    /// The user's turn.
    User,
    /// The model's turn (for few-shot examples).
    Assistant,
}

/// One case of a `branch` step.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    /// When the case runs.
    pub when: Condition,
    /// What runs.
    #[schemars(length(min = 1))]
    pub steps: Vec<StepDef>,
}

/// One operation of a `transform` step.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformOpDef {
    /// The operation.
    pub op: OpName,
    /// filter: the condition each kept item meets (the item is `item`).
    #[serde(rename = "where")]
    pub condition: Option<Condition>,
    /// The field the operation works on (filter, map, sort, unique, group_by, aggregate, join, pluck).
    pub field: Option<String>,
    /// sort: the order.
    pub order: Option<SortOrder>,
    /// take: how many items to keep.
    pub count: Option<u64>,
    /// join: the other list (an expression).
    pub source: Option<String>,
    /// aggregate: the function.
    pub function: Option<AggregateFunction>,
}

/// A transform operation.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpName {
    /// Keep the items that meet `where`.
    Filter,
    /// Replace each item by its `field`.
    Map,
    /// Sort by `field` in `order`.
    Sort,
    /// Keep the first `count` items.
    Take,
    /// Drop repeated items (by `field` if given).
    Unique,
    /// Concatenate a list of lists.
    Flatten,
    /// Group items by `field`.
    GroupBy,
    /// Combine the items (or their `field`) with `function`.
    Aggregate,
    /// Join with the `source` list on `field`.
    Join,
    /// Take `field` from each item.
    Pluck,
}

/// A sort order.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, JsonSchema, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregateFunction {
    /// Sum.
    Sum,
    /// Arithmetic mean.
    Average,
    /// Number of items.
    Count,
    /// Largest.
    Max,
    /// Smallest.
    Min,
    /// The first item.
    First,
    /// The last item.
    Last,
    /// The distinct values.
    Unique,
}
