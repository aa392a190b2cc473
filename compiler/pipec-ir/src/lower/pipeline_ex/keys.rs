//! The key tables of the pipeline_ex dialect: which keys each mapping may hold, which of
//! them pipeline_ex only documents (P0109), and the value sets of its enumerations. Every
//! table follows `shared/reference/pipeline_ex.md` (cited as "ref §N"), which describes what
//! the code at commit ff625ec reads, not what its docs promise. Keeping them here, apart from
//! the lowering code, lets a reader check them against the reference in one place.

/// The 15 step types of `Config.validate_step_type` and `Executor.do_execute_step`, plus
/// `test_echo` (Mix test env only), in the order "did you mean" should prefer (ref §2).
pub(super) const STEP_TYPES: &[&str] = &[
    "claude",
    "gemini",
    "claude_smart",
    "claude_session",
    "claude_extract",
    "claude_batch",
    "claude_robust",
    "parallel_claude",
    "gemini_instructor",
    "set_variable",
    "for_loop",
    "while_loop",
    "data_transform",
    "file_ops",
    "pipeline",
    "test_echo",
];

/// Types the v2 docs describe but no code dispatches (ref §2, "Documented but not
/// implemented"). `codebase_query` has a module, but neither the loader nor the executor
/// accepts it.
pub(super) const UNIMPLEMENTED_TYPES: &[&str] = &[
    "switch",
    "checkpoint",
    "codebase_query",
    "bash",
    "dspy_claude",
];

/// Types the loop body runner (`Loop.do_execute_step`) rejects with "Unsupported step type
/// in loop" (ref §2, last paragraph).
pub(super) const NOT_IN_LOOPS: &[&str] = &["data_transform", "file_ops", "pipeline"];

/// The Claude types that go through `EnhancedClaudeProvider` and read `preset` (ref §2, §4).
pub(super) const ENHANCED_CLAUDE: &[&str] = &[
    "claude_smart",
    "claude_session",
    "claude_extract",
    "claude_batch",
    "claude_robust",
];

/// Presets of `OptionBuilder` (ref §4).
pub(super) const PRESETS: &[&str] = &["development", "production", "analysis", "chat", "test"];

// ---------------------------------------------------------------------------------------
// Workflow level (ref §1, "Workflow-level keys").

/// Keys the executor or the loader reads, plus free-text metadata it ignores by design.
pub(super) const WORKFLOW_READ: &[&str] = &[
    "name",
    "steps",
    "description",
    "version",
    "metadata",
    "workspace_dir",
    "checkpoint_dir",
    "checkpoint_enabled",
    "defaults",
    "global_vars",
    "gemini_functions",
    "environment",
    "claude_auth",
];

/// Keys documented (or used in examples) but read by nothing, with what to do instead.
pub(super) const WORKFLOW_DOC_ONLY: &[(&str, &str)] = &[
    (
        "resource_limits",
        "remove it: pipeline_ex enforces no resource budget",
    ),
    (
        "variables",
        "to give a pipeline values, use `global_vars` (read as `{{global_vars.NAME}}`) or a `set_variable` step",
    ),
    (
        "hooks",
        "the Claude SDK keys only work inside a step's `claude_options` (an enhanced Claude step type)",
    ),
    (
        "mcp_servers",
        "the Claude SDK keys only work inside a step's `claude_options` (an enhanced Claude step type)",
    ),
    (
        "agents",
        "the Claude SDK keys only work inside a step's `claude_options` (an enhanced Claude step type)",
    ),
    (
        "enable_skills",
        "the Claude SDK keys only work inside a step's `claude_options` (an enhanced Claude step type)",
    ),
    (
        "setting_sources",
        "remove it: no code path passes setting sources to the Claude SDK",
    ),
    (
        "enable_context_management",
        "remove it: no code path reads it",
    ),
    ("memory_config", "remove it: no code path reads it"),
];

/// Unknown workflow keys that deserve a specific hint rather than "did you mean".
pub(super) const WORKFLOW_HINTS: &[(&str, &str)] = &[(
    "input",
    "pipeline_ex has no workflow inputs: a bare `{{name}}` reads a variable, and a nested pipeline receives `inputs` from the calling `pipeline` step (read as `{{inputs.NAME}}`)",
)];

/// `defaults` keys read on the CLI path (ref §1).
pub(super) const DEFAULTS_READ: &[&str] = &["output_dir", "claude_preset"];

