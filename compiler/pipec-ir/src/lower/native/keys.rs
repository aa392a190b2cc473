//! The known keys and allowed values of the native format, as static tables.
//!
//! These tables are the single source of truth for key names: the lowering checks every
//! mapping against them, and a test in `crate::surface` asserts that the JSON Schema derived
//! from the surface types lists exactly the same keys, so the checker and the schema cannot
//! drift apart. They are `&'static` slices so that checking 100,000 steps allocates nothing.

/// The root mapping of a native file (and of an inline `pipeline:`).
pub const ROOT: &[&str] = &[
    "pipec",
    "name",
    "description",
    "inputs",
    "outputs",
    "types",
    "signatures",
    "models",
    "limits",
    "defaults",
    "eval",
    "steps",
];

/// `eval:`.
pub const EVAL: &[&str] = &["dataset", "metric", "field", "model"];

/// The mapping form of an `inputs:` entry.
pub const INPUT: &[&str] = &["type", "desc", "default"];

/// The mapping form of an `outputs:` entry.
pub const OUTPUT: &[&str] = &["value", "type", "desc"];

/// A `types:` entry: a record (`fields`) or a literal enum (`enum`).
pub const TYPE_DEF: &[&str] = &["desc", "fields", "enum"];

/// The mapping form of a record or signature field.
pub const FIELD: &[&str] = &[
    "type",
    "desc",
    "ge",
    "le",
    "gt",
    "lt",
    "min_length",
    "max_length",
    "multiple_of",
    "default",
];

/// Field constraints that take any finite number.
pub const NUMBER_CONSTRAINTS: &[&str] = &["ge", "le", "gt", "lt"];

/// Field constraints that take a whole number of items or characters.
pub const LENGTH_CONSTRAINTS: &[&str] = &["min_length", "max_length"];

/// The structured form of a signature.
pub const SIGNATURE: &[&str] = &["instructions", "inputs", "outputs"];

/// A `models:` entry.
pub const MODEL: &[&str] = &[
    "provider",
    "model",
    "max_tokens",
    "max_input_tokens",
    "temperature",
    "price",
];

/// A model's `price:`.
pub const PRICE: &[&str] = &["input_per_mtok", "output_per_mtok"];

/// `limits:`.
pub const LIMITS: &[&str] = &[
    "max_llm_calls",
    "max_tokens",
    "max_cost_usd",
    "timeout",
    "max_depth",
];

/// `defaults:`.
pub const DEFAULTS: &[&str] = &["model", "timeout", "retry"];

/// The mapping form of `retry:`.
pub const RETRY: &[&str] = &["max_attempts", "backoff", "base_delay_ms"];

/// One entry of an `llm` step's `messages:`.
pub const MESSAGE: &[&str] = &["role", "content"];

/// One case of a `branch` step.
pub const CASE: &[&str] = &["when", "steps"];

/// One operation of a `transform` step (the union over all operations; see [`OP_KEYS`]).
pub const TRANSFORM_OP: &[&str] = &[
    "op", "where", "field", "order", "count", "source", "function",
];

/// Providers a model or an `llm` step can name.
pub const PROVIDERS: &[&str] = &[
    "openai",
    "anthropic",
    "gemini",
    "ollama",
    "vllm",
    "openai_compatible",
    "replay",
];

/// Roles of chat messages.
pub const ROLES: &[&str] = &["system", "user", "assistant"];

/// Backoff strategies of `retry:`.
pub const BACKOFFS: &[&str] = &["exponential", "linear", "fixed"];

/// Sort orders.
pub const ORDERS: &[&str] = &["asc", "desc"];

/// Aggregate functions (pipeline_ex's data_transform set).
pub const AGGREGATES: &[&str] = &[
    "sum", "average", "count", "max", "min", "first", "last", "unique",
];

/// Transform operations, each with the keys it takes besides `op` and which of those it
/// requires. The order is the order of [`OPS`].
pub const OP_KEYS: &[(&str, &[&str], &[&str])] = &[
    ("filter", &["where", "field"], &["where"]),
    ("map", &["field"], &["field"]),
    ("sort", &["field", "order"], &[]),
    ("take", &["count"], &["count"]),
    ("unique", &["field"], &[]),
    ("flatten", &[], &[]),
    ("group_by", &["field"], &["field"]),
    ("aggregate", &["field", "function"], &["function"]),
    ("join", &["source", "field"], &["source"]),
    ("pluck", &["field"], &["field"]),
];

/// Transform operation names.
pub const OPS: &[&str] = &[
    "filter",
    "map",
    "sort",
    "take",
    "unique",
    "flatten",
    "group_by",
    "aggregate",
    "join",
    "pluck",
];

