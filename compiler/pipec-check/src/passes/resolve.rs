//! Name resolution: every reference in every step resolves, in order.
//!
//! Native pipelines: `inputs.NAME`, `steps.ID.FIELD...` (an earlier step, or an earlier
//! step of an enclosing body), `vars.NAME` (an earlier `set`), a map's item variable and
//! `loop.*` inside bodies. A body's steps go out of scope after the body; later steps read
//! the map/loop step's own result.
//!
//! pipeline_ex pipelines follow pipeline_ex's run-time rules (reference §3): templates name
//! `steps.NAME`, `inputs.*`, `global_vars.*`, `state.*`, bare set_variable names and a few
//! functions; conditions and sources name a step *first* (`analysis.score > 7`); loop-body
//! results merge into the parent's, so they stay visible after the loop. What pipeline_ex
//! leaves verbatim or blank at run time is a warning (P0207), not an error.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use pipec_diagnostics::{
    Code, Diagnostic, Diagnostics, Span, did_you_mean_help, did_you_mean_or_list,
};
use pipec_ir::{Condition, Dialect, Pipeline, Step, StepKind};
use pipec_syntax::expr::{Expr, ExprKind, Path};

use super::path_targets::PathTargets;
use super::scope::Scope;
use super::sites::{Site, SiteKind, for_each_condition_expr, for_each_site};
use super::table::{StepIdx, StepTable, bodies};

/// Why one step must run after another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// It reads the other's result.
    Data,
    /// `depends_on`.
    DependsOn,
}

/// `from` needs `to`.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// The dependent step.
    pub from: StepIdx,
    /// The step it needs.
    pub to: StepIdx,
    /// The reference.
    pub span: Span,
    /// Why.
    pub kind: EdgeKind,
}

/// What resolution found, for the later passes.
#[derive(Debug)]
pub struct Resolution<'p> {
    /// All steps.
    pub table: StepTable<'p>,
    /// Dependencies between steps (including forward ones, which were reported).
    pub edges: Vec<Edge>,
    /// Paths that resolved to a step, by the path's start offset.
    pub step_paths: PathTargets,
    /// Declared inputs that something reads.
    pub used_inputs: HashSet<&'p str>,
    /// Whether something reads each step's result (references, outputs, `depends_on`),
    /// indexed by [`StepIdx`].
    pub used_steps: Vec<bool>,
}

impl Resolution<'_> {
    /// Whether something reads this step's result.
    #[must_use]
    pub fn is_used(&self, idx: StepIdx) -> bool {
        self.used_steps.get(idx).copied().unwrap_or(false)
    }
}

/// Functions and filters the expression language knows (native).
pub use pipec_syntax::expr::FUNCTIONS;

/// Functions pipeline_ex's variable engine evaluates inside `{{ }}`.
const PIPELINE_EX_TEMPLATE_FUNCTIONS: &[&str] = &[
    "add", "subtract", "multiply", "divide", "max", "min", "round", "floor", "ceil",
];

/// Functions pipeline_ex's condition engine knows.
const PIPELINE_EX_CONDITION_FUNCTIONS: &[&str] = &[
    "contains",
    "matches",
    "length",
    "startsWith",
    "endsWith",
    "toLowerCase",
    "toUpperCase",
    "trim",
    "any",
    "all",
    "count",
    "sum",
    "average",
    "min",
    "max",
    "isEmpty",
    "now",
    "days",
    "hours",
    "minutes",
    "seconds",
    "abs",
    "round",
    "floor",
    "ceil",
    "sqrt",
    "pow",
    "between",
];

/// Template names pipeline_ex documents but never implements.
const PIPELINE_EX_UNIMPLEMENTED: &[&str] = &[
    "timestamp",
    "date",
    "execution_id",
    "workflow",
    "step",
    "config",
];