/// `defaults` keys the CLI path ignores, with the reason (ref §1 and §4, "defaults section").
pub(super) const DEFAULTS_IGNORED: &[(&str, &str)] = &[
    ("claude_options", APPLY_DEFAULTS),
    ("claude_output_format", APPLY_DEFAULTS),
    ("gemini_model", APPLY_DEFAULTS),
    ("gemini_token_budget", APPLY_DEFAULTS),
    (
        "timeout_seconds",
        "remove it: pipeline_ex documents it but never reads it",
    ),
    (
        "retry_on_error",
        "remove it, or retry with a `claude_robust` step",
    ),
    (
        "continue_on_error",
        "remove it: pipeline_ex documents it but never reads it",
    ),
    (
        "claude_model",
        "set `claude_options.model` on each step instead",
    ),
];

const APPLY_DEFAULTS: &str = "only `Config.apply_defaults/1` merges it into steps, and `mix pipeline.run` never calls it; set it on each step instead";

/// `environment` (checked only by `EnhancedConfig`; only `mode` is read, ref §1).
pub(super) const ENVIRONMENT: &[&str] = &["mode", "debug_level", "cost_alerts"];
/// `environment.mode` values.
pub(super) const ENVIRONMENT_MODES: &[&str] = &["development", "production", "test"];
/// `environment.debug_level` values.
pub(super) const DEBUG_LEVELS: &[&str] = &["basic", "detailed", "performance"];
/// `environment.cost_alerts`.
pub(super) const COST_ALERTS: &[&str] = &["enabled", "threshold_usd", "notify_on_exceed"];
/// `claude_auth`.
pub(super) const CLAUDE_AUTH: &[&str] = &["auto_check", "provider", "fallback_mock", "diagnostics"];
/// A `gemini_functions` entry (validated by the loader).
pub(super) const GEMINI_FUNCTION: &[&str] = &["description", "parameters"];

// ---------------------------------------------------------------------------------------
// Steps (ref §2).

/// Keys every step may have. `output_schema` is documented but never consulted.
pub(super) const STEP_COMMON: &[&str] = &[
    "name",
    "type",
    "condition",
    "output_to_file",
    "streaming",
    "description",
    "role",
    "output_schema",
];

/// Documented step keys nothing reads, for every type.
pub(super) const STEP_DOC_ONLY: &[(&str, &str)] = &[(
    "output_schema",
    "the output schema validator is reachable only through `ResultManager`, which the executor never calls",
)];

/// The keys a step of `ty` reads besides [`STEP_COMMON`].
pub(super) fn type_keys(ty: &str) -> &'static [&'static str] {
    match ty {
        "claude" => &["prompt", "claude_options"],
        "gemini" => &[
            "prompt",
            "model",
            "token_budget",
            "functions",
            "tools",
            "timeout_ms",
        ],
        "gemini_instructor" => &[
            "prompt",
            "model",
            "functions",
            "timeout_ms",
            "schema",
            "validation_mode",
        ],
        "parallel_claude" => &["parallel_tasks"],
        "claude_smart" => &["prompt", "preset", "environment_aware", "claude_options"],
        "claude_session" => &[
            "prompt",
            "preset",
            "session_config",
            "claude_options",
            "conversation",
        ],
        "claude_extract" => &["prompt", "preset", "extraction_config", "claude_options"],
        "claude_batch" => &[
            "prompt",
            "preset",
            "tasks",
            "batch_config",
            "claude_options",
        ],
        "claude_robust" => &["prompt", "preset", "retry_config", "claude_options"],
        // `variable`/`value` are the no-op singular form, reported as P0110.
        "set_variable" => &["variables", "scope", "variable", "value"],
        "for_loop" => &[
            "iterator",
            "data_source",
            "steps",
            "parallel",
            "max_parallel",
            "batch_size",
            "break_condition",
            "continue_condition",
            "break_on_error",
        ],
        "while_loop" => &["steps", "max_iterations", "timeout_seconds"],
        "data_transform" => &[
            "input_source",
            "operations",
            "output_field",
            "output_format",
            "lazy",
        ],
        "file_ops" => &[
            "operation",
            "source",
            "destination",
            "path",
            "pattern",
            "files",
            "format",
            "processor",
            "replacement",
        ],
        "pipeline" => &[
            "pipeline_file",
            "pipeline",
            "pipeline_ref",
            "inputs",
            "outputs",
            "config",
        ],
        "test_echo" => &["value", "fail", "error_message"],
        _ => &[],
    }
}

