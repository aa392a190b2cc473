//! Every place in one step (not its nested steps) where an expression is written, tagged
//! with what the place is, so passes can walk references uniformly.

use pipec_ir::{Binding, Condition, LoopCondition, PromptPart, Step, StepKind, TemplateValue};
use pipec_syntax::expr::Expr;

/// What a site is, for scoping rules and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    /// A `with`/`inputs` binding, `set` variable, prompt text or file path.
    Value,
    /// The step's own `when`/`condition`.
    When,
    /// A branch case condition.
    Case,
    /// A loop's `while`/`until` condition; sees the loop body's steps.
    LoopCondition,
    /// A map/for_loop source or transform input.
    Source,
    /// A transform filter: evaluated per item, its paths name item fields.
    ItemCondition,
}

/// One site.
#[derive(Debug, Clone, Copy)]
pub enum Site<'p> {
    /// A template string.
    Template(&'p TemplateValue, SiteKind),
    /// A condition.
    Condition(&'p Condition, SiteKind),
    /// An expression.
    Expr(&'p Expr, SiteKind),
    /// A pipeline_ex `previous_response` part.
    PreviousResponse(&'p pipec_ir::Name),
}

/// Visit the sites of `step` itself, in source order as far as the IR keeps it.
pub fn for_each_site<'p>(step: &'p Step, f: &mut impl FnMut(Site<'p>)) {
    if let Some(when) = &step.when {
        f(Site::Condition(when, SiteKind::When));
    }
    for extra in &step.extra_templates {
        f(Site::Template(extra, SiteKind::Value));
    }
    let bindings = |bs: &'p [Binding], f: &mut dyn FnMut(Site<'p>)| {
        for b in bs {
            f(Site::Template(&b.value, SiteKind::Value));
        }
    };
    match &step.kind {
        StepKind::Predict { with, .. } => bindings(with, f),
        StepKind::Llm { prompt, .. } => prompt_sites(prompt, f),
        StepKind::Parallel { tasks, .. } => {
            for task in tasks {
                prompt_sites(&task.prompt, f);
            }
        }
        StepKind::Transform { input, ops, .. } => {
            if let Some(input) = input {
                f(Site::Expr(input, SiteKind::Source));
            }
            for op in ops {
                if let Some(source) = &op.source {
                    f(Site::Expr(source, SiteKind::Source));
                }
                if let Some(condition) = &op.condition {
                    f(Site::Condition(condition, SiteKind::ItemCondition));
                }
            }
        }
        StepKind::Branch { cases, .. } => {
            for case in cases {
                f(Site::Condition(&case.when, SiteKind::Case));
            }
        }
        StepKind::Map { over, .. } => {
            if let Some(over) = over {
                f(Site::Expr(over, SiteKind::Source));
            }
        }
        StepKind::Loop { condition, .. } => match condition {
            Some(LoopCondition::While(c) | LoopCondition::Until(c)) => {
                f(Site::Condition(c, SiteKind::LoopCondition))
            }
            None => {}
        },
        StepKind::Pipeline { inputs, .. } => bindings(inputs, f),
        StepKind::Set { vars } => bindings(vars, f),
        StepKind::FileOps { paths, .. } => {
            for path in paths {
                f(Site::Template(path, SiteKind::Value));
            }
        }
        StepKind::Echo { value } => {
            if let Some(value) = value {
                f(Site::Template(value, SiteKind::Value));
            }
        }
    }
}

fn prompt_sites<'p>(parts: &'p [PromptPart], f: &mut impl FnMut(Site<'p>)) {
    for part in parts {
        match part {
            PromptPart::Text(t) | PromptPart::File(t) => f(Site::Template(t, SiteKind::Value)),
            PromptPart::Message { content, .. } => f(Site::Template(content, SiteKind::Value)),
            PromptPart::PreviousResponse { step, .. } => f(Site::PreviousResponse(step)),
        }
    }
}

/// Visit every expression of a condition tree, with the template flag.
pub fn for_each_condition_expr<'p>(condition: &'p Condition, f: &mut impl FnMut(&'p Expr)) {
    match condition {
        Condition::Expr(e) => f(e),
        Condition::Template(t) => t.template.exprs().for_each(&mut *f),
        Condition::All(items, _) | Condition::Any(items, _) => {
            items.iter().for_each(|c| for_each_condition_expr(c, f))
        }
        Condition::Not(inner, _) => for_each_condition_expr(inner, f),
        Condition::Invalid(_) => {}
    }
}
