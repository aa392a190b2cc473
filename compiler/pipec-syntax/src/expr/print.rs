//! Printing expressions and templates back to source: the canonical text that parses to the
//! same tree. Converters (`pipec convert`, `pipec migrate`) and code generators use it, so a
//! printed expression must never change meaning: parentheses are added exactly where the
//! grammar's precedence (`grammar/expr.pest`) needs them.

use std::fmt::Write as _;

use super::ast::{BinaryOp, Expr, ExprKind, Literal, Template, TemplatePart, UnaryOp};

/// Binding strength of each grammar level, loosest first (see the table in
/// `grammar/expr.pest`).
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const ADDITIVE: u8 = 5;
const MULTIPLY: u8 = 6;
const NEGATE: u8 = 7;
const FILTER: u8 = 8;
const PRIMARY: u8 = 9;

impl Expr {
    /// The expression as canonical source text, e.g. `steps.a.score > 7 and not done`.
    #[must_use]
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        write_expr(&mut out, self, OR);
        out
    }
}

impl Template {
    /// The template as source text: text verbatim, each hole as `{{ expr }}`.
    #[must_use]
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(text) => out.push_str(text),
                TemplatePart::Expr { expr, .. } => {
                    out.push_str("{{ ");
                    write_expr(&mut out, expr, OR);
                    out.push_str(" }}");
                }
                TemplatePart::Invalid { source, .. } => {
                    out.push_str("{{");
                    out.push_str(source);
                    out.push_str("}}");
                }
            }
        }
        out
    }
}

/// The grammar level an expression form belongs to.
fn level(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::Binary { op, .. } => binary_level(*op),
        ExprKind::Between { .. } => COMPARE,
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => NOT,
        ExprKind::Unary {
            op: UnaryOp::Neg, ..
        } => NEGATE,
        ExprKind::Filter { .. } => FILTER,
        ExprKind::Path(_) | ExprKind::Literal(_) | ExprKind::List(_) | ExprKind::Call { .. } => {
            PRIMARY
        }
    }
}

fn binary_level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => OR,
        BinaryOp::And => AND,
        BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::Contains
        | BinaryOp::Matches => COMPARE,
        BinaryOp::Add | BinaryOp::Sub => ADDITIVE,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => MULTIPLY,
    }
}

/// Write `expr` where the grammar expects level `min` or tighter; parenthesise otherwise.
fn write_expr(out: &mut String, expr: &Expr, min: u8) {
    let own = level(expr);
    if own < min {
        out.push('(');
        write_expr(out, expr, OR);
        out.push(')');
        return;
    }
    match &expr.kind {
        ExprKind::Path(path) => out.push_str(&path.display()),
        ExprKind::Literal(literal) => write_literal(out, literal),
        ExprKind::List(items) => {
            out.push('[');
            write_list(out, items);
            out.push(']');
        }
        ExprKind::Call { name, args } => {
            out.push_str(&name.name);
            out.push('(');
            write_list(out, args);
            out.push(')');
        }
        ExprKind::Filter { input, name, args } => {
            write_expr(out, input, FILTER);
            out.push_str(" | ");
            out.push_str(&name.name);
            if !args.is_empty() {
                out.push('(');
                write_list(out, args);
                out.push(')');
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => {
            out.push_str("not ");
            // `not not x` is a run of prefixes; anything looser than a comparison needs
            // parentheses.
            let operand_min = if level(operand) == NOT { NOT } else { COMPARE };
            write_expr(out, operand, operand_min);
        }
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => {
            out.push('-');
            let operand_min = if level(operand) == NEGATE {
                // `- -x`: keep the two signs apart.
                out.push(' ');
                NEGATE
            } else {
                FILTER
            };
            write_expr(out, operand, operand_min);
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let own = binary_level(*op);
            // Comparisons do not chain: both sides are additive. The others associate left.
            let (lhs_min, rhs_min) = if own == COMPARE {
                (ADDITIVE, ADDITIVE)
            } else {
                (own, own + 1)
            };
            write_expr(out, lhs, lhs_min);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write_expr(out, rhs, rhs_min);
        }
        ExprKind::Between { value, low, high } => {
            write_expr(out, value, ADDITIVE);
            out.push_str(" between ");
            write_expr(out, low, ADDITIVE);
            out.push_str(" and ");
            write_expr(out, high, ADDITIVE);
        }
    }
}

fn write_list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item, OR);
    }
}

fn write_literal(out: &mut String, literal: &Literal) {
    match literal {
        Literal::Null => out.push_str("null"),
        Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Literal::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // `Debug` keeps a `.0` or an exponent, so the text reads back as a float.
        Literal::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Literal::Str(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_expr, parse_template};
    use super::*;

    fn without_spans(mut expr: Expr) -> Expr {
        expr.rebase_spans(&mut |_| 0..0);
        expr
    }

    /// Parse, print, parse again: the same tree, and printing is a fixed point.
    fn round_trip(src: &str) -> String {
        let first = parse_expr(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        let printed = first.to_source();
        let second = parse_expr(&printed).unwrap_or_else(|e| panic!("{printed}: {e:?}"));
        assert_eq!(
            without_spans(first),
            without_spans(second.clone()),
            "{src} → {printed}"
        );
        assert_eq!(
            second.to_source(),
            printed,
            "printing is not stable for {src}"
        );
        printed
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(round_trip("steps.a.score>7"), "steps.a.score > 7");
        assert_eq!(round_trip("a && b || !c"), "a and b or not c");
        assert_eq!(round_trip("(a or b) and c"), "(a or b) and c");
        assert_eq!(round_trip("not (a == b)"), "not a == b");
        assert_eq!(round_trip("not (a and b)"), "not (a and b)");
        assert_eq!(round_trip("(a + b) * c"), "(a + b) * c");
        assert_eq!(round_trip("a - (b - c)"), "a - (b - c)");
        assert_eq!(round_trip("a - b - c"), "a - b - c");
        assert_eq!(round_trip("- -x"), "- -x");
        assert_eq!(round_trip("-(a + b)"), "-(a + b)");
        assert_eq!(round_trip("(-a) | abs"), "(-a) | abs");
        assert_eq!(round_trip("-(a | abs)"), "-a | abs");
        assert_eq!(round_trip("x between 1 and 2 + 3"), "x between 1 and 2 + 3");
        assert_eq!(round_trip("(a < b) == true"), "(a < b) == true");
        assert_eq!(
            round_trip("items | join(', ') | upper"),
            "items | join(\", \") | upper"
        );
        assert_eq!(
            round_trip("f(a, [1, 2.5, 'x'], null)"),
            "f(a, [1, 2.5, \"x\"], null)"
        );
        assert_eq!(round_trip("x.0[1]"), "x[0][1]");
        assert_eq!(round_trip("1e20 > 2.0"), "1e20 > 2.0");
        assert_eq!(
            round_trip(r#"s == 'it\'s "q"\n'"#),
            r#"s == "it's \"q\"\n""#
        );
        assert_eq!(
            round_trip("a contains 'b' or c matches '^x'"),
            "a contains \"b\" or c matches \"^x\""
        );
    }

    #[test]
    fn templates() {
        let (template, errors) = parse_template("Review {{inputs.code|upper}} in {{ lang }}.");
        assert!(errors.is_empty());
        assert_eq!(
            template.to_source(),
            "Review {{ inputs.code | upper }} in {{ lang }}."
        );
        let (template, _) = parse_template("bad {{ a b }} end");
        assert_eq!(template.to_source(), "bad {{ a b }} end");
    }
}
