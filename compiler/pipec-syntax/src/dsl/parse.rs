//! Reading the scanned statements into the syntax tree: each statement's first word picks
//! its grammar rule, pest parses it, and the pairs become [`ast`](super::ast) nodes.
//!
//! A statement that does not parse is reported (P0020) and kept as
//! [`Invalid`](super::ast::Invalid), with the keyword and name it declares when those
//! could still be read, so that the desugaring can leave a placeholder and later references
//! to it do not fail too. An unknown first word is P0023 (with "did you mean"), a
//! statement that belongs elsewhere P0024. Declarations are read in [`super::decls`],
//! settings in [`super::settings`], step statements in [`super::steps`].

use pest::iterators::Pair;
use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

use super::ast::{Docs, Ident, Invalid, Item, ItemKind};
use super::grammar::{Piece, Rule};
use super::keywords::{ITEM_KEYWORDS, ROLES, STEP_KEYS, first_word};
use super::scan::Stmt;
use super::values::{Values, docs_from};

/// Reads statements of one file.
pub(crate) struct Reader<'a> {
    pub file: FileId,
    pub source: &'a str,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the pest-free fast paths of [`super::fast`] may answer (off only to check
    /// them against pest).
    pub fast_paths: bool,
}

impl<'a> Reader<'a> {
    pub fn piece(&self, span: Span) -> Piece<'a> {
        Piece::new(self.source, span)
    }

    pub fn values(&mut self, piece: Piece<'a>) -> Values<'_, 'a> {
        Values {
            piece,
            diagnostics: &mut self.diagnostics,
        }
    }

    /// Parse a statement with `rule`; on failure report it and return `None`.
    pub fn parse(
        &mut self,
        piece: Piece<'a>,
        rule: Rule,
        help: Option<&str>,
    ) -> Option<Pair<'a, Rule>> {
        match piece.parse(rule, help) {
            Ok(pair) => Some(pair),
            Err(diagnostic) => {
                self.diagnostics.push(*diagnostic);
                None
            }
        }
    }

    /// The doc comment the scan attached to a statement.
    pub fn docs(&self, stmt: &Stmt) -> Option<Docs> {
        if stmt.docs.is_empty() {
            return None;
        }
        let lines: Vec<&str> = stmt
            .docs
            .iter()
            .map(|s| {
                self.source
                    .get(s.start as usize..s.end as usize)
                    .unwrap_or("")
            })
            .collect();
        docs_from(&stmt.docs, &lines)
    }

    /// P0027 for a doc comment on something that has no description.
    pub fn unused_docs(&mut self, docs: Option<&Docs>, what: &str) {
        if let Some(docs) = docs {
            self.diagnostics.push(
                Diagnostic::new(Code::P0027, docs.span, "doc comment documents nothing")
                    .with_primary_label(format!("{what} has no description"))
                    .with_help("write `//` for a plain comment"),
            );
        }
    }

    /// P0020 for a block after a statement that takes none.
    pub fn no_block(&mut self, stmt: &Stmt, what: &str) {
        if let Some(block) = &stmt.block {
            let open = Span::new(self.file, block.span.start, block.span.start + 1);
            self.diagnostics.push(
                Diagnostic::new(Code::P0020, open, format!("{what} takes no `{{ }}` block"))
                    .with_primary_label("unexpected block")
                    .with_help("remove the block, or move its contents where they belong"),
            );
        }
    }

    /// An invalid statement, with the keyword and name it starts with when both are there.
    pub fn invalid(&self, stmt: &Stmt) -> Invalid {
        let text = self.piece(stmt.span).text;
        let keyword = first_word(text);
        let after = text.get(keyword.len()..).unwrap_or("");
        let gap = after.len() - after.trim_start().len();
        let name = first_word(after.trim_start());
        let salvaged = (!keyword.is_empty() && !name.is_empty() && gap > 0).then(|| {
            let at = |offset: usize, len: usize| {
                let start = stmt.span.start + u32::try_from(offset).unwrap_or(0);
                Span::new(self.file, start, start + u32::try_from(len).unwrap_or(0))
            };
            (
                Ident {
                    text: keyword.to_owned(),
                    span: at(0, keyword.len()),
                },
                Ident {
                    text: name.to_owned(),
                    span: at(keyword.len() + gap, name.len()),
                },
            )
        });
        Invalid {
            span: stmt.span,
            salvaged,
        }
    }

    /// The items of a file or of an inline pipeline.
    pub fn items(&mut self, stmts: &[Stmt]) -> Vec<Item> {
        let mut items = Vec::with_capacity(stmts.len());
        for stmt in stmts {
            let docs = self.docs(stmt);
            let kind = if stmt.skipped {
                ItemKind::Invalid(self.invalid(stmt))
            } else {
                self.item(stmt, docs.as_ref())
            };
            items.push(Item {
                docs,
                span: stmt.full_span(),
                kind,
            });
        }
        items
    }

    fn item(&mut self, stmt: &Stmt, docs: Option<&Docs>) -> ItemKind {
        let piece = self.piece(stmt.span);
        let word = first_word(piece.text);
        let read = match word {
            "pipeline" => self.pipeline(stmt, piece),
            "type" => self.type_decl(stmt, piece),
            "enum" => self.enum_decl(stmt, piece),
            "signature" => self.signature(stmt, piece),
            "model" => self.model(stmt, piece, docs),
            "limits" | "defaults" => self.config(stmt, piece, word, docs),
            "input" => self.input(stmt, piece, docs),
            "output" => self.output(stmt, piece),
            "step" => self.step(stmt, piece, docs).map(ItemKind::Step),
            _ => {
                let suggestion = self.unknown_item(stmt, piece, word);
                // Read on as the declaration it most likely is, so that what it declares
                // still stands in (a misspelled `stpe` is still a step).
                let mut invalid = self.invalid(stmt);
                if let (Some(keyword), Some((written, _))) = (suggestion, &mut invalid.salvaged) {
                    written.text = keyword.to_owned();
                } else {
                    invalid.salvaged = None;
                }
                Some(ItemKind::Invalid(invalid))
            }
        };
        read.unwrap_or_else(|| ItemKind::Invalid(self.invalid(stmt)))
    }

    /// P0023 or P0024 for a statement that is not a declaration; the declaration keyword
    /// it is a misspelling of, if any.
    fn unknown_item(&mut self, stmt: &Stmt, piece: Piece<'a>, word: &str) -> Option<&'static str> {
        if piece.text.is_empty() {
            let open = stmt.block.as_ref().map_or(stmt.span, |b| b.span);
            let open = Span::new(self.file, open.start, open.start + 1);
            self.diagnostics.push(
                Diagnostic::new(Code::P0020, open, "a block with no statement before it")
                    .with_primary_label("this `{` opens nothing")
                    .with_help("put the block after the statement it belongs to, such as `type Issue { ... }`"),
            );
            return None;
        }
        // A statement that starts with no word starts with some other character: point at it.
        let len = if word.is_empty() {
            piece.text.chars().next().map_or(0, char::len_utf8)
        } else {
            word.len()
        };
        let span = piece.range(0, len);
        let in_steps = STEP_KEYS.contains(&word)
            || ROLES.contains(&word)
            || ["case", "filter", "sort", "take"].contains(&word);
        let suggestion = if in_steps {
            None
        } else {
            pipec_diagnostics::did_you_mean(word, ITEM_KEYWORDS.iter().copied())
        };
        let diagnostic = if in_steps {
            Diagnostic::new(
                Code::P0024,
                span,
                format!("`{word}` cannot appear at the top level of a pipeline"),
            )
            .with_primary_label("this belongs inside a step")
            .with_help(format!(
                "move it into the `{{ }}` block of the step it applies to, such as `step analyze = predict analyze(...) {{ {word} ... }}`"
            ))
        } else {
            let help = suggestion.map(|k| format!("did you mean `{k}`?")).unwrap_or_else(|| {
                "a pipeline file is made of `pipeline`, `input`, `output`, `type`, `enum`, `signature`, `model`, `limits`, `defaults` and `step` declarations".to_owned()
            });
            let shown = if word.is_empty() {
                piece
                    .text
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default()
            } else {
                word.to_owned()
            };
            Diagnostic::new(Code::P0023, span, format!("unknown declaration `{shown}`"))
                .with_primary_label("not a declaration")
                .with_help(help)
        };
        self.diagnostics.push(diagnostic);
        suggestion
    }
}
