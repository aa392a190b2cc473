//! The expression AST shared by templates (`{{ expr }}` inside strings) and conditions.
//!
//! Spans here are byte ranges *relative to the string value* the expression was parsed from;
//! the lowering maps them into file spans with [`crate::value_range_to_span`].

use std::ops::Range;

/// A byte range inside the parsed string.
pub type RelSpan = Range<u32>;

/// A name with its position, such as a function or filter name.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where.
    pub span: RelSpan,
}

/// One step of a dotted path: `steps`, `analyze`, `issues`, `[0]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name` (or the first name).
    Field(Ident),
    /// `[3]` or `.3`.
    Index(i64, RelSpan),
}

impl Segment {
    /// The field name, if this is a field.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        match self {
            Segment::Field(id) => Some(&id.name),
            Segment::Index(..) => None,
        }
    }

    /// Where the segment is.
    #[must_use]
    pub fn span(&self) -> RelSpan {
        match self {
            Segment::Field(id) => id.span.clone(),
            Segment::Index(_, s) => s.clone(),
        }
    }
}

/// A dotted path such as `steps.analyze.issues[0].title`. Never empty; the first segment is
/// always a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The segments in order.
    pub segments: Vec<Segment>,
    /// The whole path.
    pub span: RelSpan,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`/`nil`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A quoted string (`'...'` or `"..."`), escapes resolved.
    Str(String),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not x` / `!x`.
    Not,
    /// `-x`.
    Neg,
}

/// Infix operators, in the order of the grammar's precedence levels (loosest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `or` / `||`.
    Or,
    /// `and` / `&&`.
    And,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `a contains b` (substring or list membership).
    Contains,
    /// `a matches "regex"`.
    Matches,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
}

impl BinaryOp {
    /// The operator as written (canonical form).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Contains => "contains",
            BinaryOp::Matches => "matches",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    /// Whether the result is a boolean.
    #[must_use]
    pub fn is_boolean(self) -> bool {
        !matches!(
            self,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem
        )
    }
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where (relative to the parsed string).
    pub span: RelSpan,
}

/// The expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A reference: `inputs.code`, `steps.a.b`, `loop.item`, `analysis.score`.
    Path(Path),
    /// A literal.
    Literal(Literal),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// A prefix operation.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// An infix operation.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left side.
        lhs: Box<Expr>,
        /// Right side.
        rhs: Box<Expr>,
    },
    /// `x between a and b` (inclusive).
    Between {
        /// The tested value.
        value: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
    },
    /// `name(args)`, e.g. `multiply(inputs.a, 2)` or `length(x)`.
    Call {
        /// Function name.
        name: Ident,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `input | name(args)` or `input | name`, e.g. `steps.a.items | join(", ")`.
    Filter {
        /// The filtered value.
        input: Box<Expr>,
        /// Filter name.
        name: Ident,
        /// Arguments (empty without parentheses).
        args: Vec<Expr>,
    },
}

/// A string with `{{ expr }}` holes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    /// Text and holes in order. Adjacent text parts are merged.
    pub parts: Vec<TemplatePart>,
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// A hole that parsed; `span` covers `{{ ... }}` including the braces.
    Expr {
        /// The expression.
        expr: Expr,
        /// The whole hole.
        span: RelSpan,
    },
    /// A hole that did not parse (an error was reported for it); kept so the lowering can
    /// still tell what was written.
    Invalid {
        /// The text between the braces.
        source: String,
        /// The whole hole.
        span: RelSpan,
    },
}

impl Template {
    /// Whether the template has no holes.
    #[must_use]
    pub fn is_plain(&self) -> bool {
        self.parts
            .iter()
            .all(|p| matches!(p, TemplatePart::Text(_)))
    }

