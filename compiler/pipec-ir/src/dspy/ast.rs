//! The Python expressions of a signature: the nodes DSPy's `_parse_type_node` looks at
//! are kept whole; every other node (a list display, a unary minus, a lambda, ...) is
//! kept only by name, because DSPy rejects it as a type and never evaluates defaults.

use std::ops::Range;

use crate::ir::LiteralValue;

/// An expression with its byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub range: Range<usize>,
}

/// The expression nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `int`, `Optional` (NFKC-normalised).
    Name(String),
    /// `3`, `'a'`, `None`, `True`, `...` (adjacent strings already joined).
    Constant(LiteralValue),
    /// `value.attr`.
    Attribute(Box<Expr>, String),
    /// `value[slice]`.
    Subscript(Box<Expr>, Box<Expr>),
    /// `a, b` (in a subscript, or parenthesised).
    Tuple(Vec<Expr>),
    /// `a | b`.
    BitOr(Box<Expr>, Box<Expr>),
    /// `func(...)`; the arguments are checked but not kept.
    Call(Box<Expr>),
    /// Any other node, by its Python AST name (`List`, `UnaryOp`, `Lambda`, ...).
    Other(&'static str),
}

impl Expr {
    /// A node at a range.
    #[must_use]
    pub fn new(kind: ExprKind, range: Range<usize>) -> Expr {
        Expr { kind, range }
    }

    /// An opaque node.
    #[must_use]
    pub fn other(name: &'static str, range: Range<usize>) -> Expr {
        Expr::new(ExprKind::Other(name), range)
    }
}

/// One parameter of the parameter list.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name (NFKC-normalised) and its range.
    pub name: (String, Range<usize>),
    /// The annotation after `:`.
    pub annotation: Option<Expr>,
    /// Where DSPy puts it: only `Positional` parameters become fields.
    pub kind: ParamKind,
}

/// The kinds of parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Before a `/`: dropped by DSPy.
    PositionalOnly,
    /// An ordinary parameter: a field.
    Positional,
    /// After `*` or `*args`: dropped.
    KeywordOnly,
    /// `*args` or `**kwargs`: dropped.
    Variadic,
}
