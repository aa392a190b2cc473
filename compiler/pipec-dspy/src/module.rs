//! A pipeline as a `dspy.Module`: one attribute per predict-like step and per
//! sub-pipeline, named by the step id (so the keys of DSPy's saved JSON are `<id>`,
//! `<id>.predict` for `chain_of_thought`, `<id>.react` and `<id>.extract.predict` for
//! `react`, `<id>.<inner>` inside a sub-pipeline), and a `forward` that runs the steps in
//! order as plain Python: `when` as `if`, `map` and `loop` as `for`, `branch` as
//! `if`/`elif`. Step results are JSON values in `steps`, as `pipec run` keeps them; a body
//! (map item, loop, branch) works on a copy, and its result is its last step's.

use pipec_ir::{
    Binding, LoopCondition, Pipeline, PredictModule, PromptPart, SignatureRef, Step, StepKind,
    TransformOp,
};

use crate::expr::{Scope, condition, expr, template};
use crate::python::string;

/// What the module needs from the rest of the program.
pub trait Names {
    /// The signature class of a predict-like step.
    fn signature_class(&self, step: &Step) -> String;
    /// The module class (and the Python module it lives in) of a `pipeline` step.
    fn sub_program(&self, step: &Step) -> Option<(String, String)>;
}

/// The attribute set-up and the `forward` body.
pub struct ModuleSource {
    /// Lines of `__init__` after `super().__init__()`.
    pub init: Vec<String>,
    /// Lines of `forward`, indented one level inside the method.
    pub forward: Vec<String>,
}

/// Build the module's pieces.
#[must_use]
pub fn module(pipeline: &Pipeline, names: &dyn Names) -> ModuleSource {
    let mut out = Gen {
        names,
        pipeline,
        init: Vec::new(),
        lines: Vec::new(),
        depth: 0,
    };
    out.steps(&pipeline.steps, &Scope::root(), 0);
    let scope = Scope::root();
    let outputs: Vec<String> = pipeline
        .outputs
        .iter()
        .map(|o| {
            format!(
                "{}: px.output(lambda: {})",
                string(&o.name.text),
                expr(&o.value, &scope)
            )
        })
        .collect();
    out.lines.push(format!(
        "return dspy.Prediction(**{{{}}})",
        outputs.join(", ")
    ));
    ModuleSource {
        init: out.init,
        forward: out.lines,
    }
}

struct Gen<'a> {
    names: &'a dyn Names,
    pipeline: &'a Pipeline,
    init: Vec<String>,
    lines: Vec<String>,
    /// Body nesting, for unique variable names.
    depth: usize,
}