/// Documented keys of one step type that nothing reads, with the reason.
pub(super) fn type_doc_only(ty: &str) -> &'static [(&'static str, &'static str)] {
    match ty {
        "gemini_instructor" => &[
            (
                "schema",
                "gemini_instructor always asks for its fixed {text, analysis, summary} schema",
            ),
            (
                "validation_mode",
                "gemini_instructor always asks for its fixed {text, analysis, summary} schema",
            ),
        ],
        "claude_session" => &[(
            "conversation",
            "claude_session sends only `prompt`; the documented `conversation:` turns are not supported",
        )],
        "while_loop" => &[(
            "timeout_seconds",
            "the loop runner only bounds a while_loop by `max_iterations`",
        )],
        _ => &[],
    }
}

/// Unknown step keys that deserve a specific hint (the typo is too far for "did you mean").
pub(super) fn type_hints(ty: &str) -> &'static [(&'static str, &'static str)] {
    const CLAUDE_FAMILY: &[(&str, &str)] = &[
        (
            "options",
            "did you mean `claude_options`? pipeline_ex ignores `options`, so none of these settings reach Claude",
        ),
        ("model", "set the Claude model in `claude_options.model`"),
        (
            "timeout_ms",
            "set the timeout in `claude_options.timeout_ms`",
        ),
        (
            "schema",
            "pipeline_ex never checks a Claude step's output against a schema",
        ),
    ];
    match ty {
        "claude" | "claude_smart" | "claude_session" | "claude_extract" | "claude_batch"
        | "claude_robust" => CLAUDE_FAMILY,
        "gemini_instructor" => &[(
            "token_budget",
            "gemini_instructor sends its own fixed generation config; use a `gemini` step to control sampling and output length",
        )],
        _ => &[],
    }
}

/// The loader requires `prompt` for these types (claude_batch needs `prompt` or `tasks`).
pub(super) const NEEDS_PROMPT: &[&str] = &[
    "claude",
    "gemini",
    "gemini_instructor",
    "claude_smart",
    "claude_session",
    "claude_extract",
    "claude_robust",
];

// ---------------------------------------------------------------------------------------
// Prompt parts (ref §3, "Prompt parts").

/// Part types, in suggestion order.
pub(super) const PART_TYPES: &[&str] = &[
    "static",
    "file",
    "previous_response",
    "session_context",
    "claude_continue",
];

/// The keys of a part of `ty`, and its documented-only keys.
pub(super) fn part_keys(
    ty: &str,
) -> (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
) {
    match ty {
        "static" => (&["type", "content"], &[]),
        "file" => (
            &["type", "path", "variables", "inject_as", "encoding"],
            &[
                (
                    "variables",
                    "file contents are inserted as they are, never templated",
                ),
                (
                    "inject_as",
                    "the prompt builder always inserts the file contents in place",
                ),
                ("encoding", "files are always read as UTF-8"),
            ],
        ),
        "previous_response" => (
            &[
                "type",
                "step",
                "extract",
                "strict",
                "extract_with",
                "summary",
                "max_length",
            ],
            &[
                (
                    "extract_with",
                    "only `EnhancedConfig` accepts it; the prompt builder ignores it",
                ),
                (
                    "summary",
                    "only `EnhancedConfig` accepts it; the prompt builder ignores it",
                ),
                (
                    "max_length",
                    "only `EnhancedConfig` accepts it; the prompt builder ignores it",
                ),
            ],
        ),
        "session_context" => (&["type", "session_id", "include_last_n"], &[]),
        "claude_continue" => (&["type", "session_id", "new_prompt"], &[]),
        _ => (&["type"], &[]),
    }
}

// ---------------------------------------------------------------------------------------
// Provider options (ref §4).

/// Every `claude_options` key pipeline_ex knows (validated by `EnhancedConfig`).
pub(super) const CLAUDE_OPTIONS: &[&str] = &[
    "max_turns",
    "allowed_tools",
    "disallowed_tools",
    "system_prompt",
    "append_system_prompt",
    "verbose",
    "cwd",
    "model",
    "fallback_model",
    "output_format",
    "permission_mode",
    "permission_prompt_tool",
    "mcp_servers",
    "hooks",
    "agents",
    "agent",
    "session_id",
    "fork_session",
    "add_dir",
    "strict_mcp_config",
    "enable_skills",
    "timeout_ms",
    "retry_config",
    "debug_mode",
    "telemetry_enabled",
    "cost_tracking",
    "resume_session",
    "mcp_config",
    "async_streaming",
    "stream_handler",
    "stream_buffer_size",
];

