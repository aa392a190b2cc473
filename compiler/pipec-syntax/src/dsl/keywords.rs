//! The DSL's vocabulary: which words start which statements, which settings hold
//! expressions or templates, and how each step kind's line reads.
//!
//! Step and setting keys are the native format's keys (`when`, `retry`, `max_items`, ...),
//! passed through unchanged so that the native lowering's messages name what the user
//! wrote. The few tables below that repeat native knowledge (the step keys, the transform
//! operations) only decide how a statement is *read*; whether a key is allowed is still
//! decided by the native lowering.

/// Words that start a declaration, at the top level or in an inline pipeline.
pub const ITEM_KEYWORDS: &[&str] = &[
    "pipeline",
    "input",
    "output",
    "type",
    "enum",
    "signature",
    "model",
    "limits",
    "defaults",
    "step",
];

/// Settings whose value is a condition or an expression, kept as raw text.
pub const EXPR_KEYS: &[&str] = &[
    "when", "until", "while", "over", "input", "where", "source", "value",
];

/// Settings whose value is a template (a string, a text block or a bare expression).
pub const TEMPLATE_KEYS: &[&str] = &["prompt", "content"];

/// Chat message roles, each a statement of an `llm` step's block.
pub const ROLES: &[&str] = &["system", "user", "assistant"];

/// Settings whose value is always a list, even when one value is given.
pub const LIST_KEYS: &[&str] = &["depends_on", "tools"];

/// Every key some step kind takes (native `keys.rs`), to tell a misspelled setting from a
/// misspelled operation in a `transform` block.
pub const STEP_KEYS: &[&str] = &[
    "id",
    "kind",
    "description",
    "model",
    "when",
    "retry",
    "timeout",
    "cache",
    "depends_on",
    "signature",
    "with",
    "tools",
    "max_iters",
    "prompt",
    "messages",
    "provider",
    "model_name",
    "input",
    "ops",
    "cases",
    "default",
    "over",
    "as",
    "max_items",
    "max_parallel",
    "steps",
    "until",
    "while",
    "max_iterations",
    "file",
    "pipeline",
    "vars",
];

/// Transform operations and the key their positional argument fills.
pub const OPS: &[(&str, Option<&str>)] = &[
    ("filter", Some("where")),
    ("map", Some("field")),
    ("sort", Some("field")),
    ("take", Some("count")),
    ("unique", Some("field")),
    ("flatten", None),
    ("group_by", Some("field")),
    ("aggregate", Some("function")),
    ("join", Some("source")),
    ("pluck", Some("field")),
];

/// How the rest of a step's line reads, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadForm {
    /// `SIGNATURE(bindings)`: predict, chain_of_thought, react.
    Call,
    /// `"prompt"`: llm and the provider-bound kinds.
    Prompt,
    /// `"file"(bindings)`: pipeline.
    File,
    /// `(name = value)`: set.
    Set,
    /// `expression`: transform.
    Input,
    /// `item in list`: map.
    Map,
    /// `until cond` / `while cond`: loop.
    Loop,
    /// Nothing: branch, switch.
    Empty,
    /// A kind pipec does not know: the native lowering reports it, the line is not read.
    Unknown,
}

impl HeadForm {
    /// The form for a kind as written.
    #[must_use]
    pub fn of(kind: &str) -> HeadForm {
        match kind {
            "predict" | "chain_of_thought" | "react" => HeadForm::Call,
            "llm" | "claude" | "claude_smart" | "claude_session" | "claude_extract"
            | "claude_batch" | "claude_robust" | "gemini" | "gemini_instructor" => HeadForm::Prompt,
            "pipeline" => HeadForm::File,
            "set" => HeadForm::Set,
            "transform" => HeadForm::Input,
            "map" => HeadForm::Map,
            "loop" => HeadForm::Loop,
            "branch" | "switch" => HeadForm::Empty,
            _ => HeadForm::Unknown,
        }
    }

    /// Whether nested `step`s belong in this kind's block.
    #[must_use]
    pub fn has_body(self) -> bool {
        matches!(self, HeadForm::Map | HeadForm::Loop | HeadForm::Unknown)
    }

    /// Whether `case` and `default` belong in this kind's block.
    #[must_use]
    pub fn has_cases(self) -> bool {
        matches!(self, HeadForm::Empty | HeadForm::Unknown)
    }

    /// Whether chat messages belong in this kind's block.
    #[must_use]
    pub fn has_messages(self) -> bool {
        matches!(self, HeadForm::Prompt | HeadForm::Unknown)
    }
}

/// The key an operation's positional argument fills (`None` for `flatten` and unknown
/// operations).
#[must_use]
pub fn positional_key(op: &str) -> Option<&'static str> {
    OPS.iter()
        .find(|(name, _)| *name == op)
        .and_then(|(_, key)| *key)
}

/// The leading word of a statement (letters, digits, `_`).
#[must_use]
pub fn first_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(text.len(), |(i, _)| i);
    text.get(..end).unwrap_or("")
}
