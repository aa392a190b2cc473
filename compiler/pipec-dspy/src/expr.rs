//! pipec expressions, templates and conditions as Python expressions over the generated
//! `forward`'s variables, with the semantics of `docs/native-format.md` ("Expression
//! semantics") supplied by `pipec_support` (`px`): deep equality, Python truthiness with
//! boolean results, ordering only of numbers or strings, errors naming a missing path.

use pipec_ir::{Condition, TemplateValue};
use pipec_syntax::expr::{BinaryOp, Expr, ExprKind, Literal, Segment, TemplatePart, UnaryOp};

use crate::python::{float, string};

/// Which Python variable each root name of a path reads.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The step results visible here (`steps`, or a body's copy).
    pub steps: String,
    /// Loop variables (`as:` names and `loop`), innermost last, with their Python names.
    pub locals: Vec<(String, String)>,
}

impl Scope {
    /// The root scope of a `forward`.
    #[must_use]
    pub fn root() -> Scope {
        Scope {
            steps: "steps".into(),
            locals: Vec::new(),
        }
    }

    fn root_var(&self, name: &str) -> String {
        if let Some((_, var)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return var.clone();
        }
        match name {
            "inputs" => "inputs".into(),
            "steps" => self.steps.clone(),
            "vars" => "vars_".into(),
            // The checker rejects other roots; a generated program reports it at run time.
            other => format!("px.get({{}}, {})", string(other)),
        }
    }
}

/// An expression.
#[must_use]
pub fn expr(e: &Expr, scope: &Scope) -> String {
    match &e.kind {
        ExprKind::Path(path) => {
            let mut segments = path.segments.iter();
            let Some(Segment::Field(root)) = segments.next() else {
                return "None".into();
            };
            let base = scope.root_var(&root.name);
            let rest: Vec<String> = segments
                .map(|s| match s {
                    Segment::Field(id) => string(&id.name),
                    Segment::Index(i, _) => i.to_string(),
                })
                .collect();
            if rest.is_empty() {
                base
            } else {
                format!("px.get({base}, {})", rest.join(", "))
            }
        }
        ExprKind::Literal(lit) => literal(lit),
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(|i| expr(i, scope)).collect();
            format!("[{}]", items.join(", "))
        }
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Not => format!("(not px.truthy({}))", expr(operand, scope)),
            UnaryOp::Neg => format!("(-{})", expr(operand, scope)),
        },
        ExprKind::Binary { op, lhs, rhs } => {
            let (a, b) = (expr(lhs, scope), expr(rhs, scope));
            match op {
                BinaryOp::Or => format!("(px.truthy({a}) or px.truthy({b}))"),
                BinaryOp::And => format!("(px.truthy({a}) and px.truthy({b}))"),
                BinaryOp::Eq => format!("px.eq({a}, {b})"),
                BinaryOp::Ne => format!("(not px.eq({a}, {b}))"),
                BinaryOp::Lt => format!("px.lt({a}, {b})"),
                BinaryOp::Le => format!("px.le({a}, {b})"),
                BinaryOp::Gt => format!("px.gt({a}, {b})"),
                BinaryOp::Ge => format!("px.ge({a}, {b})"),
                BinaryOp::Contains => format!("px.contains({a}, {b})"),
                BinaryOp::Matches => format!("px.matches({a}, {b})"),
                BinaryOp::Add => format!("({a} + {b})"),
                BinaryOp::Sub => format!("({a} - {b})"),
                BinaryOp::Mul => format!("({a} * {b})"),
                BinaryOp::Div => format!("px.div({a}, {b})"),
                BinaryOp::Rem => format!("px.rem({a}, {b})"),
            }
        }
        ExprKind::Between { value, low, high } => format!(
            "px.between({}, {}, {})",
            expr(value, scope),
            expr(low, scope),
            expr(high, scope)
        ),
        ExprKind::Call { name, args } => call(&name.name, None, args, scope),
        ExprKind::Filter { input, name, args } => call(&name.name, Some(input), args, scope),
    }
}

fn call(name: &str, input: Option<&Expr>, args: &[Expr], scope: &Scope) -> String {
    let args: Vec<String> = input
        .into_iter()
        .chain(args)
        .map(|a| expr(a, scope))
        .collect();
    format!("px.fn_{name}({})", args.join(", "))
}

fn literal(lit: &Literal) -> String {
    match lit {
        Literal::Null => "None".into(),
        Literal::Bool(true) => "True".into(),
        Literal::Bool(false) => "False".into(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => float(*f),
        Literal::Str(s) => string(s),
    }
}

/// A template: its one hole's value, its text, or the parts rendered and joined.
#[must_use]
pub fn template(t: &TemplateValue, scope: &Scope) -> String {
    if let Some(e) = t.template.single_expr() {
        return expr(e, scope);
    }
    let parts: Vec<String> = t
        .template
        .parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(text) => string(text),
            TemplatePart::Expr { expr: e, .. } => expr(e, scope),
            TemplatePart::Invalid { source, .. } => string(source),
        })
        .collect();
    match parts.as_slice() {
        [] => "\"\"".into(),
        [one] if t.template.is_plain() => one.clone(),
        _ => format!("px.render({})", parts.join(", ")),
    }
}

/// A condition as a Python `bool` expression.
#[must_use]
pub fn condition(c: &Condition, scope: &Scope) -> String {
    match c {
        Condition::Expr(e) => format!("px.truthy({})", expr(e, scope)),
        Condition::Template(t) => format!("px.truthy({})", template(t, scope)),
        Condition::All(items, _) if items.is_empty() => "True".into(),
        Condition::Any(items, _) if items.is_empty() => "False".into(),
        Condition::All(items, _) => join(items, " and ", scope),
        Condition::Any(items, _) => join(items, " or ", scope),
        Condition::Not(inner, _) => format!("(not {})", condition(inner, scope)),
        Condition::Invalid(_) => "False".into(),
    }
}

fn join(items: &[Condition], sep: &str, scope: &Scope) -> String {
    let items: Vec<String> = items.iter().map(|c| condition(c, scope)).collect();
    format!("({})", items.join(sep))
}