/// What `ClaudeProvider` (plain `claude` steps) forwards; the rest only works on the
/// enhanced types.
pub(super) const CLAUDE_PLAIN_OPTIONS: &[&str] = &[
    "max_turns",
    "allowed_tools",
    "disallowed_tools",
    "system_prompt",
    "append_system_prompt",
    "verbose",
    "cwd",
    "model",
    "fallback_model",
    "output_format",
];

/// Options still validated but without effect, with the reason.
pub(super) const CLAUDE_DEAD_OPTIONS: &[(&str, &str)] = &[
    (
        "resume_session",
        "pipeline_ex validates it but never uses it",
    ),
    ("mcp_config", "pipeline_ex validates it but never uses it"),
    (
        "async_streaming",
        "async streaming was removed in pipeline_ex 0.1.0; the loader still validates it",
    ),
    (
        "stream_handler",
        "async streaming was removed in pipeline_ex 0.1.0; the loader still validates it",
    ),
    (
        "stream_buffer_size",
        "async streaming was removed in pipeline_ex 0.1.0; the loader still validates it",
    ),
];

/// Keys seen in examples that nothing knows, with a hint.
pub(super) const CLAUDE_OPTION_HINTS: &[(&str, &str)] = &[
    (
        "timeout_seconds",
        "the Claude timeout is `timeout_ms`, in milliseconds",
    ),
    (
        "pass_through_streaming",
        "pipeline_ex sets `pass_through_streaming` itself",
    ),
];

/// `claude_options.output_format` values (`stream-json` is the docs' spelling).
pub(super) const OUTPUT_FORMATS: &[&str] = &["text", "json", "stream_json", "stream-json"];
/// `claude_options.permission_mode` values.
pub(super) const PERMISSION_MODES: &[&str] =
    &["default", "accept_edits", "bypass_permissions", "plan"];
/// `claude_options.retry_config`, as `EnhancedClaudeProvider` reads it (`retry_on`, not
/// `retry_conditions`, at this level).
pub(super) const PROVIDER_RETRY: &[&str] = &["max_retries", "backoff_strategy", "retry_on"];

/// Gemini `token_budget` (passed through to the API).
pub(super) const TOKEN_BUDGET: &[&str] = &["max_output_tokens", "temperature", "top_p", "top_k"];
/// Unknown `token_budget` keys seen in examples.
pub(super) const TOKEN_BUDGET_HINTS: &[(&str, &str)] = &[(
    "max_input_tokens",
    "Gemini's generation config has no input limit; pipeline_ex passes only `max_output_tokens`, `temperature`, `top_p` and `top_k`",
)];

/// claude_session `session_config`.
pub(super) const SESSION_CONFIG: &[&str] = &[
    "session_name",
    "persist",
    "continue_on_restart",
    "checkpoint_frequency",
    "description",
];

/// claude_extract `extraction_config`.
pub(super) const EXTRACTION_CONFIG: &[&str] = &[
    "use_content_extractor",
    "format",
    "post_processing",
    "max_summary_length",
    "include_metadata",
];
/// `extraction_config.format` values.
pub(super) const EXTRACTION_FORMATS: &[&str] =
    &["text", "json", "structured", "summary", "markdown"];
/// `extraction_config.post_processing` items.
pub(super) const POST_PROCESSING: &[&str] = &[
    "extract_code_blocks",
    "extract_recommendations",
    "extract_links",
    "extract_key_points",
    "format_markdown",
    "generate_summary",
];

/// claude_robust `retry_config`.
pub(super) const ROBUST_RETRY: &[&str] = &[
    "max_retries",
    "backoff_strategy",
    "base_delay_ms",
    "retry_conditions",
    "fallback_action",
];
/// `backoff_strategy` values.
pub(super) const BACKOFF: &[&str] = &["exponential", "linear", "fixed"];
/// `fallback_action` values.
pub(super) const FALLBACK_ACTIONS: &[&str] = &[
    "graceful_degradation",
    "use_cached_response",
    "simplified_prompt",
    "emergency_response",
];

/// claude_batch `batch_config`.
pub(super) const BATCH_CONFIG: &[&str] =
    &["max_parallel", "timeout_per_task", "consolidate_results"];
