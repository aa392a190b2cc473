//! The model a pipeline_ex LLM step calls, and the options it cannot honour.
//!
//! pipec makes one model call per step (Anthropic Messages for the claude family, Gemini
//! `generateContent` for gemini and gemini_instructor) where pipeline_ex drives the Claude
//! Code SDK or InstructorLite. What carries over: the model (`claude_options.model` — the
//! aliases `haiku`, `sonnet`, `opus` name Anthropic's current models — or the preset's;
//! gemini's `model`), `system_prompt` and `append_system_prompt` (as the system message),
//! `token_budget.max_output_tokens` and `temperature`, `timeout_ms` and the retry counts
//! (the IR's `timeout_s` / `max_attempts`). `max_turns`, `output_format`, `verbose` and the
//! metadata flags change nothing about one tool-free reply. Everything that needs the Claude
//! Code agent (tools, MCP, hooks, sub-agents, sessions, permissions, working directories)
//! or Gemini function calling cannot be honoured: [`unsupported`] names each written one
//! (P0721, a warning before the run starts).

use pipec_diagnostics::{Code, Span};
use pipec_ir::Step;
use serde_json::Value;

use crate::executor::error::RunError;
use crate::executor::models::ResolvedModel;
use crate::executor::program::Program;
use crate::providers::ModelSettings;

/// pipeline_ex's default Gemini model (`Pipeline.Step.Gemini`).
pub const GEMINI_DEFAULT: &str = "gemini-2.5-flash-lite-preview-06-17";
/// gemini_instructor's default model.
pub const GEMINI_INSTRUCTOR_DEFAULT: &str = "gemini-2.5-flash";

/// Claude Code's model aliases, as Anthropic model ids.
fn claude_model(alias: &str) -> String {
    match alias {
        "haiku" => "claude-haiku-4-5".to_owned(),
        "sonnet" | "sonnet[1m]" => "claude-sonnet-4-5".to_owned(),
        "opus" => "claude-opus-4-1".to_owned(),
        other => other.to_owned(),
    }
}

/// The preset an enhanced Claude step uses, as pipeline_ex picks it.
fn preset<'a>(step_type: &str, raw: &'a Value, workflow: &'a Value) -> Option<&'a str> {
    let written = raw.get("preset").and_then(Value::as_str);
    let default = workflow
        .get("defaults")
        .and_then(|d| d.get("claude_preset"))
        .and_then(Value::as_str);
    match step_type {
        "claude_smart" => written.or(default).or_else(|| {
            raw.get("environment_aware")
                .and_then(Value::as_bool)
                .filter(|aware| *aware)
                .and_then(|_| workflow.get("environment")?.get("mode")?.as_str())
        }),
        "claude_session" => written.or(Some("analysis")),
        "claude_robust" => written.or(Some("production")),
        "claude_batch" | "claude_extract" => written.or(Some("development")),
        _ => None,
    }
}

/// A preset's model.
fn preset_model(preset: &str) -> &'static str {
    match preset {
        "production" | "analysis" => "opus",
        _ => "sonnet",
    }
}

/// The model a claude-family call uses: the options' `model`, else the preset's, else
/// Claude Code's default (sonnet).
#[must_use]
pub fn claude(step_type: &str, raw: &Value, options: &Value, workflow: &Value) -> ResolvedModel {
    let alias = options
        .get("model")
        .and_then(Value::as_str)
        .or_else(|| preset(step_type, raw, workflow).map(preset_model))
        .unwrap_or("sonnet");
    ResolvedModel {
        provider: "anthropic".to_owned(),
        settings: ModelSettings::new(claude_model(alias)),
    }
}

/// The model a gemini or gemini_instructor step uses, with its `token_budget`.
#[must_use]
pub fn gemini(step_type: &str, raw: &Value) -> ResolvedModel {
    let default = if step_type == "gemini_instructor" {
        GEMINI_INSTRUCTOR_DEFAULT
    } else {
        GEMINI_DEFAULT
    };
    let model = raw.get("model").and_then(Value::as_str).unwrap_or(default);
    let mut settings = ModelSettings::new(model);
    if step_type == "gemini"
        && let Some(budget) = raw.get("token_budget")
    {
        settings.max_tokens = budget.get("max_output_tokens").and_then(Value::as_u64);
        settings.temperature = budget.get("temperature").and_then(Value::as_f64);
    }
    ResolvedModel {
        provider: "gemini".to_owned(),
        settings,
    }
}

