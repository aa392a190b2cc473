//! Rewriting pipeline_ex expressions into the native expression language: paths are
//! resolved by the [`Migrator`] (steps, inputs, variables, loop variables), pipeline_ex's
//! functions become native functions or operators, and each path's *use* (compared as a
//! number, tested for truth, read as text) is recorded so the result shapes can be chosen.
//!
//! Built expressions carry empty spans: they are printed (`Expr::to_source`), never
//! reported on.

use pipec_diagnostics::{Code, Diagnostic, Span};
use pipec_syntax::expr::{
    BinaryOp, Expr, ExprKind, Ident, Literal, Path, Segment, Template, TemplatePart,
};

use crate::migrator::Migrator;

/// How pipeline_ex resolves the paths of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A `{{ }}` template: `steps.X`, `inputs.x`, `global_vars.x`, `state.x`, bare names.
    Template,
    /// A condition: the first segment names a step.
    Condition,
    /// A data_transform filter condition: a name that is not a step is a field of the item.
    Filter,
    /// A data source (`STEP:field` already read as a path): a step, else a variable.
    Source,
}

/// How a value is used where it is read; decides field and input types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Use {
    /// Read as text or passed along.
    Other,
    /// Tested for truth.
    Truthy,
    /// Compared or computed as a number.
    Numeric,
    /// Iterated over (a data source).
    List,
}

/// An expression from parts.
pub(crate) fn expr(kind: ExprKind) -> Expr {
    Expr { kind, span: 0..0 }
}

/// The path `a.b.c` followed by `rest`.
pub(crate) fn path_expr(head: &[&str], rest: &[Segment]) -> Expr {
    let mut segments: Vec<Segment> = head.iter().map(|name| field(name)).collect();
    segments.extend(rest.iter().cloned());
    expr(ExprKind::Path(Path {
        segments,
        span: 0..0,
    }))
}

/// A field segment.
pub(crate) fn field(name: &str) -> Segment {
    Segment::Field(Ident {
        name: name.to_owned(),
        span: 0..0,
    })
}

/// `null`.
pub(crate) fn null() -> Expr {
    expr(ExprKind::Literal(Literal::Null))
}

/// `lhs != null`: the native test that a step ran.
pub(crate) fn ran(lhs: Expr) -> Expr {
    expr(ExprKind::Binary {
        op: BinaryOp::Ne,
        lhs: Box::new(lhs),
        rhs: Box::new(null()),
    })
}