/// Resolve every reference of `pipeline`.
pub fn resolve<'p>(pipeline: &'p Pipeline, diagnostics: &mut Diagnostics) -> Resolution<'p> {
    let table = StepTable::new(&pipeline.steps);
    let rows = table.rows.len();
    let mut resolver = Resolver {
        pipeline,
        table,
        diagnostics,
        edges: Vec::with_capacity(rows),
        step_paths: PathTargets::with_capacity(rows),
        used_inputs: HashSet::default(),
        used_steps: vec![false; rows],
        all_vars: HashMap::default(),
        next_idx: 0,
        site_buffer: Vec::new(),
        path_buffer: Vec::new(),
    };
    if pipeline.dialect == Dialect::PipelineEx {
        resolver.collect_set_vars();
        resolver.merged_duplicates();
    }
    let mut scope = Scope::with_capacity(rows);
    resolver.walk(&pipeline.steps, &mut scope);
    resolver.outputs(&scope);
    resolver.depends_on();
    resolver.step_paths.seal();
    Resolution {
        table: resolver.table,
        edges: resolver.edges,
        step_paths: resolver.step_paths,
        used_inputs: resolver.used_inputs,
        used_steps: resolver.used_steps,
    }
}

struct Resolver<'p, 'd> {
    pipeline: &'p Pipeline,
    table: StepTable<'p>,
    diagnostics: &'d mut Diagnostics,
    edges: Vec<Edge>,
    step_paths: PathTargets,
    used_inputs: HashSet<&'p str>,
    used_steps: Vec<bool>,
    /// pipeline_ex: every variable any set_variable sets (scopes are dynamic there), with
    /// each step that sets it and where.
    all_vars: HashMap<&'p str, Vec<(StepIdx, Span)>>,
    next_idx: StepIdx,
    /// Reused across steps so the walk allocates no list per step.
    site_buffer: Vec<Site<'p>>,
    path_buffer: Vec<&'p Path>,
}

/// Where a reference is made from.
#[derive(Clone, Copy)]
struct From {
    step: Option<StepIdx>,
    site: SiteKind,
    in_template: bool,
}