/// A claude_batch task.
pub(super) const BATCH_TASK: &[&str] = &["task_id", "file", "prompt", "claude_options"];
/// A parallel_claude task.
pub(super) const PARALLEL_TASK: &[&str] = &["id", "prompt", "claude_options", "output_to_file"];

// ---------------------------------------------------------------------------------------
// Data and file steps (ref §2, data_transform and file_ops rows).

/// set_variable `scope`.
pub(super) const SCOPES: &[&str] = &["global", "session", "loop"];

/// data_transform operations.
pub(super) const TRANSFORM_OPS: &[&str] =
    &["filter", "map", "aggregate", "join", "group_by", "sort"];
/// The keys one operation reads.
pub(super) fn transform_op_keys(op: &str) -> &'static [&'static str] {
    match op {
        "filter" => &["operation", "field", "condition"],
        "map" => &["operation", "field", "mapping", "expression"],
        "aggregate" => &["operation", "field", "function"],
        "join" => &["operation", "left_field", "right_source", "join_key"],
        "group_by" => &["operation", "field"],
        "sort" => &["operation", "field", "order"],
        _ => &[
            "operation",
            "field",
            "condition",
            "mapping",
            "expression",
            "function",
            "left_field",
            "right_source",
            "join_key",
            "order",
        ],
    }
}
/// aggregate `function` values.
pub(super) const AGGREGATE_FUNCTIONS: &[&str] = &[
    "sum", "average", "count", "max", "min", "first", "last", "unique",
];
/// sort `order` values.
pub(super) const SORT_ORDERS: &[&str] = &["asc", "desc"];
/// data_transform `output_format` values.
pub(super) const TRANSFORM_OUTPUT_FORMATS: &[&str] = &["json", "string", "count"];

/// file_ops operations.
pub(super) const FILE_OPERATIONS: &[&str] = &[
    "copy",
    "move",
    "delete",
    "validate",
    "list",
    "convert",
    "stream_copy",
    "stream_process",
];
/// The keys `FileOps.perform_operation` reads for one operation, and those it requires.
pub(super) fn file_op_keys(op: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match op {
        "copy" | "move" | "stream_copy" => (&["source", "destination"], &["source", "destination"]),
        "delete" => (&["path"], &["path"]),
        "validate" => (&["files"], &[]),
        "list" => (&["path", "pattern"], &["path"]),
        "convert" => (
            &["source", "destination", "format"],
            &["source", "destination", "format"],
        ),
        "stream_process" => (
            &["source", "processor", "pattern", "replacement"],
            &["source"],
        ),
        _ => (&[], &[]),
    }
}
/// convert formats `FileUtils.convert_format` implements.
pub(super) const CONVERT_FORMATS: &[&str] = &["csv_to_json", "json_to_csv", "yaml_to_json"];
/// convert formats it accepts by name but always fails on.
pub(super) const CONVERT_FORMATS_FAILING: &[&str] = &["json_to_yaml", "xml_to_json", "json_to_xml"];
/// stream_process processors.
pub(super) const PROCESSORS: &[&str] = &["identity", "uppercase", "lowercase", "trim", "replace"];
/// A validate `files` entry.
pub(super) const VALIDATE_FILE: &[&str] = &[
    "path",
    "must_exist",
    "must_be_file",
    "must_be_dir",
    "min_size",
    "max_size",
    "must_be_readable",
    "must_be_writable",
];

// ---------------------------------------------------------------------------------------
// Nested pipelines (ref §2, pipeline row; ref §4, "Other limits").

/// pipeline `config`.
pub(super) const NESTED_CONFIG: &[&str] = &[
    "inherit_context",
    "max_depth",
    "max_total_steps",
    "memory_limit_mb",
    "timeout_seconds",
    "workspace_enabled",
    "cleanup_on_error",
];
/// A `{path, as}` entry of pipeline `outputs`.
pub(super) const NESTED_OUTPUT: &[&str] = &["path", "as"];

/// `known` plus the keys of `extra` tables, for [`crate::lower::Ctx::check_keys`].
pub(super) fn with_keys<'a>(known: &[&'a str], extra: &[&[(&'a str, &'a str)]]) -> Vec<&'a str> {
    let mut all: Vec<&str> = known.to_vec();
    for table in extra {
        all.extend(table.iter().map(|(k, _)| *k));
    }
    all
}
