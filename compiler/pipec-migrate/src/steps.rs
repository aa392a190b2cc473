//! Steps: each pipeline_ex step type to its native kind (the model-calling types are in
//! `llm.rs`). set_variable → `set`, test_echo → `set` of `value`, for_loop → `map` with an
//! explicit `max_items`, while_loop → `loop` with `while` and `max_iterations`,
//! data_transform → `transform`, pipeline → `pipeline`, file_ops → left out (P0812).

use pipec_diagnostics::{Code, Diagnostic};
use pipec_ir::{Condition, LoopCondition, PipelineSource, Step, StepKind, TransformOp};
use pipec_syntax::expr::{Expr, ExprKind, Literal, Template, TemplatePart};
use pipec_syntax::{NodeKind, NodeRef};

use crate::migrator::{LoopFrame, Migrator};
use crate::names::identifier;
use crate::out::{MapOut, Out};
use crate::refs::{Mode, Use, expr};

/// The `max_items` a for_loop gets: pipeline_ex does not bound it, native `map` must be.
pub const FOR_LOOP_MAX_ITEMS: u64 = 100;

impl Migrator<'_> {
    /// A list of steps.
    pub(crate) fn steps(&mut self, steps: &[Step]) -> Vec<Out> {
        let mut out = Vec::new();
        for step in steps {
            self.step(step, &mut out);
        }
        out
    }

    fn step(&mut self, step: &Step, out: &mut Vec<Out>) {
        let id = self.id_of(step);
        self.dropped_step_keys(step);
        if self.pass == crate::migrator::Pass::Emit
            && self.loops.is_empty()
            && self
                .step_map(step)
                .is_some_and(|m| m.contains("output_to_file"))
        {
            self.outputs.push(id.clone());
        }
        if crate::migrator::is_empty_body(&step.kind) {
            self.warn(
                Diagnostic::new(
                    Code::P0826,
                    step.type_name.span,
                    format!("`{}` runs no step and is left out", step.id.text),
                )
                .with_primary_label("its body is empty, or holds only steps the migration leaves out; native loops and pipelines need a step")
                .with_help("add the steps it should run before migrating, or nothing if it should do nothing"),
            );
            return;
        }
        let kind = match &step.kind {
            StepKind::FileOps { operation, .. } => {
                self.warn(
                    Diagnostic::new(
                        Code::P0812,
                        step.type_name.span,
                        format!("file_ops step `{}` is left out", step.id.text),
                    )
                    .with_primary_label(format!(
                        "a `{}` file operation has no native counterpart",
                        operation.text
                    ))
                    .with_note(
                        "native pipelines do no file I/O; references to this step read `null`",
                    )
                    .with_help("do the file work outside the pipeline and pass contents as inputs"),
                );
                return;
            }
            StepKind::Llm { prompt, .. } => {
                out.push(self.model_step(step, &id, prompt, None));
                return;
            }
            StepKind::Parallel { tasks, .. } => {
                self.parallel(step, &id, tasks, out);
                return;
            }
            // Native-only kinds: the pipeline_ex lowering never builds them.
            StepKind::Predict { .. } | StepKind::Branch { .. } => return,
            StepKind::Set { vars } => self.set(step, vars),
            StepKind::Echo { value } => {
                let value = value.as_ref().map_or(Out::str(""), |v| {
                    Out::Str(self.template(&v.template).to_source())
                });
                (
                    "set",
                    vec![("vars", Out::Map(vec![("value".into(), value)]))],
                )
            }
            StepKind::Map {
                over,
                item,
                max_parallel,
                steps,
                ..
            } => self.for_loop(step, over.as_ref(), item, *max_parallel, steps),
            StepKind::Loop {
                condition,
                max_iterations,
                steps,
            } => {
                let mut keys = Vec::new();
                self.loops.push(LoopFrame {
                    iterator: None,
                    item: String::new(),
                    step: id.clone(),
                });
                if let Some(LoopCondition::While(c) | LoopCondition::Until(c)) = condition {
                    if let Condition::Template(t) = c {
                        self.warn(
                            Diagnostic::new(
                                Code::P0823,
                                t.span,
                                "this while_loop condition is now checked before every iteration",
                            )
                            .with_primary_label(
                                "pipeline_ex interpolates it once, before the loop starts",
                            )
                            .with_help("check that the loop's `max_iterations` still fits"),
                        );
                    }
                    if let Some(c) = self.condition(c, Mode::Condition) {
                        keys.push(("while", c));
                    }
                }
                let bound = max_iterations.map_or(100, |b| b.value);
                if max_iterations.and_then(|b| b.span).is_none() {
                    self.default_bound(step, "max_iterations", bound, "pipeline_ex's default");
                }
                keys.push(("max_iterations", Out::count(bound)));
                keys.push(("steps", Out::Seq(self.body(&id, steps))));
                self.loops.pop();
                ("loop", keys)
            }
            StepKind::Transform { input, ops, .. } => self.transform(step, input.as_ref(), ops),
            StepKind::Pipeline { source, inputs } => self.nested(source, inputs),
        };
        let (kind, keys) = kind;
        let mut m = self.header(step, &id, kind);
        for (key, value) in keys {
            m.put(key, value);
        }
        self.tail(step, &mut m);
        out.push(m.done());
    }

    /// A `pipeline` step. An inline pipeline is migrated on its own (its own inputs and
    /// models); the parent passes what it reads: its `inputs` as written, and the parent's
    /// global variables it reads (pipeline_ex's nested pipelines inherit them). A binding the
    /// callee never reads is left out (P0818); an input nothing binds defaults to empty text.
    fn nested(
        &mut self,
        source: &PipelineSource,
        inputs: &[pipec_ir::Binding],
    ) -> (&'static str, Vec<(&'static str, Out)>) {
        let mut keys = Vec::new();
        let mut with: Vec<(String, Out)> = Vec::new();
        match source {
            PipelineSource::File(path) => {
                self.warn(
                    Diagnostic::new(
                        Code::P0820,
                        path.span,
                        format!("`{}` is still a pipeline_ex file", path.text),
                    )
                    .with_primary_label("called as it is; it is not migrated with this file")
                    .with_note("pipeline_ex resolves this path against the working directory, pipec against the calling file")
                    .with_help(format!("migrate it too (`pipec migrate {}`) and point `file:` at the result", path.text)),
                );
                keys.push(("file", Out::str(&path.text)));
                for b in inputs {
                    let value = Out::Str(self.template(&b.value.template).to_source());
                    with.push((identifier(&b.name.text), value));
                }
            }
            PipelineSource::Inline(inner) => {
                let mut bound: Vec<String> =
                    inputs.iter().map(|b| identifier(&b.name.text)).collect();
                bound.extend(self.globals.iter().cloned());
                let nested = crate::migrate_pipeline(inner, self.maps, self.source, false, &bound);
                if self.pass == crate::migrator::Pass::Emit {
                    self.diagnostics.extend(nested.diagnostics);
                }
                keys.push(("pipeline", nested.document));
                for b in inputs {
                    let name = identifier(&b.name.text);
                    if nested.inputs.contains(&name) {
                        let value = Out::Str(self.template(&b.value.template).to_source());
                        with.push((name, value));
                    } else {
                        self.warn(
                            Diagnostic::new(
                                Code::P0818,
                                b.name.span,
                                format!("input `{}` of the nested pipeline is not carried over", b.name.text),
                            )
                            .with_primary_label("the nested pipeline never reads it")
                            .with_help("nothing to do; a native pipeline accepts only the inputs it declares"),
                        );
                    }
                }
                let passed: Vec<String> = with.iter().map(|(n, _)| n.clone()).collect();
                for name in nested.inputs.iter().filter(|n| !passed.contains(n)) {
                    if self.globals.contains(name) {
                        let default = self.global_defaults.get(name).cloned();
                        let input = self.input(name, Use::Other, false, None, default);
                        with.push((name.clone(), Out::Str(format!("{{{{ inputs.{input} }}}}"))));
                    }
                }
            }
        }
        if !with.is_empty() {
            keys.push(("with", Out::Map(with)));
        }
        ("pipeline", keys)
    }

    /// A loop body: its steps, after which the variables it set go out of scope, as they do
    /// natively (pipeline_ex's are global; a later read is P0827).
    fn body(&mut self, loop_id: &str, steps: &[Step]) -> Vec<Out> {
        let before = self.set_so_far.clone();
        let out = self.steps(steps);
        let set_inside: Vec<String> = self.set_so_far.difference(&before).cloned().collect();
        for name in set_inside {
            self.body_vars
                .entry(name)
                .or_insert_with(|| loop_id.to_owned());
        }
        self.set_so_far = before;
        out
    }

    /// `id`, `kind`, `description`, `when`.
    pub(crate) fn header(&mut self, step: &Step, id: &str, kind: &str) -> MapOut {
        let mut m = MapOut::default();
        m.put("id", Out::str(id));
        m.put("kind", Out::str(kind));
        let description = self
            .step_map(step)
            .and_then(|map| map.get("description"))
            .and_then(|n| n.scalar_text())
            .map(|t| Out::Str(t.into_owned()));
        m.put_opt("description", description);
        let when = step
            .when
            .as_ref()
            .and_then(|c| self.condition(c, Mode::Condition));
        m.put_opt("when", when);
        m
    }

    /// `retry` and `timeout`.
    /// claude_robust's `retry_config.backoff_strategy` and `base_delay_ms` give the mapping
    /// form (`{max_attempts, backoff, base_delay_ms}`); an unknown strategy is pipeline_ex's
    /// fixed delay.
    pub(crate) fn tail(&mut self, step: &Step, m: &mut MapOut) {
        let retry_config = self
            .step_map(step)
            .and_then(|map| map.get("retry_config"))
            .and_then(|n| n.as_map());
        let backoff = retry_config
            .and_then(|r| r.get("backoff_strategy"))
            .and_then(|n| n.scalar_text())
            .map(|b| match b.as_ref() {
                "exponential" | "linear" => b.into_owned(),
                _ => "fixed".to_owned(),
            });
        let delay = retry_config
            .and_then(|r| r.get("base_delay_ms"))
            .and_then(|n| n.as_int())
            .filter(|d| *d > 0);
        if step.max_attempts > 1 && (backoff.is_some() || delay.is_some()) {
            let mut retry = MapOut::default();
            retry.put("max_attempts", Out::count(u64::from(step.max_attempts)));
            retry.put_opt("backoff", backoff.map(Out::Str));
            retry.put_opt("base_delay_ms", delay.map(Out::Int));
            m.put("retry", retry.done());
        } else if step.max_attempts > 1 {
            m.put("retry", Out::count(u64::from(step.max_attempts - 1)));
        }
        if let Some(t) = step.timeout_s {
            m.put("timeout", seconds(t));
        }
    }

    /// A condition in `mode`.
    pub(crate) fn condition(&mut self, c: &Condition, mode: Mode) -> Option<Out> {
        match c {
            Condition::Expr(e) => Some(Migrator::print(&self.rewrite(e, mode, Use::Truthy))),
            Condition::Template(t) => {
                match t.template.single_expr() {
                    Some(e) => Some(Migrator::print(&self.rewrite(
                        e,
                        Mode::Template,
                        Use::Truthy,
                    ))),
                    None => {
                        self.warn(
                        Diagnostic::new(Code::P0816, t.span, "a condition with text around its `{{ }}` has no native counterpart")
                            .with_primary_label("migrated as `true`")
                            .with_help("write the condition as one expression"),
                    );
                        Some(Out::Bool(true))
                    }
                }
            }
            Condition::All(items, _) => Some(self.combination("and", items, mode)),
            Condition::Any(items, _) => Some(self.combination("or", items, mode)),
            Condition::Not(inner, _) => self
                .condition(inner, mode)
                .map(|c| Out::Map(vec![("not".into(), c)])),
            Condition::Invalid(_) => None,
        }
    }

    fn combination(&mut self, key: &str, items: &[Condition], mode: Mode) -> Out {
        let items = items
            .iter()
            .filter_map(|c| self.condition(c, mode))
            .collect();
        Out::Map(vec![(key.to_owned(), Out::Seq(items))])
    }

    /// set_variable: its `variables` as written (numbers, lists and booleans as
    /// expressions, so they keep their type), or the singular form it meant (P0824).
    fn set(
        &mut self,
        step: &Step,
        vars: &[pipec_ir::Binding],
    ) -> (&'static str, Vec<(&'static str, Out)>) {
        let map = self.step_map(step);
        let mut out = Vec::new();
        let written = map
            .and_then(|m| m.get("variables"))
            .and_then(|n| n.as_map());
        for binding in vars {
            let node = written.and_then(|w| w.get(&binding.name.text));
            let value = match node.and_then(|n| self.literal(n)) {
                Some(literal) => literal,
                None => Out::Str(self.template(&binding.value.template).to_source()),
            };
            out.push((identifier(&binding.name.text), value));
        }
        if let Some(map) = map
            && let Some((key, name)) = map.entry("variable")
            && let Some(name_text) = name.scalar_text()
        {
            let value = match map.get("value") {
                Some(node) => self.value(node),
                None => Out::str(""),
            };
            self.warn(
                Diagnostic::new(
                    Code::P0824,
                    key.span(),
                    format!("the singular form is migrated as `vars: {{{name_text}: ...}}`"),
                )
                .with_primary_label(
                    "pipeline_ex's set_variable reads only `variables`, so this set nothing",
                )
                .with_help("nothing to do when the assignment is what was meant"),
            );
            out.push((identifier(&name_text), value));
        }
        self.set_so_far
            .extend(out.iter().map(|(name, _)| name.clone()));
        ("set", vec![("vars", Out::Map(out))])
    }

    /// A value node as a `set` template: a string is a template, a scalar or a list of
    /// scalars an expression hole (so it keeps its type), anything else its JSON text.
    fn value(&mut self, node: NodeRef<'_>) -> Out {
        if let Some(literal) = self.literal(node) {
            return literal;
        }
        let mut ctx =
            pipec_ir::lower::Ctx::new(self.file, self.source, pipec_ir::Dialect::PipelineEx);
        match ctx.template(node, "a value") {
            Some(t) => Out::Str(self.template(&t.template).to_source()),
            None => Out::str(""),
        }
    }

    /// The `set` step that gives variables read before any step sets them their initial
    /// value: the workflow's `variables:` entry, else empty text (what pipeline_ex reads).
    pub(crate) fn init_step(&mut self) -> Option<Out> {
        if self.early.is_empty() {
            return None;
        }
        let mut id = "init_variables".to_owned();
        let mut n = 2;
        while self.ids.values().any(|taken| *taken == id) {
            id = format!("init_variables_{n}");
            n += 1;
        }
        let vars = self
            .early
            .clone()
            .into_iter()
            .map(|name| {
                let value = match self.workflow_vars.get(&name) {
                    Some(Out::Str(s)) => Out::Str(s.clone()),
                    Some(Out::Int(i)) => Out::Str(format!("{{{{ {i} }}}}")),
                    Some(Out::Float(f)) => Out::Str(format!("{{{{ {f:?} }}}}")),
                    Some(Out::Bool(b)) => Out::Str(format!("{{{{ {b} }}}}")),
                    _ => Out::str(""),
                };
                (name, value)
            })
            .collect();
        let mut m = MapOut::default();
        m.put("id", Out::Str(id));
        m.put("kind", Out::str("set"));
        m.put(
            "description",
            Out::str("Initial values of the variables read before a step sets them"),
        );
        m.put("vars", Out::Map(vars));
        Some(m.done())
    }

    /// A non-string scalar or a list of them, as a `{{ }}` expression.
    fn literal(&self, node: NodeRef<'_>) -> Option<Out> {
        let e = literal_expr(node)?;
        Some(Out::Str(
            Template {
                parts: vec![TemplatePart::Expr {
                    expr: e,
                    span: 0..0,
                }],
            }
            .to_source(),
        ))
    }

    fn for_loop(
        &mut self,
        step: &Step,
        over: Option<&Expr>,
        item: &pipec_ir::Name,
        max_parallel: Option<u64>,
        steps: &[Step],
    ) -> (&'static str, Vec<(&'static str, Out)>) {
        let mut keys = Vec::new();
        if let Some(over) = over {
            let e = self.rewrite(over, Mode::Source, Use::List);
            keys.push(("over", Migrator::print(&e)));
        }
        let native_item = identifier(&item.text);
        keys.push(("as", Out::str(&native_item)));
        self.default_bound(
            step,
            "max_items",
            FOR_LOOP_MAX_ITEMS,
            "the default of `pipec migrate`",
        );
        keys.push(("max_items", Out::count(FOR_LOOP_MAX_ITEMS)));
        if let Some(p) = max_parallel {
            keys.push(("max_parallel", Out::count(p)));
        }
        self.loops.push(LoopFrame {
            iterator: Some(item.text.clone()),
            item: native_item,
            step: self.id_of(step),
        });
        let id = self.id_of(step);
        keys.push(("steps", Out::Seq(self.body(&id, steps))));
        self.loops.pop();
        ("map", keys)
    }

    /// P0813 for a bound written out that the source leaves implicit.
    fn default_bound(&mut self, step: &Step, key: &str, value: u64, whose: &str) {
        self.warn(
            Diagnostic::new(
                Code::P0813,
                step.type_name.span,
                format!("`{}` is migrated with `{key}: {value}`", step.id.text),
            )
            .with_primary_label(format!("no bound written here; {value} is {whose}"))
            .with_note("native loops and fan-outs must be bounded (P0500, P0501)")
            .with_help(format!(
                "set `{key}` in the migrated file to the real bound"
            )),
        );
    }

    fn transform(
        &mut self,
        step: &Step,
        input: Option<&Expr>,
        ops: &[TransformOp],
    ) -> (&'static str, Vec<(&'static str, Out)>) {
        let mut keys = Vec::new();
        if let Some(input) = input {
            let e = self.rewrite(input, Mode::Source, Use::List);
            keys.push(("input", Migrator::print(&e)));
        }
        let written: Vec<Option<pipec_syntax::MapRef<'_>>> = self
            .step_map(step)
            .and_then(|m| m.get("operations"))
            .and_then(|n| n.as_seq())
            .map(|items| items.map(|i| i.as_map()).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            let map = written.get(i).copied().flatten();
            if let Some(op) = self.operation(op, map) {
                out.push(op);
            }
        }
        keys.push(("ops", Out::Seq(out)));
        ("transform", keys)
    }

    /// One data_transform operation as a native `ops` entry; `map` with a `mapping` or an
    /// `expression` has no native counterpart (P0818).
    fn operation(
        &mut self,
        op: &TransformOp,
        map: Option<pipec_syntax::MapRef<'_>>,
    ) -> Option<Out> {
        let mut m = MapOut::default();
        let name = op.operation.text.as_str();
        let text = |key: &str| {
            map.and_then(|m| m.get(key))
                .and_then(|n| n.scalar_text())
                .map(|t| Out::Str(t.into_owned()))
        };
        let field = op.field.as_ref().map(|f| Out::str(&f.text));
        match name {
            "filter" => {
                m.put("op", Out::str("filter"));
                let when = op
                    .condition
                    .as_ref()
                    .and_then(|c| self.condition(c, Mode::Filter));
                m.put("where", when.unwrap_or(Out::Bool(true)));
            }
            "map" => {
                let (key, _) =
                    map.and_then(|m| m.entry("mapping").or_else(|| m.entry("expression")))?;
                self.warn(
                    Diagnostic::new(Code::P0818, key.span(), format!("a `map` operation's `{}` has no native counterpart", key.scalar_text().unwrap_or_default()))
                        .with_primary_label("the operation is left out")
                        .with_note("native `map` picks a field of each item; it does not remap values")
                        .with_help("compute the values in a step (`llm`, `predict`) or keep this transform in pipeline_ex"),
                );
                return None;
            }
            "aggregate" => {
                m.put("op", Out::str("aggregate"));
                m.put_opt("field", field);
                m.put_opt("function", text("function"));
            }
            "join" => {
                m.put("op", Out::str("join"));
                if let Some(source) = &op.source {
                    let e = self.rewrite(source, Mode::Source, Use::List);
                    m.put("source", Migrator::print(&e));
                }
                m.put_opt("field", field);
            }
            "sort" => {
                m.put("op", Out::str("sort"));
                m.put_opt("field", field);
                m.put_opt(
                    "order",
                    text("order")
                        .filter(|o| *o == Out::str("desc"))
                        .or(Some(Out::str("asc"))),
                );
            }
            other => {
                m.put("op", Out::str(other));
                m.put_opt("field", field);
            }
        }
        Some(m.done())
    }
}

