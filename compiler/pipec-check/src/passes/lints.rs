//! Lints (warnings) on native pipelines: unused inputs, unused steps, unreachable branch
//! cases. pipeline_ex files keep every step's result and read inputs dynamically, so these
//! would be noise there.

use rustc_hash::FxHashSet as HashSet;

use pipec_diagnostics::{Code, Diagnostic, Diagnostics};
use pipec_ir::{Condition, Dialect, Pipeline, StepKind};
use pipec_syntax::expr::{ExprKind, Literal};

use super::resolve::Resolution;

/// Run the lints.
pub fn check(pipeline: &Pipeline, resolution: &Resolution<'_>, diagnostics: &mut Diagnostics) {
    if pipeline.dialect != Dialect::Native {
        return;
    }
    for input in &pipeline.inputs {
        if !resolution.used_inputs.contains(input.name.text.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::P0601,
                    input.name.span,
                    format!("input `{}` is never used", input.name.text),
                )
                .with_primary_label("no step or output reads it")
                .with_help(format!(
                    "read it as `{{{{ inputs.{} }}}}`, or remove it",
                    input.name.text
                )),
            );
        }
    }
    if !pipeline.outputs.is_empty() {
        unused_steps(resolution, diagnostics);
    }
    for row in &resolution.table.rows {
        if let StepKind::Branch { cases, default } = &row.step.kind {
            unreachable_cases(pipeline, cases, default, diagnostics);
        }
    }
}

fn unused_steps(resolution: &Resolution<'_>, diagnostics: &mut Diagnostics) {
    let table = &resolution.table;
    for (idx, row) in table.rows.iter().enumerate() {
        let producing = matches!(
            row.step.kind,
            StepKind::Predict { .. }
                | StepKind::Llm { .. }
                | StepKind::Transform { .. }
                | StepKind::Parallel { .. }
        );
        if !producing || resolution.is_used(idx) {
            continue;
        }
        // The last step of a body is the body's result.
        if let Some(parent) = row.parent {
            let last_of_body = table
                .rows
                .iter()
                .enumerate()
                .rev()
                .find(|(_, r)| r.parent == Some(parent))
                .map(|(i, _)| i);
            if last_of_body == Some(idx) {
                continue;
            }
        }
        diagnostics.push(
            Diagnostic::new(
                Code::P0600,
                row.step.id.span,
                format!("the result of step `{}` is never used", row.step.id.text),
            )
            .with_primary_label("no step or output reads it")
            .with_help(
                "read it in a later step or an output, or remove the step to save its calls",
            ),
        );
    }
}

fn unreachable_cases(
    pipeline: &Pipeline,
    cases: &[pipec_ir::BranchCase],
    default: &[pipec_ir::Step],
    diagnostics: &mut Diagnostics,
) {
    let mut seen: HashSet<String> = HashSet::default();
    let mut always: Option<pipec_diagnostics::Span> = None;
    for case in cases {
        let span = condition_span(pipeline, &case.when);
        if let Some(earlier) = always {
            diagnostics.push(
                Diagnostic::new(Code::P0602, span, "this case can never run")
                    .with_primary_label("an earlier case always matches")
                    .with_label(earlier, "this case is always true"),
            );
            continue;
        }
        match literal_bool(&case.when) {
            Some(false) => diagnostics.push(
                Diagnostic::new(Code::P0602, span, "this case can never run")
                    .with_primary_label("the condition is always false"),
            ),
            Some(true) => always = Some(span),
            None => {}
        }
        if let Condition::Expr(e) = &case.when {
            let key = format!("{:?}", strip_spans(&e.kind));
            if !seen.insert(key) {
                diagnostics.push(
                    Diagnostic::new(Code::P0602, span, "this case can never run")
                        .with_primary_label("an earlier case has the same condition"),
                );
            }
        }
    }
    if let (Some(earlier), Some(first)) = (always, default.first()) {
        diagnostics.push(
            Diagnostic::new(Code::P0602, first.id.span, "the default can never run")
                .with_primary_label("an earlier case always matches")
                .with_label(earlier, "this case is always true"),
        );
    }
}

fn literal_bool(condition: &Condition) -> Option<bool> {
    match condition {
        Condition::Expr(e) => match &e.kind {
            ExprKind::Literal(Literal::Bool(b)) => Some(*b),
            _ => None,
        },
        _ => None,
    }
}

fn condition_span(pipeline: &Pipeline, condition: &Condition) -> pipec_diagnostics::Span {
    match condition {
        Condition::Expr(e) => pipeline.span_of(&e.span),
        Condition::Template(t) => t.span,
        Condition::All(_, s)
        | Condition::Any(_, s)
        | Condition::Not(_, s)
        | Condition::Invalid(s) => *s,
    }
}

/// A span-free rendering of an expression, to compare conditions structurally.
fn strip_spans(kind: &ExprKind) -> String {
    let mut expr = pipec_syntax::expr::Expr {
        kind: kind.clone(),
        span: 0..0,
    };
    expr.rebase_spans(&mut |_| 0..0);
    format!("{:?}", expr.kind)
}
