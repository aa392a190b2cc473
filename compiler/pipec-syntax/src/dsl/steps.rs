//! Reading step statements: the step line (`step ID = KIND ...`, whose tail is read by a
//! rule chosen by the kind) and the statements of its block (settings, nested steps, branch
//! cases, an inline signature or pipeline, chat messages, transform operations).

use pest::iterators::Pair;
use pipec_diagnostics::{Code, Diagnostic, did_you_mean};

use super::ast::{
    Args, Case, Default, Docs, Ident, InlineSignature, InlineSignatureDef, Invalid, Item, ItemKind,
    Message, Op, OpArg, PipelineDecl, StepDecl, StepHead, StepStmt,
};
use super::grammar::{Piece, Rule};
use super::keywords::{HeadForm, ITEM_KEYWORDS, OPS, ROLES, STEP_KEYS, first_word};
use super::parse::Reader;
use super::scan::Stmt;
use super::values::is_value;

const STEP_HELP: &str = "a step reads `step NAME = KIND ...`, such as `step analyze = predict analyze(code = inputs.code)`";

impl<'a> Reader<'a> {
    /// A `step` statement with its block; `None` (reported) when its line does not parse.
    pub fn step(&mut self, stmt: &Stmt, piece: Piece<'a>, docs: Option<&Docs>) -> Option<StepDecl> {
        let fast = if self.fast_paths {
            super::fast::step_head(&piece)
        } else {
            None
        };
        let head = match fast {
            Some((keyword, id, kind, tail)) => Some((keyword.span, id, kind, tail)),
            None => self.step_head_by_pest(piece),
        };
        let Some((keyword, id, kind, tail)) = head else {
            self.discard_body(stmt);
            return None;
        };
        let tail_piece = piece.tail(tail);
        let form = HeadForm::of(&kind.text);
        let Some(head) = self.head(form, tail_piece) else {
            self.discard_body(stmt);
            return None;
        };
        let body = match &stmt.block {
            Some(block) => block
                .stmts
                .iter()
                .map(|s| self.step_stmt(s, form, &kind.text))
                .collect(),
            None => Vec::new(),
        };
        Some(StepDecl {
            docs: docs.cloned(),
            span: stmt.full_span(),
            keyword,
            id,
            kind,
            head,
            body,
            block: stmt.block.as_ref().map(|b| b.span),
        })
    }

    /// `step ID = KIND` by pest: the keyword's span, the id, the kind and where the tail
    /// starts.
    fn step_head_by_pest(
        &mut self,
        piece: Piece<'a>,
    ) -> Option<(pipec_diagnostics::Span, Ident, Ident, usize)> {
        let pair = self.parse(piece, Rule::step_item, Some(STEP_HELP))?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let values = self.values(piece);
        let id = values.ident(&parts.next()?);
        let kind = values.ident(&parts.find(|p| p.as_rule() == Rule::kind)?);
        let tail = parts.find(|p| p.as_rule() == Rule::step_tail)?;
        Some((keyword, id, kind, tail.as_span().start()))
    }

    /// Read a broken step's block anyway, so its own syntax errors are reported too.
    fn discard_body(&mut self, stmt: &Stmt) {
        if let Some(block) = &stmt.block {
            for inner in &block.stmts {
                let _ = self.step_stmt(inner, HeadForm::Unknown, "");
            }
        }
    }

