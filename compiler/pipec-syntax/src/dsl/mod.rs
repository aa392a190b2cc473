//! The pipec DSL (`.pipe` files): a front-end that builds the same spanned [`Document`] as
//! the YAML and JSON front-ends, so the native lowering, every check and every diagnostic
//! serve it unchanged. The language is documented for users in `docs/dsl.md`.
//!
//! Three stages, each in its own module:
//!
//! 1. [`scan`]: a brace- and string-aware pre-scan cuts the file into statements and
//!    blocks and reports delimiter problems. It is what makes the parser recover: pest, which
//!    stops at the first error, only ever sees one statement.
//! 2. `parse` (items), `decls`, `settings` and `steps`: each statement is parsed with the
//!    rule of `grammar/pipe.pest` its context and first word select (`grammar` wraps pest;
//!    `fast` reads the commonest statements without it, answering exactly as pest would),
//!    into the syntax tree of [`ast`], which keeps every span and every comment. A statement
//!    that fails is one P0020 and is kept as invalid.
//! 3. `desugar` and `desugar_steps` (through `tree`): the syntax tree becomes a
//!    native-format [`Document`], key nodes spanning the DSL keyword or name that stands for
//!    them, value nodes spanning their text.
//!
//! Expressions, types and template strings are not parsed here: they reach the native
//! lowering as strings with exact spans, and are parsed there by the same expression and
//! type parsers as YAML's.
//!
//! **Invariant:** after lowering, nothing tells a pipeline written in the DSL from one
//! written in YAML or JSON; only the spans point into different text.

pub mod ast;
mod decls;
mod desugar;
mod desugar_steps;
mod fast;
pub mod from_document;
mod grammar;
mod keywords;
mod parse;
pub mod print;
pub mod scan;
mod settings;
mod steps;
mod strings;
mod tree;
mod values;

#[cfg(test)]
mod tests;

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

use crate::Parsed;
use crate::node::Document;

/// Parse `.pipe` text into the native document. Never panics; see [`Parsed`].
#[must_use]
pub fn parse_pipe(file: FileId, text: &str) -> Parsed {
    let (ast, mut diagnostics) = parse_ast(file, text);
    if ast.items.is_empty() && diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::P0001, Span::new(file, 0, 0), "file is empty")
                .with_primary_label("no declarations here")
                .with_help(
                    "a `.pipe` file starts with `pipeline NAME`, such as `pipeline code_review`",
                ),
        );
        return Parsed {
            document: None,
            diagnostics,
        };
    }
    let document = to_document(file, text, &ast, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    Parsed {
        document: Some(document),
        diagnostics,
    }
}

/// Parse `.pipe` text into its syntax tree (for tools that work on the DSL itself, such as
/// a formatter), with the syntax diagnostics.
#[must_use]
pub fn parse_ast(file: FileId, text: &str) -> (ast::PipeFile, Vec<Diagnostic>) {
    parse_ast_with(file, text, true)
}

/// [`parse_ast`] with pest alone, without the fast paths for common statements: the
/// reference the fast paths are tested (and fuzzed) against. Both give the same tree and
/// the same diagnostics on every input.
#[must_use]
pub fn parse_ast_by_pest(file: FileId, text: &str) -> (ast::PipeFile, Vec<Diagnostic>) {
    parse_ast_with(file, text, false)
}

fn parse_ast_with(file: FileId, text: &str, fast_paths: bool) -> (ast::PipeFile, Vec<Diagnostic>) {
    let outline = scan::scan(file, text);
    let mut reader = parse::Reader {
        file,
        source: text,
        diagnostics: outline.diagnostics,
        fast_paths,
    };
    let items = reader.items(&outline.stmts);
    let comments = outline
        .comments
        .iter()
        .map(|c| ast::Comment {
            span: c.span,
            doc: c.doc,
        })
        .collect();
    (ast::PipeFile { items, comments }, reader.diagnostics)
}

/// Desugar a syntax tree into the native document.
fn to_document(
    file: FileId,
    text: &str,
    ast: &ast::PipeFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Document {
    let mut tree = tree::Tree::new(file);
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    let root = desugar::desugar(&mut tree, ast, len);
    tree.doc.set_root(root);
    diagnostics.append(&mut tree.diagnostics);
    tree.doc
}
