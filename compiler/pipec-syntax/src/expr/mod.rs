//! The template and condition expression language. Its grammar is `grammar/expr.pest` at the
//! repository root; [`parse_expr`] parses one expression (a condition), [`parse_template`]
//! splits a string into text and `{{ expr }}` holes and parses each hole.

mod ast;
mod parse;
mod print;

pub use ast::*;
pub use parse::{parse_expr, parse_template};
