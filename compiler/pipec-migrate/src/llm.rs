//! The model-calling step types (claude, the five enhanced Claude types, gemini,
//! gemini_instructor, parallel_claude and claude_batch tasks): provider-neutral `llm` or
//! `predict` steps (see `shapes.rs`) whose provider and model live in a `models:` entry,
//! with the prompt parts joined into one template.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_ir::{PromptPart, Step, Task};
use pipec_syntax::MapRef;
use pipec_syntax::expr::{ExprKind, Ident, Path, Segment, Template, TemplatePart};

use crate::migrator::Migrator;
use crate::names::identifier;
use crate::out::{MapOut, Out};
use crate::refs::{Mode, Use, path_expr, push_text};
use crate::shapes::Shape;

/// Claude model aliases pipeline_ex (the Claude Code SDK) accepts, as API model ids.
pub const CLAUDE_ALIASES: &[(&str, &str)] = &[
    ("sonnet", "claude-sonnet-4-5"),
    ("sonnet[1m]", "claude-sonnet-4-5"),
    ("opus", "claude-opus-4-1"),
    ("haiku", "claude-haiku-4-5"),
];

/// The model of each Claude preset (ref §4, "Presets").
const PRESET_MODELS: &[(&str, &str)] = &[
    ("development", "sonnet"),
    ("production", "opus"),
    ("analysis", "opus"),
    ("chat", "sonnet"),
    ("test", "sonnet"),
];

/// The `claude_options` keys the migration carries (the rest are P0811).
const CARRIED_CLAUDE_OPTIONS: &[&str] = &[
    "model",
    "system_prompt",
    "append_system_prompt",
    "retry_config",
    "timeout_ms",
];