impl Migrator<'_> {
    /// A template with each hole rewritten; holes that did not parse are dropped (P0816).
    pub(crate) fn template(&mut self, template: &Template) -> Template {
        let mut parts: Vec<TemplatePart> = Vec::new();
        for part in &template.parts {
            match part {
                TemplatePart::Text(text) => push_text(&mut parts, text),
                TemplatePart::Expr { expr, .. } => {
                    let expr = self.rewrite(expr, Mode::Template, Use::Other);
                    parts.push(TemplatePart::Expr { expr, span: 0..0 });
                }
                TemplatePart::Invalid { source, span } => {
                    let at = self.span(span);
                    self.warn(
                        Diagnostic::new(
                            Code::P0816,
                            at,
                            format!("`{{{{{}}}}}` has no native counterpart", source.trim()),
                        )
                        .with_primary_label("left out of the migrated text")
                        .with_note("pipeline_ex renders a hole it cannot resolve as empty text")
                        .with_help("write the value with the native expression language, or a `branch` step"),
                    );
                }
            }
        }
        Template { parts }
    }

    /// Rewrite `e`, read in `mode`, whose value is used as `usage`.
    pub(crate) fn rewrite(&mut self, e: &Expr, mode: Mode, usage: Use) -> Expr {
        match &e.kind {
            ExprKind::Path(path) => self.resolve_path(path, mode, usage),
            ExprKind::Literal(_) => e.clone(),
            ExprKind::List(items) => expr(ExprKind::List(
                items
                    .iter()
                    .map(|i| self.rewrite(i, mode, Use::Other))
                    .collect(),
            )),
            ExprKind::Unary { op, operand } => {
                let inner = match op {
                    pipec_syntax::expr::UnaryOp::Not => Use::Truthy,
                    pipec_syntax::expr::UnaryOp::Neg => Use::Numeric,
                };
                expr(ExprKind::Unary {
                    op: *op,
                    operand: Box::new(self.rewrite(operand, mode, inner)),
                })
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = operand_uses(*op, lhs, rhs);
                expr(ExprKind::Binary {
                    op: *op,
                    lhs: Box::new(self.rewrite(lhs, mode, l)),
                    rhs: Box::new(self.rewrite(rhs, mode, r)),
                })
            }
            ExprKind::Between { value, low, high } => expr(ExprKind::Between {
                value: Box::new(self.rewrite(value, mode, Use::Numeric)),
                low: Box::new(self.rewrite(low, mode, Use::Numeric)),
                high: Box::new(self.rewrite(high, mode, Use::Numeric)),
            }),
            ExprKind::Call { name, args } => {
                let args: Vec<Expr> = args
                    .iter()
                    .map(|a| self.rewrite(a, mode, call_use(&name.name)))
                    .collect();
                self.call(name, args, &e.span)
            }
            ExprKind::Filter { input, name, args } => {
                let mut all = vec![self.rewrite(input, mode, call_use(&name.name))];
                all.extend(args.iter().map(|a| self.rewrite(a, mode, Use::Other)));
                self.call(name, all, &e.span)
            }
        }
    }

    /// A function call: pipeline_ex's arithmetic helpers become operators, its camel-case
    /// names native ones; a function the native language lacks becomes `null` (P0816).
    fn call(&mut self, name: &Ident, mut args: Vec<Expr>, span: &std::ops::Range<u32>) -> Expr {
        let op = match name.name.as_str() {
            "add" => Some(BinaryOp::Add),
            "subtract" => Some(BinaryOp::Sub),
            "multiply" => Some(BinaryOp::Mul),
            "divide" => Some(BinaryOp::Div),
            _ => None,
        };
        if let Some(op) = op
            && args.len() == 2
        {
            let rhs = args.pop().unwrap_or_else(null);
            let lhs = args.pop().unwrap_or_else(null);
            return expr(ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            });
        }
        let native = match name.name.as_str() {
            "toLowerCase" => "lower",
            "toUpperCase" => "upper",
            "count" => "length",
            other => other,
        };
        if !pipec_syntax::expr::FUNCTIONS.contains(&native) {
            let at = self.span(span);
            self.warn(
                Diagnostic::new(
                    Code::P0816,
                    at,
                    format!("function `{}` has no native counterpart", name.name),
                )
                .with_primary_label("migrated as `null`")
                .with_help("compute the value in a step, or rewrite the expression with the native functions (`pipec explain P0816`)"),
            );
            return null();
        }
        expr(ExprKind::Call {
            name: Ident {
                name: native.to_owned(),
                span: 0..0,
            },
            args,
        })
    }

    /// The file span of an absolute expression range.
    pub(crate) fn span(&self, range: &std::ops::Range<u32>) -> Span {
        Span::new(self.file, range.start, range.end)
    }
}

/// Append text, merging with a preceding text part.
pub(crate) fn push_text(parts: &mut Vec<TemplatePart>, text: &str) {
    if let Some(TemplatePart::Text(last)) = parts.last_mut() {
        last.push_str(text);
    } else if !text.is_empty() {
        parts.push(TemplatePart::Text(text.to_owned()));
    }
}

/// How the operands of a binary operator are used.
fn operand_uses(op: BinaryOp, lhs: &Expr, rhs: &Expr) -> (Use, Use) {
    match op {
        BinaryOp::Or | BinaryOp::And => (Use::Truthy, Use::Truthy),
        BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::Add
        | BinaryOp::Sub
        | BinaryOp::Mul
        | BinaryOp::Div
        | BinaryOp::Rem => (Use::Numeric, Use::Numeric),
        BinaryOp::Eq | BinaryOp::Ne => (literal_use(rhs), literal_use(lhs)),
        BinaryOp::Contains | BinaryOp::Matches => (Use::Other, Use::Other),
    }
}

/// Compared with a literal: a number means a number, a boolean a truth value.
fn literal_use(other: &Expr) -> Use {
    match &other.kind {
        ExprKind::Literal(Literal::Int(_) | Literal::Float(_)) => Use::Numeric,
        ExprKind::Literal(Literal::Bool(_)) => Use::Truthy,
        _ => Use::Other,
    }
}

/// How a function uses its first argument.
fn call_use(name: &str) -> Use {
    match name {
        "add" | "subtract" | "multiply" | "divide" | "abs" | "round" | "floor" | "ceil" => {
            Use::Numeric
        }
        _ => Use::Other,
    }
}