    /// What follows the kind.
    fn head(&mut self, form: HeadForm, piece: Piece<'a>) -> Option<StepHead> {
        let (rule, help) = match form {
            HeadForm::Call => (
                Rule::call_tail,
                "a signature call reads `SIGNATURE(input = value, ...)`, such as `analyze(code = inputs.code)`",
            ),
            HeadForm::Prompt => (
                Rule::prompt_tail,
                "an llm step takes its prompt as a string: `llm \"Summarize {{ inputs.doc }}\"`",
            ),
            HeadForm::File => (
                Rule::pipeline_tail,
                "a pipeline call reads `pipeline \"file.pipe\"(input = value, ...)`",
            ),
            HeadForm::Set => (Rule::set_tail, "a set step reads `set(name = value, ...)`"),
            HeadForm::Input => (Rule::expr_tail, "a transform reads `transform EXPRESSION`"),
            HeadForm::Map => (
                Rule::map_tail,
                "a map step reads `map ITEM in LIST`, such as `map issue in steps.analyze.issues`",
            ),
            HeadForm::Loop => (
                Rule::loop_tail,
                "a loop step reads `loop until CONDITION` or `loop while CONDITION`",
            ),
            HeadForm::Empty => (
                Rule::empty_tail,
                "a branch step takes its cases in its block: `branch { case CONDITION { ... } }`",
            ),
            HeadForm::Unknown => return Some(StepHead::Empty),
        };
        if form == HeadForm::Prompt
            && self.fast_paths
            && let Some(lit) = super::fast::simple_string(&piece)
        {
            return Some(StepHead::Prompt(Some(super::ast::Value::Str(lit))));
        }
        let pair = self.parse(piece, rule, Some(help))?;
        let parts: Vec<Pair<'a, Rule>> = pair
            .into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .collect();
        Some(match form {
            HeadForm::Call => {
                let mut signature = None;
                let mut args = None;
                for part in parts {
                    match part.as_rule() {
                        Rule::args => args = Some(self.args(piece, part)),
                        _ => signature = Some(self.values(piece).value(part)),
                    }
                }
                StepHead::Call { signature, args }
            }
            HeadForm::Prompt => {
                let mut values = self.values(piece);
                StepHead::Prompt(parts.into_iter().next().map(|p| values.value(p)))
            }
            HeadForm::File => {
                let mut path = None;
                let mut args = None;
                for part in parts {
                    match part.as_rule() {
                        Rule::args => args = Some(self.args(piece, part)),
                        _ => path = Some(self.values(piece).string(&part)),
                    }
                }
                StepHead::File { path, args }
            }
            HeadForm::Set => StepHead::Set(parts.into_iter().next().map(|p| self.args(piece, p))),
            HeadForm::Input => StepHead::Input(parts.first().map(|p| self.values(piece).raw(p))),
            HeadForm::Map => {
                let values = self.values(piece);
                let mut var = None;
                let mut name = None;
                let mut over = None;
                for part in &parts {
                    match part.as_rule() {
                        Rule::name => name = Some(values.ident(part)),
                        Rule::kw_in => var = name.take().map(|n| (n, piece.span(part))),
                        _ => over = Some(values.raw(part)),
                    }
                }
                StepHead::Map { var, over }
            }
            HeadForm::Loop => {
                let values = self.values(piece);
                let keyword = parts.first().map(|p| values.ident(p));
                let condition = parts.get(1).map(|p| values.raw(p));
                StepHead::Loop(keyword.zip(condition))
            }
            HeadForm::Empty | HeadForm::Unknown => StepHead::Empty,
        })
    }

    /// An `args` pair: `(name = value, ...)`.
    fn args(&mut self, piece: Piece<'a>, pair: Pair<'a, Rule>) -> Args {
        let span = piece.span(&pair);
        let mut values = self.values(piece);
        let mut bindings = Vec::new();
        for binding in pair.into_inner().filter(|p| p.as_rule() == Rule::binding) {
            let mut kv = binding.into_inner();
            let (Some(name), Some(value)) = (kv.next(), kv.find(is_value)) else {
                continue;
            };
            let name = values.ident(&name);
            bindings.push((name, values.value(value)));
        }
        Args { span, bindings }
    }

    /// One statement of a step's block. `form` is the step's head form, `kind` its kind as
    /// written (for messages).
    fn step_stmt(&mut self, stmt: &Stmt, form: HeadForm, kind: &str) -> StepStmt {
        if stmt.skipped {
            return StepStmt::Invalid(self.invalid(stmt));
        }
        let piece = self.piece(stmt.span);
        let word = first_word(piece.text);
        let read = match word {
            "step" if form.has_body() => {
                let docs = self.docs(stmt);
                self.step(stmt, piece, docs.as_ref()).map(StepStmt::Step)
            }
            "case" if form.has_cases() => self.case(stmt, piece),
            "default" if form.has_cases() => self.default(stmt),
            "step" | "case" | "default" => Some(self.misplaced_in_step(stmt, piece, word, kind)),
            "signature" => self.inline_signature(stmt, piece),
            "pipeline" => self.inline_pipeline(stmt, piece),
            _ if ROLES.contains(&word) => {
                if form.has_messages() {
                    self.message(stmt)
                } else {
                    Some(self.misplaced_in_step(stmt, piece, word, kind))
                }
            }
            _ if form == HeadForm::Input && is_op(word) => self.op(stmt, piece),
            _ if declares_item(word, piece.text, stmt, form) => {
                Some(self.misplaced_in_step(stmt, piece, word, kind))
            }
            _ => self
                .setting(stmt, Reader::setting_rule(word))
                .map(StepStmt::Setting),
        };
        read.unwrap_or_else(|| StepStmt::Invalid(self.invalid(stmt)))
    }

