//! What a step reads, and the order that imposes on its siblings.
//!
//! A step reads `steps.ID` and `vars.NAME` paths in its templates, conditions and sources,
//! its nested bodies included (a map's body reading an outer step makes the map wait for
//! it), but not the inside of an inline sub-pipeline, whose ids are its own. Among sibling
//! steps, `b` waits for `a` when `b` reads `steps.a`, names `a` in `depends_on`, reads a
//! variable `a` sets, or sets a variable `a` reads or sets (so variables keep their
//! written order). Everything else runs concurrently.

use std::collections::BTreeSet;

use pipec_ir::{Condition, LoopCondition, PromptPart, Step, StepKind, TemplateValue};
use pipec_syntax::expr::{Expr, Path};

/// The step ids and variable names a step (or an expression) reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// `steps.ID` heads.
    pub steps: BTreeSet<String>,
    /// `vars.NAME` heads.
    pub vars: BTreeSet<String>,
}

impl Reads {
    /// Adds the paths of `expr`.
    pub fn expr(&mut self, expr: &Expr) {
        expr.for_each_path(&mut |path| self.path(path));
    }

    /// Adds the paths of every hole of `template`.
    pub fn template(&mut self, template: &TemplateValue) {
        for expr in template.template.exprs() {
            self.expr(expr);
        }
    }

    /// Adds the paths of `condition`.
    pub fn condition(&mut self, condition: &Condition) {
        match condition {
            Condition::Expr(expr) => self.expr(expr),
            Condition::Template(template) => self.template(template),
            Condition::All(all, _) | Condition::Any(all, _) => {
                for condition in all {
                    self.condition(condition);
                }
            }
            Condition::Not(inner, _) => self.condition(inner),
            Condition::Invalid(_) => {}
        }
    }

    fn path(&mut self, path: &Path) {
        let Some(second) = path.segments.get(1).and_then(|s| s.name()) else {
            return;
        };
        match path.head() {
            "steps" => {
                self.steps.insert(second.to_owned());
            }
            "vars" => {
                self.vars.insert(second.to_owned());
            }
            _ => {}
        }
    }

    /// Adds everything `step` reads, its bodies included.
    pub fn step(&mut self, step: &Step) {
        if let Some(when) = &step.when {
            self.condition(when);
        }
        for template in &step.extra_templates {
            self.template(template);
        }
        match &step.kind {
            StepKind::Predict { with, .. } => {
                for binding in with {
                    self.template(&binding.value);
                }
            }
            StepKind::Llm { prompt, .. } => self.prompt(prompt),
            StepKind::Parallel { tasks, .. } => {
                for task in tasks {
                    self.prompt(&task.prompt);
                }
            }
            StepKind::Transform { input, ops, .. } => {
                if let Some(input) = input {
                    self.expr(input);
                }
                for op in ops {
                    if let Some(condition) = &op.condition {
                        self.condition(condition);
                    }
                    if let Some(source) = &op.source {
                        self.expr(source);
                    }
                }
            }
            StepKind::Branch { cases, default } => {
                for case in cases {
                    self.condition(&case.when);
                    self.steps(&case.steps);
                }
                self.steps(default);
            }
            StepKind::Map { over, steps, .. } => {
                if let Some(over) = over {
                    self.expr(over);
                }
                self.steps(steps);
            }
            StepKind::Loop {
                condition, steps, ..
            } => {
                if let Some(LoopCondition::While(c) | LoopCondition::Until(c)) = condition {
                    self.condition(c);
                }
                self.steps(steps);
            }
            // The callee's own steps read the callee's ids, not ours.
            StepKind::Pipeline { inputs, .. } => {
                for binding in inputs {
                    self.template(&binding.value);
                }
            }
            StepKind::Set { vars } => {
                for binding in vars {
                    self.template(&binding.value);
                }
            }
            StepKind::FileOps { paths, .. } => {
                for path in paths {
                    self.template(path);
                }
            }
            StepKind::Echo { value } => {
                if let Some(value) = value {
                    self.template(value);
                }
            }
        }
    }

    fn steps(&mut self, steps: &[Step]) {
        for step in steps {
            self.step(step);
        }
    }

    fn prompt(&mut self, parts: &[PromptPart]) {
        for part in parts {
            match part {
                PromptPart::Text(t) | PromptPart::File(t) => self.template(t),
                PromptPart::Message { content, .. } => self.template(content),
                PromptPart::PreviousResponse { step, .. } => {
                    self.steps.insert(step.text.clone());
                }
            }
        }
    }
}

/// What `step` reads.
#[must_use]
pub fn reads_of(step: &Step) -> Reads {
    let mut reads = Reads::default();
    reads.step(step);
    reads
}

/// The variables a `set` step writes.
fn writes_of(step: &Step) -> BTreeSet<&str> {
    match &step.kind {
        StepKind::Set { vars } => vars.iter().map(|b| b.name.text.as_str()).collect(),
        _ => BTreeSet::new(),
    }
}

/// For each step of a sibling list, the indices of the earlier siblings it waits for.
#[must_use]
pub fn dependencies(steps: &[Step]) -> Vec<Vec<usize>> {
    let reads: Vec<Reads> = steps.iter().map(reads_of).collect();
    let writes: Vec<BTreeSet<&str>> = steps.iter().map(writes_of).collect();
    let mut deps = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let mut mine = Vec::new();
        for (j, earlier) in steps.iter().enumerate().take(i) {
            let id = earlier.id.text.as_str();
            let data = reads[i].steps.contains(id);
            let ordered = step.depends_on.iter().any(|d| d.text == id);
            let reads_its_var = writes[j].iter().any(|v| reads[i].vars.contains(*v));
            let overwrites = writes[i]
                .iter()
                .any(|v| reads[j].vars.contains(*v) || writes[j].contains(v));
            if data || ordered || reads_its_var || overwrites {
                mine.push(j);
            }
        }
        deps.push(mine);
    }
    deps
}
