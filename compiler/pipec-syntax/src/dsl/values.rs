//! Turning the pairs of values, fields and raw text into the syntax tree: string literals
//! (decoded, with escape errors), numbers, words, lists, inline maps, fields with their
//! constraints and defaults, and the raw text of expressions and types.

use pest::iterators::Pair;
use pipec_diagnostics::{Code, Diagnostic};

use super::ast::{Docs, Field, Ident, Raw, StrForm, StrLit, Value};
use super::grammar::{Piece, Rule};
use super::strings::{StringError, decode_block, decode_quoted};

/// Converts the pairs of one piece; errors go to `diagnostics`.
pub(crate) struct Values<'p, 'a> {
    pub piece: Piece<'a>,
    pub diagnostics: &'p mut Vec<Diagnostic>,
}

impl Values<'_, '_> {
    /// A name, keyword or kind pair.
    pub fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            text: pair.as_str().to_owned(),
            span: self.piece.span(pair),
        }
    }

    /// Raw text (an expression or a type), without surrounding blanks.
    pub fn raw(&self, pair: &Pair<'_, Rule>) -> Raw {
        let text = pair.as_str();
        let start = pair.as_span().start() + (text.len() - text.trim_start().len());
        let trimmed = text.trim();
        Raw {
            text: trimmed.to_owned(),
            span: self.piece.range(start, start + trimmed.len()),
        }
    }

    /// A `string` or `text_block` pair, decoded. A literal with a bad escape is reported and
    /// kept with its raw text, so the statement still counts.
    pub fn string(&mut self, pair: &Pair<'_, Rule>) -> StrLit {
        let raw = pair.as_str();
        let start = pair.as_span().start();
        let (decoded, form) = if pair.as_rule() == Rule::text_block {
            (decode_block(raw), StrForm::Block)
        } else {
            (decode_quoted(raw), StrForm::Quoted)
        };
        let value = match decoded {
            Ok(value) => value,
            Err(error) => {
                self.string_error(start, error);
                raw.trim_matches('"').to_owned()
            }
        };
        StrLit {
            value,
            span: self.piece.span(pair),
            form,
        }
    }

    fn string_error(&mut self, start: usize, error: StringError) {
        let span = self
            .piece
            .range(start + error.range.start, start + error.range.end);
        self.diagnostics.push(
            Diagnostic::new(Code::P0020, span, error.message)
                .with_primary_label(error.label)
                .with_help_opt(error.help),
        );
    }

    /// A value pair (`value` is silent, so this is one of its alternatives).
    pub fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.piece.span(&pair);
        match pair.as_rule() {
            Rule::string | Rule::text_block => Value::Str(self.string(&pair)),
            Rule::number => number(pair.as_str(), span),
            Rule::boolean => Value::Bool(pair.as_str() == "true", span),
            Rule::null => Value::Null(span),
            Rule::list => Value::List(
                pair.into_inner()
                    .filter(is_value)
                    .map(|p| self.value(p))
                    .collect(),
                span,
            ),
            Rule::map => {
                let mut entries = Vec::new();
                for entry in pair.into_inner() {
                    let mut parts = entry.into_inner();
                    let (Some(key), Some(value)) = (parts.next(), parts.find(is_value)) else {
                        continue;
                    };
                    let key = if key.as_rule() == Rule::string {
                        let lit = self.string(&key);
                        Ident {
                            text: lit.value,
                            span: lit.span,
                        }
                    } else {
                        self.ident(&key)
                    };
                    entries.push((key, self.value(value)));
                }
                Value::Map(entries, span)
            }
            Rule::expression | Rule::arg_expression => Value::Raw(self.raw(&pair)),
            _ => Value::Word(self.ident(&pair)),
        }
    }

    /// A `field` pair, with the doc comments before it (`docs`, from the scan or from
    /// `doc` pairs).
    pub fn field(&mut self, pair: Pair<'_, Rule>, docs: Option<Docs>) -> Option<Field> {
        let span = self.piece.span(&pair);
        let mut parts = pair.into_inner();
        let name = self.ident(&parts.next()?);
        let mut field = Field {
            docs,
            name,
            ty: None,
            constraints: Vec::new(),
            default: None,
            span,
        };
        for part in parts {
            match part.as_rule() {
                Rule::type_text => field.ty = Some(self.raw(&part)),
                Rule::constraints => {
                    for constraint in part
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::constraint)
                    {
                        let mut kv = constraint.into_inner();
                        let (Some(key), Some(value)) = (kv.next(), kv.find(is_value)) else {
                            continue;
                        };
                        let key = self.ident(&key);
                        let value = self.value(value);
                        field.constraints.push((key, value));
                    }
                }
                Rule::default => {
                    if let Some(value) = part.into_inner().find(is_value) {
                        field.default = Some(self.value(value));
                    }
                }
                _ => {}
            }
        }
        Some(field)
    }

    /// The doc comment of `doc` pairs (inside a signature's parentheses).
    pub fn docs_of(&self, pairs: &[Pair<'_, Rule>]) -> Option<Docs> {
        let spans: Vec<_> = pairs.iter().map(|p| self.piece.span(p)).collect();
        let texts: Vec<&str> = pairs.iter().map(|p| p.as_str()).collect();
        docs_from(&spans, &texts)
    }
}

/// Whether a pair is a value (and not punctuation or the end of input).
pub fn is_value(pair: &Pair<'_, Rule>) -> bool {
    !matches!(
        pair.as_rule(),
        Rule::eq
            | Rule::colon
            | Rule::comma
            | Rule::lparen
            | Rule::rparen
            | Rule::arrow
            | Rule::EOI
    )
}

/// A number: an integer when it is one and fits, else a float.
fn number(text: &str, span: pipec_diagnostics::Span) -> Value {
    if !text.contains(['.', 'e', 'E'])
        && let Ok(n) = text.parse::<i64>()
    {
        return Value::Int(n, span);
    }
    match text.parse::<f64>() {
        Ok(f) => Value::Float(f, span),
        Err(_) => Value::Word(Ident {
            text: text.to_owned(),
            span,
        }),
    }
}

/// Join doc comment lines (`/// text`, one per span) into [`Docs`].
pub fn docs_from(spans: &[pipec_diagnostics::Span], lines: &[&str]) -> Option<Docs> {
    let (first, last) = (spans.first()?, spans.last()?);
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let body = line.strip_prefix("///").unwrap_or(line);
        let body = body.strip_prefix(' ').unwrap_or(body);
        text.push_str(body.trim_end());
    }
    Some(Docs {
        text,
        span: first.to(*last),
    })
}