/// The system message of a claude call: `system_prompt`, then `append_system_prompt`.
#[must_use]
pub fn system(options: &Value) -> Option<String> {
    let parts: Vec<&str> = ["system_prompt", "append_system_prompt"]
        .iter()
        .filter_map(|k| options.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// `claude_options` keys that need the Claude Code agent, with why they cannot be honoured.
const CLAUDE_AGENT_ONLY: &[(&str, &str)] = &[
    ("allowed_tools", "the call has no tools"),
    ("disallowed_tools", "the call has no tools to disallow"),
    ("tools", "the call has no tools"),
    ("mcp_servers", "MCP servers need the Claude Code agent"),
    ("mcp_config", "MCP servers need the Claude Code agent"),
    (
        "strict_mcp_config",
        "MCP servers need the Claude Code agent",
    ),
    ("hooks", "hooks run inside the Claude Code agent"),
    ("agents", "sub-agents need the Claude Code agent"),
    ("agent", "sub-agents need the Claude Code agent"),
    (
        "permission_mode",
        "tool permissions need the Claude Code agent",
    ),
    (
        "permission_prompt_tool",
        "tool permissions need the Claude Code agent",
    ),
    ("cwd", "the working directory is for the agent's tools"),
    ("add_dir", "extra directories are for the agent's tools"),
    ("session_id", "sessions are Claude Code conversations"),
    ("fork_session", "sessions are Claude Code conversations"),
    ("resume_session", "sessions are Claude Code conversations"),
    ("enable_skills", "skills need the Claude Code agent"),
    (
        "setting_sources",
        "settings files configure the Claude Code agent",
    ),
    (
        "fallback_model",
        "the call does not fall back to another model",
    ),
];

/// Whether a written option asks for nothing (`[]`, `false`, `null`, `{}`, `""`).
fn asks_nothing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Number(_) => false,
    }
}

/// P0721 for each option of `step` (raw mapping `raw`) that the run cannot honour.
#[must_use]
pub fn unsupported(program: &Program, step: &Step, raw: &Value) -> Vec<RunError> {
    let ty = step.type_name.text.as_str();
    let mut found = Vec::new();
    let check_claude = |options: &Value, prefix: &str, found: &mut Vec<RunError>| {
        for (key, why) in CLAUDE_AGENT_ONLY {
            if options.get(*key).is_some_and(|v| !asks_nothing(v)) {
                let path = format!("{prefix}claude_options.{key}");
                found.push(warning(program, step, &path, why));
            }
        }
    };
    if let Some(options) = raw.get("claude_options") {
        check_claude(options, "", &mut found);
    }
    for list in ["parallel_tasks", "tasks"] {
        for (i, task) in raw
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(options) = task.get("claude_options") {
                check_claude(options, &format!("{list}.{i}."), &mut found);
            }
        }
    }
    if ty.starts_with("gemini") {
        for (key, why) in [
            ("functions", "Gemini function calling is not made"),
            ("tools", "Gemini tools are not sent"),
        ] {
            if raw.get(key).is_some_and(|v| !asks_nothing(v)) {
                found.push(warning(program, step, key, why));
            }
        }
        for key in ["top_p", "top_k"] {
            if raw.get("token_budget").and_then(|b| b.get(key)).is_some() {
                found.push(warning(
                    program,
                    step,
                    &format!("token_budget.{key}"),
                    "only `max_output_tokens` and `temperature` are sent",
                ));
            }
        }
    }
    found
}

fn warning(program: &Program, step: &Step, path: &str, why: &str) -> RunError {
    let span: Span = program
        .raw_key_span(step.span, path)
        .unwrap_or(step.type_name.span);
    let key = path.rsplit('.').next().unwrap_or(path);
    RunError::new(
        Code::P0721,
        format!("`{key}` is not honoured: the step makes one model call"),
    )
    .at_step(&step.id.text, span)
    .with_label(why.to_owned())
    .with_help(format!(
        "pipec runs `{}` as one {} call; remove `{key}`, or run this step with pipeline_ex for the agent's behaviour",
        step.type_name.text,
        if step.type_name.text.starts_with("gemini") { "Gemini" } else { "Anthropic Messages" }
    ))
}