impl<'p> Resolver<'p, '_> {
    /// pipeline_ex: where each set_variable variable is set.
    fn collect_set_vars(&mut self) {
        for (idx, row) in self.table.rows.iter().enumerate() {
            if let StepKind::Set { vars } = &row.step.kind {
                for var in vars {
                    self.all_vars
                        .entry(var.name.text.as_str())
                        .or_default()
                        .push((idx, var.name.span));
                }
            }
        }
    }

    /// Whether a set of a variable at `set` can have run before step `reader` reads it in a
    /// later iteration: both are inside one loop.
    fn set_in_enclosing_loop(&self, reader: StepIdx, set: StepIdx) -> bool {
        let mut at = self.table.rows.get(reader).and_then(|r| r.parent);
        while let Some(ancestor) = at {
            let row = &self.table.rows[ancestor];
            if matches!(row.step.kind, StepKind::Map { .. } | StepKind::Loop { .. })
                && self.table.is_ancestor(ancestor, set)
            {
                return true;
            }
            at = row.parent;
        }
        false
    }

    fn mark_used(&mut self, idx: StepIdx) {
        if let Some(used) = self.used_steps.get_mut(idx) {
            *used = true;
        }
    }

    fn native(&self) -> bool {
        self.pipeline.dialect == Dialect::Native
    }

    fn span(&self, range: &std::ops::Range<u32>) -> Span {
        self.pipeline.span_of(range)
    }

    /// Walk steps in execution order; the table was built in the same pre-order.
    fn walk(&mut self, steps: &'p [Step], scope: &mut Scope<'p>) {
        for step in steps {
            let idx = self.next_idx;
            self.next_idx += 1;
            let mut sites = std::mem::take(&mut self.site_buffer);
            for_each_site(step, &mut |s| sites.push(s));
            for site in sites.drain(..) {
                if !matches!(site, Site::Condition(_, SiteKind::LoopCondition)) {
                    self.site(site, idx, scope);
                }
            }
            self.site_buffer = sites;
            let mark = scope.mark();
            let is_loop = matches!(step.kind, StepKind::Map { .. } | StepKind::Loop { .. });
            if let StepKind::Map { item, .. } = &step.kind {
                scope.loop_vars.push(item.text.as_str());
            }
            if is_loop {
                scope.loop_depth += 1;
            }
            for body in bodies(step) {
                let body_mark = scope.mark();
                self.walk(body, scope);
                // Branch cases do not see each other's steps.
                if matches!(step.kind, StepKind::Branch { .. }) && self.native() {
                    scope.reset(body_mark);
                }
            }
            // A loop condition sees the body's steps (it is checked after an iteration).
            if let StepKind::Loop {
                condition:
                    Some(pipec_ir::LoopCondition::While(c) | pipec_ir::LoopCondition::Until(c)),
                ..
            } = &step.kind
            {
                self.site(Site::Condition(c, SiteKind::LoopCondition), idx, scope);
            }
            if is_loop {
                scope.loop_depth -= 1;
            }
            if let StepKind::Map { .. } = &step.kind {
                scope.loop_vars.pop();
            }
            if self.native() {
                scope.reset(mark);
            }
            scope.add_step(step.id.text.as_str(), idx);
            if let Some(alias) = super::table::output_alias(step) {
                scope.add_step(alias, idx);
            }
            if let StepKind::Set { vars } = &step.kind {
                for v in vars {
                    scope.add_var(v.name.text.as_str());
                }
            }
        }
    }

    fn site(&mut self, site: Site<'p>, idx: StepIdx, scope: &Scope<'p>) {
        match site {
            Site::Template(t, kind) => {
                for expr in t.template.exprs() {
                    self.expr(
                        expr,
                        From {
                            step: Some(idx),
                            site: kind,
                            in_template: true,
                        },
                        scope,
                    );
                }
            }
            Site::Condition(c, kind) => self.condition(
                c,
                From {
                    step: Some(idx),
                    site: kind,
                    in_template: false,
                },
                scope,
            ),
            Site::Expr(e, kind) => self.expr(
                e,
                From {
                    step: Some(idx),
                    site: kind,
                    in_template: false,
                },
                scope,
            ),
            Site::PreviousResponse(name) => {
                self.step_ref(
                    &name.text,
                    name.span,
                    From {
                        step: Some(idx),
                        site: SiteKind::Value,
                        in_template: false,
                    },
                    scope,
                );
            }
        }
    }

    fn condition(&mut self, condition: &'p Condition, from: From, scope: &Scope<'p>) {
        if from.site == SiteKind::ItemCondition {
            // Paths in a per-item filter name the item's fields.
            return;
        }
        if let Condition::Template(t) = condition {
            if !self.native() && from.site == SiteKind::LoopCondition {
                self.diagnostics.push(
                    Diagnostic::new(Code::P0207, t.span, "this loop condition is frozen when the loop starts")
                        .with_primary_label("pipeline_ex interpolates `{{ }}` once, before the loop runs")
                        .with_help("write the condition without `{{ }}`, naming a step's result: `step_name.field < 3`"),
                );
            }
            for expr in t.template.exprs() {
                self.expr(
                    expr,
                    From {
                        in_template: true,
                        ..from
                    },
                    scope,
                );
            }
            return;
        }
        let mut exprs = Vec::new();
        for_each_condition_expr(condition, &mut |e| exprs.push(e));
        for e in exprs {
            self.expr(e, from, scope);
        }
    }

    fn expr(&mut self, expr: &'p Expr, from: From, scope: &Scope<'p>) {
        self.calls(expr, from);
        let mut paths = std::mem::take(&mut self.path_buffer);
        expr.for_each_path(&mut |p| paths.push(p));
        for path in paths.drain(..) {
            if self.native() {
                self.native_path(path, from, scope);
            } else if from.in_template {
                self.pex_template_path(path, from, scope);
            } else {
                self.pex_step_first_path(path, from, scope);
            }
        }
        self.path_buffer = paths;
    }

    /// Check function and filter names.
    fn calls(&mut self, expr: &Expr, from: From) {
        let known: &[&str] = match (self.native(), from.in_template) {
            (true, _) => FUNCTIONS,
            (false, true) => PIPELINE_EX_TEMPLATE_FUNCTIONS,
            (false, false) => PIPELINE_EX_CONDITION_FUNCTIONS,
        };
        let mut visit = |name: &pipec_syntax::expr::Ident| {
            if known.contains(&name.name.as_str()) {
                return;
            }
            let span = self.span(&name.span);
            let help = did_you_mean_help(&name.name, known);
            let d = if self.native() {
                Diagnostic::new(
                    Code::P0208,
                    span,
                    format!("unknown function `{}`", name.name),
                )
                .with_primary_label("not a built-in function or filter")
            } else {
                Diagnostic::new(
                    Code::P0207,
                    span,
                    format!("pipeline_ex has no function `{}`", name.name),
                )
                .with_primary_label("this expression never evaluates")
            };
            self.diagnostics.push(d.with_help_opt(help));
        };
        walk_calls(expr, &mut visit);
    }

    /// Resolve `steps.ID` (or a step-first path's head) to a step, reporting unknown and
    /// forward references. Returns the step when it is visible.
    fn step_ref(&mut self, id: &str, span: Span, from: From, scope: &Scope<'p>) -> Option<StepIdx> {
        if let Some(target) = scope.step(id) {
            self.mark_used(target);
            if let Some(step) = from.step {
                self.edges.push(Edge {
                    from: step,
                    to: target,
                    span,
                    kind: EdgeKind::Data,
                });
            }
            return Some(target);
        }
        match self.table.by_id.get(id).copied() {
            Some(target) => {
                self.mark_used(target);
                if let Some(step) = from.step {
                    self.edges.push(Edge {
                        from: step,
                        to: target,
                        span,
                        kind: EdgeKind::Data,
                    });
                }
                let (message, label) = match from.step {
                    Some(step) if step == target => (
                        format!("step `{id}` refers to its own result"),
                        "a step cannot read its own result".to_owned(),
                    ),
                    Some(step) if self.table.is_ancestor(target, step) => (
                        format!("step `{id}` is read from inside its own body"),
                        format!("`{id}` has no result until its body finishes"),
                    ),
                    _ => (
                        format!("step `{id}` is used before it runs"),
                        format!("`{id}` runs later"),
                    ),
                };
                let target_step = self.table.rows[target].step;
                self.diagnostics.push(
                    Diagnostic::new(Code::P0203, span, message)
                        .with_primary_label(label)
                        .with_label(target_step.id.span, format!("`{id}` is defined here"))
                        .with_help("move the referenced step before this one, or read a step that runs earlier"),
                );
                None
            }
            None => {
                let ids = self.table.ids();
                let help = did_you_mean_help(id, &ids);
                self.diagnostics.push(
                    Diagnostic::new(Code::P0202, span, format!("no step named `{id}`"))
                        .with_primary_label("unknown step")
                        .with_help_opt(help),
                );
                None
            }
        }
    }

    fn native_path(&mut self, path: &'p Path, from: From, scope: &Scope<'p>) {
        let head = path.head();
        let Some(first) = path.segments.first() else {
            return;
        };
        let head_span = self.span(&first.span());
        let second = path.segments.get(1);
        match head {
            "inputs" => {
                let Some(segment) = second else {
                    self.diagnostics.push(
                        Diagnostic::new(Code::P0204, head_span, "`inputs` needs an input name")
                            .with_primary_label("write `inputs.NAME`"),
                    );
                    return;
                };
                let Some(name) = segment.name() else { return };
                if self.pipeline.inputs.iter().any(|p| p.name.text == name) {
                    self.used_inputs.insert(name);
                } else {
                    let names: Vec<&str> = self
                        .pipeline
                        .inputs
                        .iter()
                        .map(|p| p.name.text.as_str())
                        .collect();
                    let help = if names.is_empty() {
                        Some(format!(
                            "declare it under `inputs:`, e.g. `inputs: {{{name}: str}}`"
                        ))
                    } else {
                        did_you_mean_or_list(name, &names, "declared inputs")
                    };
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::P0204,
                            self.span(&segment.span()),
                            format!("no input named `{name}`"),
                        )
                        .with_primary_label("not declared under `inputs`")
                        .with_help_opt(help),
                    );
                }
            }
            "steps" => {
                if second.is_none() {
                    self.diagnostics.push(
                        Diagnostic::new(Code::P0202, head_span, "`steps` needs a step id")
                            .with_primary_label("write `steps.ID`"),
                    );
                }
                self.steps_path(path, from, scope);
            }
            "vars" => {
                let Some(segment) = second else { return };
                let Some(name) = segment.name() else { return };
                if !scope.has_var(name) {
                    let names = scope.var_names();
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::P0206,
                            self.span(&segment.span()),
                            format!("no variable `{name}` is set before this point"),
                        )
                        .with_primary_label("unknown variable")
                        .with_help_opt(did_you_mean_help(name, &names)),
                    );
                }
            }
            "loop" if scope.loop_depth > 0 => {}
            _ if scope.loop_vars.contains(&head) => {}
            _ => {
                let mut roots: Vec<&str> = vec!["inputs", "steps", "vars"];
                roots.extend(scope.loop_vars.iter().copied());
                if scope.loop_depth > 0 {
                    roots.push("loop");
                }
                let help = if self.pipeline.inputs.iter().any(|p| p.name.text == head) {
                    Some(format!("did you mean `inputs.{head}`?"))
                } else if self.table.by_id.contains_key(head) {
                    Some(format!("did you mean `steps.{head}`?"))
                } else {
                    did_you_mean_help(head, &roots)
                        .or_else(|| Some("references start with `inputs.`, `steps.` or `vars.`, or name a loop variable".into()))
                };
                self.diagnostics.push(
                    Diagnostic::new(Code::P0206, head_span, format!("unknown name `{head}`"))
                        .with_primary_label("not an input, step, variable or loop variable")
                        .with_help_opt(help),
                );
            }
        }
    }

    /// `steps.ID...`: resolve the step and remember it for the types pass.
    fn steps_path(&mut self, path: &'p Path, from: From, scope: &Scope<'p>) {
        let Some(segment) = path.segments.get(1) else {
            return;
        };
        let Some(id) = segment.name() else { return };
        if let Some(target) = self.step_ref(id, self.span(&segment.span()), from, scope) {
            self.step_paths.insert(path.span.start, target);
        }
    }

    /// pipeline_ex templates (variable engine rules).
    fn pex_template_path(&mut self, path: &'p Path, from: From, scope: &Scope<'p>) {
        let head = path.head();
        let Some(first) = path.segments.first() else {
            return;
        };
        let head_span = self.span(&first.span());
        match head {
            "steps" => self.steps_path(path, from, scope),
            "inputs" => {}
            "global_vars" => {
                let Some(name) = path.segments.get(1).and_then(|s| s.name()) else {
                    return;
                };
                let globals: Vec<&str> = self
                    .pipeline
                    .globals
                    .iter()
                    .map(|g| g.text.as_str())
                    .collect();
                if !globals.is_empty() && !globals.contains(&name) {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::P0207,
                            self.span(&path.span),
                            format!("`global_vars.{name}` is not declared"),
                        )
                        .with_primary_label("pipeline_ex leaves this template verbatim")
                        .with_help_opt(did_you_mean_help(name, &globals)),
                    );
                }
            }
            "loop" => {
                let message = if scope.loop_depth > 0 {
                    "`{{loop.*}}` is blank inside a pipeline_ex loop body"
                } else {
                    "`{{loop.*}}` is used outside a loop"
                };
                self.diagnostics.push(
                    Diagnostic::new(Code::P0207, self.span(&path.span), message)
                        .with_primary_label("renders as an empty string")
                        .with_note("pipeline_ex interpolates a step's templates once, before a loop starts; loop variables are visible to conditions and data sources only"),
                );
            }
            _ if PIPELINE_EX_UNIMPLEMENTED.contains(&head) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::P0207, self.span(&path.span), format!("pipeline_ex does not implement `{{{{{}}}}}`", path.display()))
                        .with_primary_label("renders as an empty string at run time")
                        .with_note("pipeline_ex documents this variable, but its variable engine never sets it"),
                );
            }
            "state" => {
                let Some(name) = path.segments.get(1).and_then(|s| s.name()) else {
                    return;
                };
                self.pex_variable(name, self.span(&path.span), from, scope);
            }
            _ => self.pex_variable(head, head_span, from, scope),
        }
    }

    fn pex_variable(&mut self, name: &str, span: Span, from: From, scope: &Scope<'p>) {
        if let Some(sets) = self.all_vars.get(name) {
            let set_before = scope.has_var(name)
                || from.step.is_none_or(|reader| {
                    sets.iter()
                        .any(|&(set, _)| self.set_in_enclosing_loop(reader, set))
                });
            if !set_before && let Some(&(_, set_span)) = sets.first() {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::P0207,
                        span,
                        format!("`{name}` is read before any set_variable step sets it"),
                    )
                    .with_primary_label("pipeline_ex renders this as an empty string here")
                    .with_label(set_span, "set here, by a step that runs later")
                    .with_help("move the set_variable step before this one"),
                );
            }
            return;
        }
        let mut known: Vec<&str> = self.all_vars.keys().copied().collect();
        known.sort_unstable();
        let help = if self.table.by_id.contains_key(name) {
            Some(format!(
                "to read the step's result, write `{{{{steps.{name}.result}}}}`"
            ))
        } else {
            did_you_mean_help(name, &known)
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::P0207,
                span,
                format!("no set_variable step sets `{name}`"),
            )
            .with_primary_label("pipeline_ex renders this as an empty string")
            .with_help_opt(help),
        );
    }

    /// pipeline_ex conditions and sources: the first segment names a step.
    fn pex_step_first_path(&mut self, path: &'p Path, from: From, scope: &Scope<'p>) {
        let head = path.head();
        let Some(first) = path.segments.first() else {
            return;
        };
        let head_span = self.span(&first.span());
        if head == "steps" && !self.table.by_id.contains_key("steps") {
            let rest: Vec<String> = path
                .segments
                .iter()
                .skip(1)
                .filter_map(|s| s.name().map(str::to_owned))
                .collect();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::P0209,
                    head_span,
                    "pipeline_ex conditions name the step first, without `steps.`",
                )
                .with_primary_label("this looks for a step called `steps`")
                .with_help(format!("write `{}`", rest.join("."))),
            );
            if let Some(segment) = path.segments.get(1)
                && let Some(id) = segment.name()
            {
                self.step_ref(id, self.span(&segment.span()), from, scope);
            }
            return;
        }
        if from.site == SiteKind::Source
            && (head == "context"
                || self.all_vars.contains_key(head)
                || scope.loop_vars.contains(&head))
        {
            return;
        }
        if from.site == SiteKind::LoopCondition && head == "loop" {
            return;
        }
        if self.table.by_id.contains_key(head) || from.site != SiteKind::Source {
            if let Some(target) = self.step_ref(head, head_span, from, scope) {
                self.step_paths.insert(path.span.start, target);
            }
            return;
        }
        let ids = self.table.ids();
        self.diagnostics.push(
            Diagnostic::new(
                Code::P0202,
                head_span,
                format!("no step or variable named `{head}`"),
            )
            .with_primary_label("this source resolves to nothing")
            .with_help_opt(did_you_mean_help(head, &ids)),
        );
    }

    /// pipeline_ex merges loop-body results into the pipeline's results, so a body step
    /// named like a step at another level overwrites it. Same-level duplicates were reported
    /// by lowering; this reports the ones across levels.
    fn merged_duplicates(&mut self) {
        let mut by_name: HashMap<&str, Vec<StepIdx>> = HashMap::default();
        for (idx, row) in self.table.rows.iter().enumerate() {
            by_name
                .entry(row.step.id.text.as_str())
                .or_default()
                .push(idx);
        }
        let mut groups: Vec<(&str, Vec<StepIdx>)> = by_name.into_iter().collect();
        groups.sort_by_key(|(_, rows)| rows.first().copied());
        for (id, rows) in groups {
            let Some(&first) = rows.first() else { continue };
            for &later in rows.iter().skip(1) {
                if self.table.rows[later].parent == self.table.rows[first].parent {
                    continue;
                }
                let (a, b) = (self.table.rows[first].step, self.table.rows[later].step);
                self.diagnostics.push(
                    Diagnostic::new(Code::P0105, b.id.span, format!("duplicate step name `{id}`"))
                        .with_primary_label("this step's result overwrites the other's")
                        .with_label(a.id.span, format!("`{id}` is first defined here"))
                        .with_note("pipeline_ex merges loop-body results into the pipeline's results by step name")
                        .with_help("give one of the two steps another name"),
                );
            }
        }
    }

    fn outputs(&mut self, scope: &Scope<'p>) {
        let outputs = &self.pipeline.outputs;
        for output in outputs {
            self.expr(
                &output.value,
                From {
                    step: None,
                    site: SiteKind::Value,
                    in_template: false,
                },
                scope,
            );
        }
    }

    fn depends_on(&mut self) {
        for idx in 0..self.table.rows.len() {
            let step = self.table.rows[idx].step;
            for dep in &step.depends_on {
                match self.table.by_id.get(dep.text.as_str()).copied() {
                    Some(target) if target == idx => self.diagnostics.push(
                        Diagnostic::new(
                            Code::P0300,
                            dep.span,
                            format!("step `{}` depends on itself", dep.text),
                        )
                        .with_primary_label("a step cannot wait for itself"),
                    ),
                    Some(target) => {
                        self.mark_used(target);
                        self.edges.push(Edge {
                            from: idx,
                            to: target,
                            span: dep.span,
                            kind: EdgeKind::DependsOn,
                        });
                    }
                    None => {
                        let ids = self.table.ids();
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::P0202,
                                dep.span,
                                format!("no step named `{}`", dep.text),
                            )
                            .with_primary_label("unknown step in `depends_on`")
                            .with_help_opt(did_you_mean_help(&dep.text, &ids)),
                        );
                    }
                }
            }
            self.model_and_signature(step);
        }
    }

    fn model_and_signature(&mut self, step: &'p Step) {
        if let Some(model) = &step.model
            && self.pipeline.model(&model.text).is_none()
        {
            let names: Vec<&str> = self
                .pipeline
                .models
                .iter()
                .map(|m| m.name.text.as_str())
                .collect();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::P0210,
                    model.span,
                    format!("no model named `{}`", model.text),
                )
                .with_primary_label("not declared under `models`")
                .with_help_opt(did_you_mean_help(&model.text, &names)),
            );
        }
        if let StepKind::Predict {
            signature: pipec_ir::SignatureRef::Named(name),
            ..
        } = &step.kind
            && self.pipeline.signature(&name.text).is_none()
        {
            let names: Vec<&str> = self
                .pipeline
                .signatures
                .iter()
                .map(|s| s.name.text.as_str())
                .collect();
            self.diagnostics.push(
                    Diagnostic::new(Code::P0211, name.span, format!("no signature named `{}`", name.text))
                        .with_primary_label("not declared under `signatures`")
                        .with_help_opt(did_you_mean_help(&name.text, &names).or_else(|| {
                            Some("declare it under `signatures`, or write it inline as a signature string such as `question: str -> answer: str`".into())
                        })),
                );
        }
    }
}

fn walk_calls<'e>(expr: &'e Expr, f: &mut impl FnMut(&'e pipec_syntax::expr::Ident)) {
    match &expr.kind {
        ExprKind::Call { name, args } => {
            f(name);
            args.iter().for_each(|a| walk_calls(a, f));
        }
        ExprKind::Filter { input, name, args } => {
            walk_calls(input, f);
            f(name);
            args.iter().for_each(|a| walk_calls(a, f));
        }
        ExprKind::Path(_) | ExprKind::Literal(_) => {}
        ExprKind::List(items) => items.iter().for_each(|e| walk_calls(e, f)),
        ExprKind::Unary { operand, .. } => walk_calls(operand, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk_calls(lhs, f);
            walk_calls(rhs, f);
        }
        ExprKind::Between { value, low, high } => {
            walk_calls(value, f);
            walk_calls(low, f);
            walk_calls(high, f);
        }
    }
}
