//! Reading declarations: `pipeline`, `type` and its fields, `enum`, `signature` (each field
//! of its parentheses parsed on its own, so one bad field costs only that field), `model`,
//! `limits`, `defaults`, `input` and `output`.

use pest::iterators::Pair;
use pipec_diagnostics::{Code, Diagnostic, Span};

use super::ast::{
    ConfigDecl, Docs, EnumDecl, Field, Ident, InputDecl, ItemKind, ModelDecl, OutputDecl,
    PipelineDecl, SignatureDecl, SignatureDef, TypeDecl,
};
use super::grammar::{Piece, Rule};
use super::keywords::first_word;
use super::parse::Reader;
use super::scan::{Block, Stmt};
use super::values::is_value;

impl<'a> Reader<'a> {
    pub(super) fn pipeline(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<ItemKind> {
        let pair = self.parse(
            piece,
            Rule::pipeline_item,
            Some("a pipeline is named with `pipeline NAME`, such as `pipeline code_review`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let name = parts
            .find(|p| p.as_rule() == Rule::name)
            .map(|p| self.values(piece).ident(&p));
        let body = stmt.block.as_ref().map(|b| self.items(&b.stmts));
        Some(ItemKind::Pipeline(PipelineDecl {
            keyword,
            name,
            body,
        }))
    }

    pub(super) fn type_decl(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<ItemKind> {
        let pair = self.parse(
            piece,
            Rule::type_item,
            Some("a record type reads `type NAME { field: type ... }`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let name = self.values(piece).ident(&parts.next()?);
        let Some(block) = &stmt.block else {
            self.missing_block(stmt, "a type", "type Issue { title: str }");
            return Some(ItemKind::Type(TypeDecl {
                keyword,
                name,
                fields: Vec::new(),
            }));
        };
        let fields = self.record_fields(block);
        Some(ItemKind::Type(TypeDecl {
            keyword,
            name,
            fields,
        }))
    }

    /// The fields of a `type` block. A field that does not parse but starts with a name is
    /// kept as `name: Any`, so references to it still resolve.
    fn record_fields(&mut self, block: &Block) -> Vec<Field> {
        let mut fields = Vec::new();
        for stmt in &block.stmts {
            if stmt.skipped {
                continue;
            }
            self.no_block(stmt, "a field");
            let piece = self.piece(stmt.span);
            let docs = self.docs(stmt);
            let Some(pair) = self.parse(
                piece,
                Rule::field_stmt,
                Some("a field reads `name: type`, such as `line: int (ge = 1)`"),
            ) else {
                if let Some(field) = self.salvaged_field(stmt) {
                    fields.push(field);
                }
                continue;
            };
            let mut docs = docs;
            for part in pair.into_inner().filter(|p| p.as_rule() == Rule::field) {
                let field = self.values(piece).field(part, docs.take());
                fields.extend(field);
            }
        }
        fields
    }

    /// `name: Any` for a field statement that failed after its name.
    pub fn salvaged_field(&self, stmt: &Stmt) -> Option<Field> {
        let text = self.piece(stmt.span).text;
        let name = first_word(text);
        let rest = text.get(name.len()..).unwrap_or("").trim_start();
        if name.is_empty() || !rest.starts_with(':') {
            return None;
        }
        let span = Span::new(
            self.file,
            stmt.span.start,
            stmt.span.start + u32::try_from(name.len()).unwrap_or(0),
        );
        Some(Field {
            docs: None,
            name: Ident {
                text: name.to_owned(),
                span,
            },
            ty: Some(super::ast::Raw {
                text: "Any".to_owned(),
                span,
            }),
            constraints: Vec::new(),
            default: None,
            span: stmt.span,
        })
    }

    pub(super) fn enum_decl(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<ItemKind> {
        let pair = self.parse(
            piece,
            Rule::enum_item,
            Some("an enum reads `enum NAME { a, b, c }`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let name = self.values(piece).ident(&parts.next()?);
        let mut values = Vec::new();
        match &stmt.block {
            None => self.missing_block(stmt, "an enum", "enum Severity { low, medium, high }"),
            Some(block) => {
                for inner in &block.stmts {
                    if inner.skipped {
                        continue;
                    }
                    self.no_block(inner, "an enum value");
                    let docs = self.docs(inner);
                    self.unused_docs(docs.as_ref(), "an enum value");
                    let piece = self.piece(inner.span);
                    let Some(pair) = self.parse(
                        piece,
                        Rule::enum_stmt,
                        Some("enum values are names or strings separated by commas, such as `low, medium, high`"),
                    ) else {
                        continue;
                    };
                    let mut reader = self.values(piece);
                    for value in pair.into_inner().filter(is_value) {
                        values.push(reader.value(value));
                    }
                }
            }
        }
        Some(ItemKind::Enum(EnumDecl {
            keyword,
            name,
            values,
        }))
    }

    fn missing_block(&mut self, stmt: &Stmt, what: &str, example: &str) {
        let end = Span::new(self.file, stmt.span.end, stmt.span.end);
        self.diagnostics.push(
            Diagnostic::new(Code::P0020, end, format!("{what} needs a `{{ }}` block"))
                .with_primary_label("expected `{` here")
                .with_help(format!("write it as `{example}`")),
        );
    }

    pub(super) fn signature(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<ItemKind> {
        self.no_block(stmt, "a signature");
        let pair = self.parse(
            piece,
            Rule::signature_item,
            Some("a signature reads `signature NAME(inputs) -> (outputs)` or `signature NAME = \"inputs -> outputs\"`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let name = self.values(piece).ident(&parts.next()?);
        let def = parts.find(|p| matches!(p.as_rule(), Rule::string | Rule::signature_fields))?;
        let def = self.signature_def(piece, def);
        Some(ItemKind::Signature(SignatureDecl { keyword, name, def }))
    }

    /// A `string` (DSPy string form) or `signature_fields` pair.
    pub fn signature_def(&mut self, piece: Piece<'a>, pair: Pair<'a, Rule>) -> SignatureDef {
        if pair.as_rule() == Rule::string {
            return SignatureDef::Text(self.values(piece).string(&pair));
        }
        let mut lists = pair.into_inner().filter(|p| p.as_rule() != Rule::arrow);
        let inputs = lists.next().map(|l| self.params(piece, l));
        let outputs = lists.next().map(|l| self.params(piece, l));
        let empty = || (Vec::new(), piece.range(0, 0));
        SignatureDef::Fields {
            inputs: inputs.unwrap_or_else(empty),
            outputs: outputs.unwrap_or_else(empty),
        }
    }

    /// A `param_list` or `lone_param`: each field parsed on its own, so one bad field costs
    /// only itself (it is kept as `name: Any` when its name can be read).
    fn params(&mut self, piece: Piece<'a>, list: Pair<'a, Rule>) -> (Vec<Field>, Span) {
        let span = piece.span(&list);
        let raws: Vec<Pair<'a, Rule>> = if list.as_rule() == Rule::lone_param {
            vec![list]
        } else {
            list.into_inner()
                .filter(|p| p.as_rule() == Rule::raw_param)
                .collect()
        };
        let mut fields = Vec::with_capacity(raws.len());
        for raw in raws {
            let sub = piece.tail(raw.as_span().start());
            let sub = Piece {
                text: raw.as_str(),
                ..sub
            };
            match self.parse(
                sub,
                Rule::param_entry,
                Some("a field reads `name: type`, such as `question: str`"),
            ) {
                Some(entry) => {
                    let parts: Vec<Pair<'a, Rule>> = entry.into_inner().collect();
                    let docs: Vec<Pair<'a, Rule>> = parts
                        .iter()
                        .filter(|p| p.as_rule() == Rule::doc)
                        .cloned()
                        .collect();
                    let docs = self.values(sub).docs_of(&docs);
                    if let Some(field) = parts.into_iter().find(|p| p.as_rule() == Rule::field) {
                        fields.extend(self.values(sub).field(field, docs));
                    }
                }
                None => {
                    let stmt = Stmt {
                        span: skip_docs(sub),
                        docs: Vec::new(),
                        block: None,
                        skipped: false,
                    };
                    fields.extend(self.salvaged_field(&stmt));
                }
            }
        }
        (fields, span)
    }

    pub(super) fn model(
        &mut self,
        stmt: &Stmt,
        piece: Piece<'a>,
        docs: Option<&Docs>,
    ) -> Option<ItemKind> {
        self.unused_docs(docs, "a model");
        let pair = self.parse(
            piece,
            Rule::model_item,
            Some("a model reads `model NAME = \"provider/model-id\" { settings }`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let name = self.values(piece).ident(&parts.next()?);
        let id = parts
            .find(|p| p.as_rule() == Rule::string)
            .map(|p| self.values(piece).string(&p));
        let settings = match &stmt.block {
            Some(block) => self.settings(block),
            None => Vec::new(),
        };
        Some(ItemKind::Model(ModelDecl {
            keyword,
            name,
            id,
            settings,
        }))
    }

    pub(super) fn config(
        &mut self,
        stmt: &Stmt,
        piece: Piece<'a>,
        word: &str,
        docs: Option<&Docs>,
    ) -> Option<ItemKind> {
        self.unused_docs(docs, &format!("`{word}`"));
        let rule = if word == "limits" {
            Rule::limits_item
        } else {
            Rule::defaults_item
        };
        let pair = self.parse(
            piece,
            rule,
            Some("write the settings in a block: `limits { max_llm_calls 10 }`"),
        )?;
        let keyword = pair.into_inner().next().map(|p| piece.span(&p))?;
        let settings = match &stmt.block {
            Some(block) => self.settings(block),
            None => {
                self.missing_block(
                    stmt,
                    &format!("`{word}`"),
                    &format!("{word} {{ timeout 60 }}"),
                );
                Vec::new()
            }
        };
        let decl = ConfigDecl { keyword, settings };
        Some(if word == "limits" {
            ItemKind::Limits(decl)
        } else {
            ItemKind::Defaults(decl)
        })
    }

    pub(super) fn input(
        &mut self,
        stmt: &Stmt,
        piece: Piece<'a>,
        docs: Option<&Docs>,
    ) -> Option<ItemKind> {
        self.no_block(stmt, "an input");
        let pair = self.parse(
            piece,
            Rule::input_item,
            Some("an input reads `input NAME: type`, or `input NAME: type = default`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let field = parts.find(|p| p.as_rule() == Rule::field)?;
        let field = self.values(piece).field(field, docs.cloned())?;
        Some(ItemKind::Input(InputDecl { keyword, field }))
    }

    pub(super) fn output(&mut self, stmt: &Stmt, piece: Piece<'a>) -> Option<ItemKind> {
        self.no_block(stmt, "an output");
        let pair = self.parse(
            piece,
            Rule::output_item,
            Some("an output reads `output NAME = expression`, such as `output plan = steps.plan.steps`"),
        )?;
        let mut parts = pair.into_inner();
        let keyword = piece.span(&parts.next()?);
        let values = self.values(piece);
        let mut name = None;
        let mut ty = None;
        let mut value = None;
        for part in parts {
            match part.as_rule() {
                Rule::name => name = Some(values.ident(&part)),
                Rule::type_text => ty = Some(values.raw(&part)),
                Rule::expression => value = Some(values.raw(&part)),
                _ => {}
            }
        }
        Some(ItemKind::Output(OutputDecl {
            keyword,
            name: name?,
            ty,
            value: value?,
        }))
    }
}

/// The span of a raw field without the doc comments before it.
fn skip_docs(piece: Piece<'_>) -> Span {
    let mut offset = 0;
    let mut rest = piece.text;
    loop {
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            let line = trimmed.find('\n').unwrap_or(trimmed.len());
            offset += line;
            rest = trimmed.get(line..).unwrap_or("");
        } else {
            let end = offset + trimmed.trim_end().len();
            return piece.range(offset, end);
        }
    }
}
