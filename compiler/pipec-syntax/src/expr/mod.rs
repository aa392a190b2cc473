//! The template and condition expression language. Its grammar is `grammar/expr.pest` at the
//! repository root; [`parse_expr`] parses one expression (a condition), [`parse_template`]
//! splits a string into text and `{{ expr }}` holes and parses each hole.

mod ast;
mod parse;
mod print;

pub use ast::*;
pub use parse::{parse_expr, parse_template};

/// The built-in functions of the native expression language, callable as `f(x)` or as a
/// filter `x | f`. The checker accepts exactly these names; `pipec-eval` implements each.
pub const FUNCTIONS: &[&str] = &[
    "length",
    "join",
    "json",
    "lower",
    "upper",
    "trim",
    "default",
    "first",
    "last",
    "keys",
    "values",
    "round",
    "floor",
    "ceil",
    "min",
    "max",
    "abs",
    "sum",
    "contains",
    "startsWith",
    "endsWith",
    "split",
    "replace",
    "to_int",
    "to_float",
    "to_str",
    "sort",
    "unique",
    "slice",
    "isEmpty",
];