impl Migrator<'_> {
    /// One model-calling step (or parallel task, with its own mapping `task`).
    pub(crate) fn model_step(
        &mut self,
        step: &Step,
        id: &str,
        prompt: &[PromptPart],
        task: Option<MapRef<'_>>,
    ) -> Out {
        let step_map = self.step_map(step);
        let options = task
            .or(step_map)
            .and_then(|m| m.get("claude_options"))
            .and_then(|n| n.as_map());
        if let Some(options) = options {
            self.dropped_claude_options(options);
        }
        let system = options.map_or_else(Template::default, |o| self.system_prompt(o));
        let body = self.prompt(id, prompt);
        let shape = self.shapes.get(id).cloned().unwrap_or(Shape::Text);
        let kind = match shape {
            Shape::Text => "llm",
            Shape::Fields(_) => "predict",
        };
        let mut m = if task.is_some() {
            let mut m = MapOut::default();
            m.put("id", Out::str(id));
            m.put("kind", Out::str(kind));
            if let Some(when) = step
                .when
                .as_ref()
                .and_then(|c| self.condition(c, Mode::Condition))
            {
                m.put("when", when);
            }
            m
        } else {
            self.header(step, id, kind)
        };
        let model = self.model_for(step, options);
        m.put("model", Out::Str(model));
        match shape {
            Shape::Text if system.parts.is_empty() => {
                m.put("prompt", Out::Str(body.to_source()));
            }
            Shape::Text => {
                let message = |role: &str, content: &Template| {
                    Out::Map(vec![
                        ("role".into(), Out::str(role)),
                        ("content".into(), Out::Str(content.to_source())),
                    ])
                };
                m.put(
                    "messages",
                    Out::Seq(vec![message("system", &system), message("user", &body)]),
                );
            }
            Shape::Fields(fields) => {
                let outputs: Vec<String> =
                    fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                let signature = format!("prompt: str -> {}", outputs.join(", "));
                let body = if system.is_plain() && !system.parts.is_empty() {
                    let mut s = MapOut::default();
                    s.put("instructions", Out::Str(system.to_source()));
                    s.put("inputs", Out::Map(vec![("prompt".into(), Out::str("str"))]));
                    s.put(
                        "outputs",
                        Out::Map(
                            fields
                                .iter()
                                .map(|(n, t)| (n.clone(), Out::str(t)))
                                .collect(),
                        ),
                    );
                    m.put("signature", s.done());
                    body
                } else {
                    m.put("signature", Out::Str(signature));
                    joined(&system, &body)
                };
                m.put(
                    "with",
                    Out::Map(vec![("prompt".into(), Out::Str(body.to_source()))]),
                );
            }
        }
        self.tail(step, &mut m);
        m.done()
    }

    /// parallel_claude / claude_batch tasks: one step per task, and a `set` step under the
    /// original id collecting their results when the step is read as a whole.
    pub(crate) fn parallel(&mut self, step: &Step, id: &str, tasks: &[Task], out: &mut Vec<Out>) {
        let ids = match self.roles.get(id) {
            Some(crate::migrator::Role::Parallel(ids)) => ids.clone(),
            _ => Vec::new(),
        };
        let written: Vec<Option<MapRef<'_>>> = self
            .step_map(step)
            .and_then(|m| m.get("parallel_tasks").or_else(|| m.get("tasks")))
            .and_then(|n| n.as_seq())
            .map(|items| items.map(|i| i.as_map()).collect())
            .unwrap_or_default();
        for (i, task) in tasks.iter().enumerate() {
            let task_id = ids
                .get(i)
                .map_or_else(|| identifier(&task.id.text), |(_, t)| t.clone());
            let map = written.get(i).copied().flatten();
            if let Some(map) = map {
                self.dropped_task_keys(map);
                if self.pass == crate::migrator::Pass::Emit
                    && self.loops.is_empty()
                    && map.contains("output_to_file")
                {
                    self.outputs.push(task_id.clone());
                }
            }
            let migrated =
                self.model_step(step, &task_id, &task.prompt, map.or(self.step_map(step)));
            out.push(migrated);
        }
        if self.collected.contains(id) {
            let mut m = self.header(step, id, "set");
            let vars = ids
                .iter()
                .map(|(task, task_id)| {
                    (
                        identifier(task),
                        Out::Str(format!("{{{{ steps.{task_id} }}}}")),
                    )
                })
                .collect();
            m.put("vars", Out::Map(vars));
            out.push(m.done());
        }
    }

    /// The prompt parts as one template, joined with newlines as pipeline_ex joins them.
    fn prompt(&mut self, id: &str, parts: &[PromptPart]) -> Template {
        let mut out: Vec<TemplatePart> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                push_text(&mut out, "\n");
            }
            match part {
                PromptPart::Text(t) | PromptPart::Message { content: t, .. } => {
                    let t = self.template(&t.template);
                    for p in t.parts {
                        match p {
                            TemplatePart::Text(text) => push_text(&mut out, &text),
                            other => out.push(other),
                        }
                    }
                }
                PromptPart::File(path) => {
                    let written = path.template.is_plain().then(|| path.template.to_source());
                    // A path that is one variable (`{{ error_log }}`) names the input.
                    let variable = match path.template.single_expr().map(|e| &e.kind) {
                        Some(ExprKind::Path(p)) => {
                            p.segments.last().and_then(Segment::name).map(identifier)
                        }
                        _ => None,
                    };
                    let wanted = written.as_deref().map_or_else(
                        || variable.unwrap_or_else(|| format!("{id}_file")),
                        file_input_name,
                    );
                    let desc = written.as_ref().map_or_else(
                        || {
                            format!(
                                "Contents of the file named by step `{id}`'s `file` prompt part"
                            )
                        },
                        |p| format!("Contents of `{p}`"),
                    );
                    let name = self.input(&wanted, Use::Other, false, Some(desc), None);
                    self.warn(
                        Diagnostic::new(
                            Code::P0822,
                            path.span,
                            format!("this file part becomes the input `{name}`"),
                        )
                        .with_primary_label("native prompts do not read files")
                        .with_help(format!(
                            "pass the file's contents when running (`--input {name}=...`)"
                        )),
                    );
                    out.push(TemplatePart::Expr {
                        expr: path_expr(&["inputs", &name], &[]),
                        span: 0..0,
                    });
                }
                PromptPart::PreviousResponse { step, extract } => {
                    let range = step.span.start..step.span.end;
                    let field = |name: &str| {
                        Segment::Field(Ident {
                            name: name.to_owned(),
                            span: range.clone(),
                        })
                    };
                    let mut segments = vec![field("steps"), field(&step.text)];
                    if let Some(extract) = extract {
                        segments.extend(extract.text.split('.').map(field));
                    }
                    let path = Path {
                        segments,
                        span: range.clone(),
                    };
                    let e = self.resolve_path(&path, Mode::Template, Use::Other);
                    if let ExprKind::Literal(_) = e.kind {
                        continue;
                    }
                    out.push(TemplatePart::Expr {
                        expr: e,
                        span: 0..0,
                    });
                }
            }
        }
        Template { parts: out }
    }

    /// `system_prompt` and `append_system_prompt`, joined with a blank line.
    fn system_prompt(&mut self, options: MapRef<'_>) -> Template {
        let mut out = Template::default();
        for key in ["system_prompt", "append_system_prompt"] {
            let Some(node) = options.get(key) else {
                continue;
            };
            let mut ctx =
                pipec_ir::lower::Ctx::new(self.file, self.source, pipec_ir::Dialect::PipelineEx);
            let Some(t) = ctx.template(node, key) else {
                continue;
            };
            let t = self.template(&t.template);
            if !out.parts.is_empty() {
                push_text(&mut out.parts, "\n\n");
            }
            for p in t.parts {
                match p {
                    TemplatePart::Text(text) => push_text(&mut out.parts, &text),
                    other => out.parts.push(other),
                }
            }
        }
        out
    }

    /// The `models:` entry a step uses: the provider its type implies, the model it names
    /// (or its preset's, or the type's default), and gemini's `token_budget`.
    fn model_for(&mut self, step: &Step, options: Option<MapRef<'_>>) -> String {
        let ty = step.type_name.text.as_str();
        let step_map = self.step_map(step);
        let text = |m: Option<MapRef<'_>>, key: &str| {
            m.and_then(|m| m.get(key))
                .and_then(|n| n.scalar_text())
                .map(|t| t.into_owned())
        };
        let mut entry = MapOut::default();
        let model = if ty.starts_with("gemini") {
            entry.put("provider", Out::str("gemini"));
            text(step_map, "model").unwrap_or_else(|| {
                if ty == "gemini" {
                    "gemini-2.5-flash-lite-preview-06-17".to_owned()
                } else {
                    "gemini-2.5-flash".to_owned()
                }
            })
        } else {
            entry.put("provider", Out::str("anthropic"));
            let alias = text(options, "model").unwrap_or_else(|| {
                let preset = text(step_map, "preset")
                    .or_else(|| {
                        (ty != "claude" && ty != "parallel_claude")
                            .then(|| self.preset.clone())
                            .flatten()
                    })
                    .unwrap_or_else(|| default_preset(ty).to_owned());
                PRESET_MODELS
                    .iter()
                    .find(|(p, _)| *p == preset)
                    .map_or("sonnet", |(_, m)| m)
                    .to_owned()
            });
            CLAUDE_ALIASES
                .iter()
                .find(|(a, _)| *a == alias)
                .map_or(alias.clone(), |(_, id)| (*id).to_owned())
        };
        entry.put("model", Out::str(&model));
        if ty == "gemini"
            && let Some(budget) = step_map
                .and_then(|m| m.get("token_budget"))
                .and_then(|n| n.as_map())
        {
            if let Some(n) = budget.get("max_output_tokens").and_then(|n| n.as_int()) {
                entry.put("max_tokens", Out::Int(n));
            }
            if let Some(n) = budget.get("max_input_tokens").and_then(|n| n.as_int()) {
                entry.put("max_input_tokens", Out::Int(n));
            }
            if let Some(t) = budget.get("temperature").and_then(|n| n.as_f64()) {
                entry.put("temperature", Out::Float(t));
            }
        }
        let entry = entry.done();
        if let Some((name, _)) = self.models.iter().find(|(_, e)| *e == entry) {
            return name.clone();
        }
        let base = identifier(&model.replace(['-', '.'], "_"));
        let mut name = base.clone();
        let mut n = 2;
        while self.models.iter().any(|(m, _)| *m == name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.models.push((name.clone(), entry));
        name
    }

    /// P0811 for each Claude Code SDK option the migration cannot carry.
    fn dropped_claude_options(&mut self, options: MapRef<'_>) {
        for (key, _) in options.entries() {
            let Some(name) = key.scalar_text() else {
                continue;
            };
            if CARRIED_CLAUDE_OPTIONS.contains(&name.as_ref()) {
                continue;
            }
            self.warn(
                Diagnostic::new(
                    Code::P0811,
                    key.span(),
                    format!("`claude_options.{name}` is not carried over"),
                )
                .with_primary_label("a Claude Code SDK option; a native step is one model call, without agent turns, tools or a working directory")
                .with_help("if the step needs tools, split the work into steps, or keep it in pipeline_ex"),
            );
        }
    }
}

/// The preset a Claude type uses when none is given (ref §2 table).
fn default_preset(ty: &str) -> &'static str {
    match ty {
        "claude_session" => "analysis",
        "claude_robust" => "production",
        _ => "development",
    }
}

/// The input a `file` part's path becomes: the file's stem (`docs/vision.md` → `vision`),
/// prefixed with `file_` when it does not start with a letter.
fn file_input_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let name = identifier(stem);
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("file_{}", name.trim_start_matches('_'))
    }
}

/// `first`, a blank line, then `second` (either may be empty).
fn joined(first: &Template, second: &Template) -> Template {
    let mut parts = first.parts.clone();
    if !parts.is_empty() {
        push_text(&mut parts, "\n\n");
    }
    for p in &second.parts {
        match p {
            TemplatePart::Text(text) => push_text(&mut parts, text),
            other => parts.push(other.clone()),
        }
    }
    Template { parts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_are_named_after_the_file() {
        assert_eq!(file_input_name("docs/vision.md"), "vision");
        assert_eq!(file_input_name("./lib/pipeline/config.ex"), "config");
        assert_eq!(file_input_name("001_PLAN.md"), "file_001_PLAN");
        assert_eq!(file_input_name("my notes.txt"), "my_notes");
    }
}
