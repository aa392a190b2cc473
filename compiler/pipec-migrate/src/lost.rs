//! What the migration cannot carry: each key of a step, a parallel task or the workflow
//! that pipeline_ex reads but no native construct holds is one warning on that key
//! (P0818 for steps and tasks, P0819 for the workflow; Claude Code SDK options are P0811 in
//! `llm.rs`). The tables list what *is* carried, so a key nobody thought of is still
//! reported rather than lost silently.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_ir::Step;
use pipec_syntax::MapRef;

use crate::migrator::Migrator;

/// Keys every step type carries.
const COMMON: &[&str] = &["name", "type", "description", "condition"];

/// The keys each step type carries besides [`COMMON`].
fn carried(ty: &str) -> &'static [&'static str] {
    match ty {
        "claude" | "claude_smart" | "claude_session" | "claude_extract" => {
            &["prompt", "claude_options", "preset", "environment_aware"]
        }
        "claude_robust" => &[
            "prompt",
            "claude_options",
            "preset",
            "environment_aware",
            "retry_config",
        ],
        "claude_batch" => &[
            "prompt",
            "claude_options",
            "preset",
            "environment_aware",
            "tasks",
        ],
        "parallel_claude" => &["parallel_tasks"],
        "gemini" => &["prompt", "model", "token_budget", "timeout_ms"],
        "gemini_instructor" => &["prompt", "model", "timeout_ms"],
        "set_variable" => &["variables", "variable", "value"],
        "test_echo" => &["value"],
        "for_loop" => &[
            "iterator",
            "data_source",
            "steps",
            "parallel",
            "max_parallel",
        ],
        "while_loop" => &["steps", "max_iterations"],
        "data_transform" => &["input_source", "operations", "output_field"],
        "pipeline" => &["pipeline_file", "pipeline", "inputs"],
        // file_ops is left out as a whole (P0812).
        _ => &[],
    }
}

/// Why a step key is not carried, for the keys that need more than the generic note.
fn why(key: &str) -> &'static str {
    match key {
        "output_to_file" => {
            "native steps return values and write no files; read the result from the run's outputs"
        }
        "streaming" => "native runs do not stream results",
        "role" => "a label pipeline_ex never acts on",
        "session_config" => "native steps keep no Claude sessions between calls",
        "extraction_config" => "native steps do not post-process the model's text",
        "batch_config" => {
            "the tasks become independent steps, which the runtime already runs concurrently"
        }
        "functions" | "tools" => "native `llm` steps call no functions",
        "batch_size" | "break_condition" | "continue_condition" | "break_on_error" => {
            "native `map` steps have no batching or early exit"
        }
        "config" | "outputs" => {
            "a native `pipeline` step's callee declares its own outputs and limits"
        }
        "scope" => "native variables have one scope, the run",
        "output_format" | "lazy" => "native `transform` steps return the value",
        _ => "no native construct holds it",
    }
}

impl Migrator<'_> {
    /// P0818 for each key of a step that is not carried.
    pub(crate) fn dropped_step_keys(&mut self, step: &Step) {
        let ty = step.type_name.text.as_str();
        if ty == "file_ops" {
            return;
        }
        let Some(map) = self.step_map(step) else {
            return;
        };
        let keep = carried(ty);
        for (key, value) in map.entries() {
            let Some(name) = key.scalar_text() else {
                continue;
            };
            if COMMON.contains(&name.as_ref()) || keep.contains(&name.as_ref()) {
                if name == "token_budget"
                    && let Some(budget) = value.as_map()
                {
                    self.dropped_subkeys(
                        budget,
                        "token_budget",
                        &["max_output_tokens", "temperature"],
                    );
                }
                if name == "retry_config"
                    && let Some(retry) = value.as_map()
                {
                    self.dropped_subkeys(
                        retry,
                        "retry_config",
                        &["max_retries", "backoff_strategy", "base_delay_ms"],
                    );
                }
                continue;
            }
            self.warn(
                Diagnostic::new(
                    Code::P0818,
                    key.span(),
                    format!("`{name}` of step `{}` is not carried over", step.id.text),
                )
                .with_primary_label(why(&name))
                .with_help("keep its effect outside the pipeline, or drop it"),
            );
        }
    }

    /// P0818 for the keys of a parallel task other than its id, prompt and options.
    pub(crate) fn dropped_task_keys(&mut self, task: MapRef<'_>) {
        self.dropped_subkeys(
            task,
            "a task",
            &["id", "task_id", "prompt", "claude_options"],
        );
    }

    fn dropped_subkeys(&mut self, map: MapRef<'_>, owner: &str, keep: &[&str]) {
        for (key, _) in map.entries() {
            let Some(name) = key.scalar_text() else {
                continue;
            };
            if keep.contains(&name.as_ref()) {
                continue;
            }
            self.warn(
                Diagnostic::new(
                    Code::P0818,
                    key.span(),
                    format!("`{name}` of {owner} is not carried over"),
                )
                .with_primary_label(why(&name))
                .with_help("keep its effect outside the pipeline, or drop it"),
            );
        }
    }

    /// P0819 for each workflow key the native root cannot hold.
    pub(crate) fn dropped_workflow_keys(&mut self, workflow: MapRef<'_>) {
        for (key, value) in workflow.entries() {
            let Some(name) = key.scalar_text() else {
                continue;
            };
            match name.as_ref() {
                "name" | "description" | "steps" | "global_vars" => continue,
                "variables" => self.warn(
                    Diagnostic::new(
                        Code::P0824,
                        key.span(),
                        "`variables` is carried as the initial values of the variables and inputs it names",
                    )
                    .with_primary_label("pipeline_ex reads no workflow-level `variables`, so its run starts without them")
                    .with_help("nothing to do when these initial values are what was meant"),
                ),
                "defaults" if value.as_map().is_some() => {
                    for (sub, _) in value.as_map().into_iter().flat_map(|m| m.entries()) {
                        let Some(sub_name) = sub.scalar_text() else { continue };
                        if sub_name == "claude_preset" {
                            continue;
                        }
                        self.warn(workflow_setting(sub.span(), &format!("defaults.{sub_name}")));
                    }
                }
                other => self.warn(workflow_setting(key.span(), other)),
            }
        }
    }
}

fn workflow_setting(at: pipec_diagnostics::Span, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::P0819,
        at,
        format!("workflow setting `{name}` is not carried over"),
    )
    .with_primary_label("the native format has no counterpart")
    .with_note("`pipec run` checkpoints every step and reads provider keys from the environment")
    .with_help("use `pipec run`'s options (`--db`, `--resume`) instead, or drop it")
}