/// A duration in seconds: whole numbers as integers.
fn seconds(t: f64) -> Out {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "checked to be whole and small"
    )]
    if t.fract() == 0.0 && t.abs() < 1e15 {
        Out::Int(t as i64)
    } else {
        Out::Float(t)
    }
}

/// A non-string scalar, or a list of scalars, as an expression literal.
fn literal_expr(node: NodeRef<'_>) -> Option<Expr> {
    let literal = |n: NodeRef<'_>| -> Option<Expr> {
        let l = match n.kind() {
            NodeKind::Null => Literal::Null,
            NodeKind::Bool(b) => Literal::Bool(b),
            NodeKind::Int(i) => Literal::Int(i),
            NodeKind::Float(f) => Literal::Float(f),
            _ => return None,
        };
        Some(expr(ExprKind::Literal(l)))
    };
    match node.kind() {
        NodeKind::Seq(_) => {
            let items: Option<Vec<Expr>> = node
                .as_seq()?
                .map(|item| match item.kind() {
                    NodeKind::Str(s, _) if !s.contains("{{") => {
                        Some(expr(ExprKind::Literal(Literal::Str(s.to_owned()))))
                    }
                    _ => literal(item),
                })
                .collect();
            Some(expr(ExprKind::List(items?)))
        }
        _ => literal(node),
    }
}