impl Gen<'_> {
    fn line(&mut self, indent: usize, text: impl AsRef<str>) {
        self.lines
            .push(format!("{}{}", "    ".repeat(indent), text.as_ref()));
    }

    fn steps(&mut self, steps: &[Step], scope: &Scope, indent: usize) {
        for step in steps {
            self.step(step, scope, indent);
        }
    }

    fn step(&mut self, step: &Step, scope: &Scope, indent: usize) {
        let target = format!("{}[{}]", scope.steps, string(&step.id.text));
        self.line(
            indent,
            format!("# step `{}` ({})", step.id.text, step.type_name.text),
        );
        let indent = match &step.when {
            Some(when) => {
                self.line(indent, format!("{target} = None"));
                self.line(indent, format!("if {}:", condition(when, scope)));
                indent + 1
            }
            None => indent,
        };
        match &step.kind {
            StepKind::Predict {
                module,
                signature,
                with,
                ..
            } => self.predict(step, module, signature, with, scope, &target, indent),
            StepKind::Llm { prompt, .. } => self.llm(step, prompt, scope, &target, indent),
            StepKind::Transform { input, ops, .. } => {
                let input = input.as_ref().map_or("None".into(), |e| expr(e, scope));
                let ops: Vec<String> = ops.iter().map(|op| self.op(op, scope)).collect();
                self.line(
                    indent,
                    format!("{target} = px.transform({input}, [{}])", ops.join(", ")),
                );
            }
            StepKind::Set { vars } => {
                let mut record = Vec::new();
                for binding in vars {
                    let value = template(&binding.value, scope);
                    self.line(
                        indent,
                        format!("vars_[{}] = {value}", string(&binding.name.text)),
                    );
                    record.push(format!(
                        "{}: vars_[{}]",
                        string(&binding.name.text),
                        string(&binding.name.text)
                    ));
                }
                self.line(indent, format!("{target} = {{{}}}", record.join(", ")));
            }
            StepKind::Branch { cases, default } => {
                self.depth += 1;
                let body = format!("steps_{}", self.depth);
                let inner = Scope {
                    steps: body.clone(),
                    ..scope.clone()
                };
                self.line(indent, format!("{body} = dict({})", scope.steps));
                for (i, case) in cases.iter().enumerate() {
                    let keyword = if i == 0 { "if" } else { "elif" };
                    self.line(
                        indent,
                        format!("{keyword} {}:", condition(&case.when, scope)),
                    );
                    self.body(&case.steps, &inner, &target, indent + 1);
                }
                self.line(indent, "else:");
                if default.is_empty() {
                    self.line(indent + 1, format!("{target} = None"));
                } else {
                    self.body(default, &inner, &target, indent + 1);
                }
            }
            StepKind::Map {
                over,
                item,
                max_items,
                steps,
                ..
            } => {
                self.depth += 1;
                let d = self.depth;
                let over = over.as_ref().map_or("None".into(), |e| expr(e, scope));
                self.line(indent, format!("items_{d} = {over}"));
                self.line(indent, format!("if not isinstance(items_{d}, list):"));
                self.line(
                    indent + 1,
                    format!(
                        "raise px.PipelineError({})",
                        string(&format!("step `{}`: `over` is not a list", step.id.text))
                    ),
                );
                if let Some(bound) = max_items {
                    self.line(indent, format!("if len(items_{d}) > {}:", bound.value));
                    self.line(
                        indent + 1,
                        format!(
                            "raise px.PipelineError({})",
                            string(&format!(
                                "step `{}`: more than {} items (`max_items`)",
                                step.id.text, bound.value
                            ))
                        ),
                    );
                }
                self.line(indent, format!("results_{d} = []"));
                self.line(
                    indent,
                    format!("for index_{d}, item_{d} in enumerate(items_{d}):"),
                );
                let loop_line = self.lines.len();
                self.line(
                    indent + 1,
                    format!(
                        "loop_{d} = {{\"index\": index_{d}, \"iteration\": index_{d} + 1, \"first\": index_{d} == 0, \"last\": index_{d} == len(items_{d}) - 1, \"total\": len(items_{d})}}"
                    ),
                );
                self.line(indent + 1, format!("steps_{d} = dict({})", scope.steps));
                let mut inner = Scope {
                    steps: format!("steps_{d}"),
                    ..scope.clone()
                };
                inner.locals.push(("loop".into(), format!("loop_{d}")));
                inner.locals.push((item.text.clone(), format!("item_{d}")));
                self.steps(steps, &inner, indent + 1);
                self.drop_if_unused(loop_line, &format!("loop_{d}"));
                self.line(
                    indent + 1,
                    format!("results_{d}.append({})", last(&inner.steps, steps)),
                );
                self.line(indent, format!("{target} = results_{d}"));
            }
            StepKind::Loop {
                condition: cond,
                max_iterations,
                steps,
            } => {
                self.depth += 1;
                let d = self.depth;
                let bound = max_iterations.map_or(100, |b| b.value);
                self.line(indent, format!("steps_{d} = dict({})", scope.steps));
                self.line(indent, format!("result_{d} = None"));
                self.line(indent, format!("for index_{d} in range({bound}):"));
                let loop_line = self.lines.len();
                self.line(
                    indent + 1,
                    format!(
                        "loop_{d} = {{\"index\": index_{d}, \"iteration\": index_{d} + 1, \"first\": index_{d} == 0}}"
                    ),
                );
                let mut inner = Scope {
                    steps: format!("steps_{d}"),
                    ..scope.clone()
                };
                inner.locals.push(("loop".into(), format!("loop_{d}")));
                if let Some(LoopCondition::While(c)) = cond {
                    self.line(indent + 1, format!("if not {}:", condition(c, &inner)));
                    self.line(indent + 2, "break");
                }
                self.steps(steps, &inner, indent + 1);
                self.line(
                    indent + 1,
                    format!("result_{d} = {}", last(&inner.steps, steps)),
                );
                if let Some(LoopCondition::Until(c)) = cond {
                    self.line(indent + 1, format!("if {}:", condition(c, &inner)));
                    self.line(indent + 2, "break");
                }
                self.drop_if_unused(loop_line, &format!("loop_{d}"));
                self.line(indent, format!("{target} = result_{d}"));
            }
            StepKind::Pipeline { source, inputs } => {
                if let Some((class, module)) = self.names.sub_program(step) {
                    let attr = &step.id.text;
                    self.init.push(format!("self.{attr} = {module}{class}()"));
                    let args = bindings(inputs, scope);
                    self.line(
                        indent,
                        format!("{target} = px.to_json(dict(self.{attr}(**{{{args}}}).items()))"),
                    );
                }
                let _ = source;
            }
            // Refused before emitting (see `crate::unsupported`).
            StepKind::Parallel { .. } | StepKind::FileOps { .. } | StepKind::Echo { .. } => {
                self.line(indent, format!("{target} = None"));
            }
        }
    }

    /// Remove the line at `at` (a loop variable's definition) when no later line reads
    /// `var`, so the generated code has no unused variable.
    fn drop_if_unused(&mut self, at: usize, var: &str) {
        let pattern = |l: &String| {
            l.match_indices(var).any(|(i, _)| {
                !l[i + var.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        };
        if !self.lines[at + 1..].iter().any(pattern) {
            self.lines.remove(at);
        }
    }

    /// A body's steps in `inner`, then its result in `target`.
    fn body(&mut self, steps: &[Step], inner: &Scope, target: &str, indent: usize) {
        self.steps(steps, inner, indent);
        self.line(indent, format!("{target} = {}", last(&inner.steps, steps)));
    }

    #[allow(clippy::too_many_arguments, reason = "the parts of the step, borrowed")]
    fn predict(
        &mut self,
        step: &Step,
        module: &PredictModule,
        signature: &SignatureRef,
        with: &[Binding],
        scope: &Scope,
        target: &str,
        indent: usize,
    ) {
        let attr = &step.id.text;
        let class = self.names.signature_class(step);
        let constructor = match module {
            PredictModule::Predict => format!("dspy.Predict({class})"),
            PredictModule::ChainOfThought => format!("dspy.ChainOfThought({class})"),
            PredictModule::React { tools, max_iters } => {
                let tools: Vec<String> =
                    tools.iter().map(|t| format!("tools.{}", t.text)).collect();
                format!(
                    "dspy.ReAct({class}, tools=[{}], max_iters={max_iters})",
                    tools.join(", ")
                )
            }
        };
        self.init.push(format!("self.{attr} = {constructor}"));
        let sig = match signature {
            SignatureRef::Named(name) => self.pipeline.signature(&name.text),
            SignatureRef::Inline(sig) => Some(sig.as_ref()),
        };
        let mut args = Vec::new();
        let mut outputs = Vec::new();
        if *module == PredictModule::ChainOfThought {
            outputs.push(string("reasoning"));
        }
        if let Some(sig) = sig {
            for field in &sig.inputs {
                let value = with
                    .iter()
                    .find(|b| b.name.text == field.name.text)
                    .map(|b| template(&b.value, scope))
                    .or_else(|| field.default.as_deref().map(crate::python::json_literal))
                    .unwrap_or_else(|| "None".into());
                args.push(format!("{}: {value}", string(&field.name.text)));
            }
            outputs.extend(sig.outputs.iter().map(|f| string(&f.name.text)));
        }
        let model = step
            .model
            .as_ref()
            .map_or("None".into(), |m| string(&m.text));
        self.line(indent, format!("with px.model({model}):"));
        self.line(
            indent + 1,
            format!("prediction = self.{attr}(**{{{}}})", args.join(", ")),
        );
        if matches!(module, PredictModule::React { .. }) {
            outputs.push(string("trajectory"));
        }
        self.line(
            indent,
            format!("{target} = px.result(prediction, [{}])", outputs.join(", ")),
        );
    }

    fn llm(
        &mut self,
        step: &Step,
        prompt: &[PromptPart],
        scope: &Scope,
        target: &str,
        indent: usize,
    ) {
        let mut messages = Vec::new();
        let mut text = Vec::new();
        for part in prompt {
            match part {
                PromptPart::Text(t) => text.push(template(t, scope)),
                PromptPart::Message { role, content } => messages.push(format!(
                    "{{\"role\": {}, \"content\": px.text({})}}",
                    string(&role.text),
                    template(content, scope)
                )),
                // pipeline_ex only; refused before emitting.
                PromptPart::File(_) | PromptPart::PreviousResponse { .. } => {}
            }
        }
        if !text.is_empty() {
            let joined: Vec<String> = text.iter().map(|t| format!("px.text({t})")).collect();
            messages.push(format!(
                "{{\"role\": \"user\", \"content\": \"\\n\".join([{}])}}",
                joined.join(", ")
            ));
        }
        let model = step
            .model
            .as_ref()
            .map_or("None".into(), |m| string(&m.text));
        self.line(indent, format!("with px.model({model}):"));
        self.line(
            indent + 1,
            format!("{target} = px.llm([{}])", messages.join(", ")),
        );
    }

    fn op(&self, op: &TransformOp, scope: &Scope) -> String {
        let mut args = Vec::new();
        if let Some(field) = &op.field {
            args.push(format!("\"field\": {}", string(&field.text)));
        }
        if let Some(c) = &op.condition {
            let mut inner = scope.clone();
            inner.locals.push(("item".into(), "item".into()));
            args.push(format!("\"where\": lambda item: {}", condition(c, &inner)));
        }
        if let Some(source) = &op.source {
            args.push(format!("\"source\": {}", expr(source, scope)));
        }
        if let Some(order) = &op.order {
            args.push(format!("\"order\": {}", string(&order.text)));
        }
        if let Some(count) = op.count {
            args.push(format!("\"count\": {count}"));
        }
        if let Some(function) = &op.function {
            args.push(format!("\"function\": {}", string(&function.text)));
        }
        format!("({}, {{{}}})", string(&op.operation.text), args.join(", "))
    }
}

fn bindings(bindings: &[Binding], scope: &Scope) -> String {
    let items: Vec<String> = bindings
        .iter()
        .map(|b| format!("{}: {}", string(&b.name.text), template(&b.value, scope)))
        .collect();
    items.join(", ")
}

/// The result of a body: its last step's, or `None` for an empty body.
fn last(steps_var: &str, steps: &[Step]) -> String {
    match steps.last() {
        Some(step) => format!("{steps_var}.get({})", string(&step.id.text)),
        None => "None".into(),
    }
}