    /// P0024 for a statement that does not belong in this step's block; it is dropped
    /// (without a placeholder: what it declares belongs elsewhere).
    fn misplaced_in_step(
        &mut self,
        stmt: &Stmt,
        piece: Piece<'a>,
        word: &str,
        kind: &str,
    ) -> StepStmt {
        let span = piece.range(0, word.len());
        let (label, help) = match word {
            "step" => (
                "only `map` and `loop` steps hold nested steps",
                "move this step out of the block, after the step it was in".to_owned(),
            ),
            "case" | "default" => (
                "cases belong to `branch` steps",
                "make the step `step NAME = branch { case CONDITION { ... } }`".to_owned(),
            ),
            _ if ROLES.contains(&word) => (
                "chat messages belong to `llm` steps",
                format!("a `{kind}` step does not take a prompt"),
            ),
            _ => (
                "declarations belong at the top level of a pipeline",
                "move it out of the step, to the top level of the file (or of an inline `pipeline { ... }`)"
                    .to_owned(),
            ),
        };
        let what = if kind.is_empty() {
            "this step".to_owned()
        } else {
            format!("this `{kind}` step")
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::P0024,
                span,
                format!("`{word}` cannot appear in {what}"),
            )
            .with_primary_label(label)
            .with_help(help),
        );
        StepStmt::Invalid(Invalid {
            span: stmt.span,
            salvaged: None,
        })
    }

    /// A `case`. One whose line does not parse keeps its steps, under a condition that
    /// never holds, so they are still checked and references to them still resolve.
    fn case(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<StepStmt> {
        let docs = self.docs(stmt);
        self.unused_docs(docs.as_ref(), "a case");
        let parsed = self.parse(
            piece,
            Rule::case_stmt,
            Some("a case reads `case CONDITION { steps }`"),
        );
        let Some(block) = &stmt.block else {
            if parsed.is_some() {
                self.missing_case_block(stmt);
            }
            return None;
        };
        let (keyword, condition) = match parsed {
            Some(pair) => {
                let mut parts = pair.into_inner();
                let keyword = piece.span(&parts.next()?);
                (keyword, Some(self.values(piece).raw(&parts.next()?)))
            }
            None => (piece.range(0, "case".len().min(piece.text.len())), None),
        };
        let body = block
            .stmts
            .iter()
            .map(|s| self.step_stmt(s, HeadForm::Map, "case"))
            .collect();
        Some(StepStmt::Case(Case {
            keyword,
            condition,
            body,
            block: block.span,
        }))
    }

    fn missing_case_block(&mut self, stmt: &Stmt) {
        let end = pipec_diagnostics::Span::new(self.file, stmt.span.end, stmt.span.end);
        self.diagnostics.push(
            Diagnostic::new(Code::P0020, end, "a case needs a `{ }` block of steps")
                .with_primary_label("expected `{` here")
                .with_help("write `case CONDITION { step ... }`"),
        );
    }

    fn default(&mut self, stmt: &Stmt) -> Option<StepStmt> {
        let docs = self.docs(stmt);
        self.unused_docs(docs.as_ref(), "a default case");
        let piece = self.piece(stmt.span);
        let pair = self.parse(
            piece,
            Rule::default_stmt,
            Some("a branch's default reads `default { steps }`"),
        )?;
        let keyword = piece.span(&pair.into_inner().next()?);
        let Some(block) = stmt.block.as_ref() else {
            self.missing_case_block(stmt);
            return None;
        };
        let body = block
            .stmts
            .iter()
            .map(|s| self.step_stmt(s, HeadForm::Map, "default"))
            .collect();
        Some(StepStmt::Default(Default {
            keyword,
            body,
            block: block.span,
        }))
    }

    fn inline_signature(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<StepStmt> {
        self.no_block(stmt, "a signature");
        let docs = self.docs(stmt);
        let pair = self.parse(
            piece,
            Rule::signature_stmt,
            Some("a step's own signature reads `signature (inputs) -> (outputs)`, `signature \"inputs -> outputs\"` or `signature NAME`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let def = parts.next()?;
        let def = if def.as_rule() == Rule::signature_fields {
            InlineSignatureDef::Def(self.signature_def(piece, def))
        } else {
            InlineSignatureDef::Ref(self.values(piece).value(def))
        };
        if matches!(def, InlineSignatureDef::Ref(_)) {
            self.unused_docs(docs.as_ref(), "a signature reference");
        }
        Some(StepStmt::Signature(InlineSignature {
            keyword,
            docs: if matches!(def, InlineSignatureDef::Def(_)) {
                docs
            } else {
                None
            },
            def,
        }))
    }

    fn inline_pipeline(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<StepStmt> {
        let docs = self.docs(stmt);
        if stmt.block.is_none() {
            let end = pipec_diagnostics::Span::new(self.file, stmt.span.end, stmt.span.end);
            self.diagnostics.push(
                Diagnostic::new(Code::P0020, end, "an inline pipeline needs a `{ }` block")
                    .with_primary_label("expected `{` here")
                    .with_help("write the callee inline as `pipeline { input ...  step ... }`, or call a file with `step NAME = pipeline \"file.pipe\"(...)`"),
            );
            return None;
        }
        let pair = self.parse(
            piece,
            Rule::pipeline_item,
            Some("an inline pipeline reads `pipeline NAME { items }` (the name is optional)"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let name = parts
            .find(|p| p.as_rule() == Rule::name)
            .map(|p| self.values(piece).ident(&p));
        let body = stmt.block.as_ref().map(|b| self.items(&b.stmts));
        Some(StepStmt::Pipeline(Item {
            docs,
            span: stmt.full_span(),
            kind: ItemKind::Pipeline(PipelineDecl {
                keyword,
                name,
                body,
            }),
        }))
    }

    fn message(&mut self, stmt: &Stmt) -> Option<StepStmt> {
        self.no_block(stmt, "a message");
        let setting = self.setting(stmt, Rule::template_setting)?;
        Some(StepStmt::Message(Message {
            role: setting.key,
            content: setting.value,
        }))
    }

    fn op(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<StepStmt> {
        self.no_block(stmt, "an operation");
        let docs = self.docs(stmt);
        self.unused_docs(docs.as_ref(), "an operation");
        let pair = self.parse(
            piece,
            Rule::op_stmt,
            Some("an operation reads `NAME argument, key = value`, such as `sort score, order = desc`"),
        )?;
        let mut parts = pair.into_inner();
        let mut values = self.values(piece);
        let name: Ident = values.ident(&parts.next()?);
        let mut args = Vec::new();
        for arg in parts.filter(|p| p.as_rule() == Rule::op_arg) {
            let Some(inner) = arg.into_inner().next() else {
                continue;
            };
            let named = inner.as_rule() == Rule::named_arg;
            let mut kv = inner.into_inner();
            if named {
                let (Some(key), Some(value)) = (kv.next(), kv.find(is_value)) else {
                    continue;
                };
                let key = values.ident(&key);
                args.push(OpArg::Named(key, values.value(value)));
            } else if let Some(value) = kv.next() {
                args.push(OpArg::Positional(values.value(value)));
            }
        }
        Some(StepStmt::Op(Op { name, args }))
    }
}

/// Whether a word in a `transform` block names an operation: a known one, or a word that
/// is not close to any step key (a misspelled operation, which the native lowering reports
/// with a suggestion).
fn is_op(word: &str) -> bool {
    OPS.iter().any(|(op, _)| *op == word)
        || (!STEP_KEYS.contains(&word)
            && !ITEM_KEYWORDS.contains(&word)
            && did_you_mean(word, STEP_KEYS).is_none())
}

/// Whether a statement in a step's block is a declaration that belongs elsewhere (`type`,
/// `input NAME: ...` outside a transform, `model NAME = ...`, ...).
fn declares_item(word: &str, text: &str, stmt: &Stmt, form: HeadForm) -> bool {
    match word {
        "type" | "enum" | "output" | "limits" | "defaults" => true,
        "input" => form != HeadForm::Input && form != HeadForm::Unknown,
        "model" => stmt.block.is_some() || text.contains('='),
        _ => false,
    }
}