    /// The expressions of all holes that parsed.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Expr { expr, .. } => Some(expr),
            _ => None,
        })
    }

    /// If the whole string is exactly one hole (`"{{ x }}"`), its expression: such a template
    /// keeps the value's type instead of becoming a string.
    #[must_use]
    pub fn single_expr(&self) -> Option<&Expr> {
        match self.parts.as_slice() {
            [TemplatePart::Expr { expr, .. }] => Some(expr),
            _ => None,
        }
    }
}

/// A syntax error in an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// Where (relative to the parsed string); never empty unless the string is.
    pub span: RelSpan,
    /// Short message, e.g. "expected an expression after `and`".
    pub message: String,
    /// Label text, e.g. "expected a path, literal or `(` here".
    pub label: String,
}

impl Expr {
    /// Replace every span in the tree (this node, sub-expressions, identifiers, segments)
    /// with `f(span)`. The lowering uses it to turn string-relative spans into file offsets.
    pub fn rebase_spans(&mut self, f: &mut impl FnMut(RelSpan) -> RelSpan) {
        self.span = f(self.span.clone());
        match &mut self.kind {
            ExprKind::Path(path) => path.rebase_spans(f),
            ExprKind::Literal(_) => {}
            ExprKind::List(items) => items.iter_mut().for_each(|e| e.rebase_spans(f)),
            ExprKind::Unary { operand, .. } => operand.rebase_spans(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.rebase_spans(f);
                rhs.rebase_spans(f);
            }
            ExprKind::Between { value, low, high } => {
                value.rebase_spans(f);
                low.rebase_spans(f);
                high.rebase_spans(f);
            }
            ExprKind::Call { name, args } => {
                name.span = f(name.span.clone());
                args.iter_mut().for_each(|e| e.rebase_spans(f));
            }
            ExprKind::Filter { input, name, args } => {
                input.rebase_spans(f);
                name.span = f(name.span.clone());
                args.iter_mut().for_each(|e| e.rebase_spans(f));
            }
        }
    }

    /// Visit every path in the tree, outermost first, in source order.
    pub fn for_each_path<'a>(&'a self, f: &mut impl FnMut(&'a Path)) {
        match &self.kind {
            ExprKind::Path(path) => f(path),
            ExprKind::Literal(_) => {}
            ExprKind::List(items) => items.iter().for_each(|e| e.for_each_path(f)),
            ExprKind::Unary { operand, .. } => operand.for_each_path(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.for_each_path(f);
                rhs.for_each_path(f);
            }
            ExprKind::Between { value, low, high } => {
                value.for_each_path(f);
                low.for_each_path(f);
                high.for_each_path(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.for_each_path(f)),
            ExprKind::Filter { input, args, .. } => {
                input.for_each_path(f);
                args.iter().for_each(|e| e.for_each_path(f));
            }
        }
    }
}

impl Path {
    /// See [`Expr::rebase_spans`].
    pub fn rebase_spans(&mut self, f: &mut impl FnMut(RelSpan) -> RelSpan) {
        self.span = f(self.span.clone());
        for segment in &mut self.segments {
            match segment {
                Segment::Field(id) => id.span = f(id.span.clone()),
                Segment::Index(_, span) => *span = f(span.clone()),
            }
        }
    }

    /// The first segment's name (always a field).
    #[must_use]
    pub fn head(&self) -> &str {
        self.segments.first().and_then(Segment::name).unwrap_or("")
    }

    /// The path as written in canonical form (`a.b[0]`).
    #[must_use]
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Field(id) => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(&id.name);
                }
                Segment::Index(n, _) => out.push_str(&format!("[{n}]")),
            }
        }
        out
    }
}

impl Template {
    /// See [`Expr::rebase_spans`]; also rebases the holes' spans.
    pub fn rebase_spans(&mut self, f: &mut impl FnMut(RelSpan) -> RelSpan) {
        for part in &mut self.parts {
            match part {
                TemplatePart::Text(_) => {}
                TemplatePart::Expr { expr, span } => {
                    expr.rebase_spans(f);
                    *span = f(span.clone());
                }
                TemplatePart::Invalid { span, .. } => *span = f(span.clone()),
            }
        }
    }
}