/// Every step `kind:`, canonical kinds first (so "did you mean" prefers them).
pub const KINDS: &[&str] = &[
    "predict",
    "chain_of_thought",
    "react",
    "llm",
    "transform",
    "branch",
    "switch",
    "map",
    "loop",
    "pipeline",
    "set",
    "claude",
    "gemini",
    "claude_smart",
    "claude_session",
    "claude_extract",
    "claude_batch",
    "claude_robust",
    "gemini_instructor",
];

/// pipeline_ex step types that have a native counterpart under another name, for the help
/// of P0106.
pub const PIPELINE_EX_RENAMES: &[(&str, &str)] = &[
    ("set_variable", "set"),
    ("for_loop", "map"),
    ("while_loop", "loop"),
    ("data_transform", "transform"),
    ("parallel_claude", "map"),
];

/// Builds a step key table: the keys every step takes, then the kind's own.
macro_rules! step_keys {
    ($($key:literal),* $(,)?) => {
        &["id", "kind", "description", "model", "when", "retry", "timeout", "cache", "depends_on", $($key),*]
    };
}

/// Keys every step takes, whatever its kind.
pub const STEP_COMMON: &[&str] = step_keys!();

/// `predict` and `chain_of_thought` steps.
pub const STEP_PREDICT: &[&str] = step_keys!("signature", "with", "demos");

/// `react` steps.
pub const STEP_REACT: &[&str] = step_keys!("signature", "with", "tools", "max_iters");

/// `llm` steps.
pub const STEP_LLM: &[&str] = step_keys!("prompt", "messages", "provider", "model_name");

/// The provider-bound variants of `llm` (`claude`, `gemini`, ...): their kind fixes the
/// provider, so they take no `provider:`.
pub const STEP_BOUND_LLM: &[&str] = step_keys!("prompt", "messages", "model_name");

/// `transform` steps.
pub const STEP_TRANSFORM: &[&str] = step_keys!("input", "ops");

/// `branch` (and `switch`) steps.
pub const STEP_BRANCH: &[&str] = step_keys!("cases", "default");

/// `map` steps.
pub const STEP_MAP: &[&str] = step_keys!("over", "as", "max_items", "max_parallel", "steps");

/// `loop` steps.
pub const STEP_LOOP: &[&str] = step_keys!("until", "while", "max_iterations", "steps");

/// `pipeline` steps.
pub const STEP_PIPELINE: &[&str] = step_keys!("file", "pipeline", "with");

/// `set` steps.
pub const STEP_SET: &[&str] = step_keys!("vars");

/// The canonical kinds with their key tables, used to say which kinds take a misplaced key.
pub const KIND_KEYS: &[(&str, &[&str])] = &[
    ("predict", STEP_PREDICT),
    ("chain_of_thought", STEP_PREDICT),
    ("react", STEP_REACT),
    ("llm", STEP_LLM),
    ("transform", STEP_TRANSFORM),
    ("branch", STEP_BRANCH),
    ("map", STEP_MAP),
    ("loop", STEP_LOOP),
    ("pipeline", STEP_PIPELINE),
    ("set", STEP_SET),
];

/// The canonical kinds that take `key`, in [`KIND_KEYS`] order (empty for a key no kind
/// takes, or one every kind takes).
pub fn kinds_taking(key: &str) -> impl Iterator<Item = &'static str> + '_ {
    KIND_KEYS
        .iter()
        .filter(move |(_, keys)| keys.contains(&key))
        .map(|(kind, _)| *kind)
}

/// Every key some step kind takes, without repeats (the properties of a step in the schema).
#[cfg(test)]
pub fn all_step_keys() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    for (_, keys) in KIND_KEYS {
        for key in *keys {
            if !all.contains(key) {
                all.push(key);
            }
        }
    }
    all
}

/// Python keywords: DSPy rejects them as field names (soft keywords such as `match` and
/// `type` are fine).
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_tables_agree() {
        let names: Vec<&str> = OP_KEYS.iter().map(|(op, _, _)| *op).collect();
        assert_eq!(names, OPS);
        for (op, keys, required) in OP_KEYS {
            for key in *keys {
                assert!(
                    TRANSFORM_OP.contains(key),
                    "{op}: `{key}` missing from TRANSFORM_OP"
                );
            }
            for key in *required {
                assert!(
                    keys.contains(key),
                    "{op}: required `{key}` not among its keys"
                );
            }
        }
    }

    #[test]
    fn every_kind_table_starts_with_the_common_keys() {
        for (kind, keys) in KIND_KEYS {
            assert!(keys.starts_with(STEP_COMMON), "{kind}");
        }
        assert!(STEP_BOUND_LLM.starts_with(STEP_COMMON));
    }
}
