//! Parser for the expression language: pest (grammar in `grammar/expr.pest`) recognises the
//! text, and this module turns its pairs into the [`Expr`] AST, splits templates into text
//! and `{{ expr }}` holes, and turns pest's failures into short rustc-style [`ExprError`]s.
//!
//! Before pest sees any input, a small lexer scans it once to enforce the nesting and size
//! limits (pest and the tree walk both recurse, and every later pass walks the AST
//! recursively) and to describe tokens in error messages.

use std::ops::Range;

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};

use super::ast::{
    BinaryOp, Expr, ExprError, ExprKind, Ident, Literal, Path, RelSpan, Segment, Template,
    TemplatePart, UnaryOp,
};

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/expr.pest"]
struct ExprParser;

/// Deepest nesting of brackets and prefix operators. Real conditions nest a handful of
/// levels; the bound keeps pest's recursion (about ten rule frames per bracket: 64 levels
/// take about 1 MiB of stack in a debug build, far less in release) and every recursive
/// walk over the AST away from the stack limit.
const MAX_NESTING: usize = 64;

/// Most binary operators and filters in one expression. Left-associative chains become
/// left-deep trees, so this also bounds the AST depth that a flat `a + a + a ...` creates.
const MAX_OPERATORS: usize = 256;

/// Parse one expression (a condition); leading and trailing whitespace is allowed.
pub fn parse_expr(src: &str) -> Result<Expr, ExprError> {
    parse_at(src, 0)
}

/// Split a template into text and `{{ expr }}` holes, parsing each hole. A hole ends at the
/// first `}}` after its `{{`; a `}}` outside holes is text. Holes that do not parse (and an
/// unclosed `{{`, which takes the rest of the string) become [`TemplatePart::Invalid`], with
/// one error each.
#[must_use]
pub fn parse_template(src: &str) -> (Template, Vec<ExprError>) {
    let mut parts = Vec::with_capacity(4);
    let mut errors = Vec::new();
    let mut pos = 0;
    while let Some(open) = find_pair(src, pos, b'{') {
        push_text(&mut parts, slice(src, pos..open));
        let inner_start = open + 2;
        let Some(close) = find_pair(src, inner_start, b'}') else {
            errors.push(ExprError {
                span: rel(open..inner_start),
                message: "unclosed `{{`".to_owned(),
                label: "this `{{` has no matching `}}`".to_owned(),
            });
            parts.push(TemplatePart::Invalid {
                source: slice(src, inner_start..src.len()).to_owned(),
                span: rel(open..src.len()),
            });
            pos = src.len();
            break;
        };
        let end = close + 2;
        let inner = slice(src, inner_start..close);
        let hole = rel(open..end);
        let parsed = if inner.trim().is_empty() {
            Err(ExprError {
                span: hole.clone(),
                message: "empty template expression".to_owned(),
                label: "expected an expression between `{{` and `}}`".to_owned(),
            })
        } else {
            parse_at(inner, inner_start).map_err(|mut error| {
                // An error at the end of the hole points at its `}}`, so that it is visible.
                if error.span.is_empty() && error.span.start == rel(close..close).start {
                    error.span = rel(close..end);
                }
                error
            })
        };
        match parsed {
            Ok(expr) => parts.push(TemplatePart::Expr { expr, span: hole }),
            Err(error) => {
                errors.push(error);
                parts.push(TemplatePart::Invalid {
                    source: inner.to_owned(),
                    span: hole,
                });
            }
        }
        pos = end;
    }
    push_text(&mut parts, slice(src, pos..src.len()));
    (Template { parts }, errors)
}

fn push_text(parts: &mut Vec<TemplatePart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(TemplatePart::Text(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(TemplatePart::Text(text.to_owned()));
    }
}

/// Parse `src`, which starts at byte `base` of the string the spans must be relative to.
fn parse_at(src: &str, base: usize) -> Result<Expr, ExprError> {
    if let Some(expr) = plain_path(src, base).or_else(|| simple_comparison(src, base)) {
        return Ok(expr);
    }
    parse_full(src, base)
}

/// The full pest-driven parse, without the fast paths.
fn parse_full(src: &str, base: usize) -> Result<Expr, ExprError> {
    let b = Builder { base };
    let tokens = lex(src);
    check_limits(&tokens).map_err(|e| b.shift(e))?;
    let pairs = ExprParser::parse(Rule::expr_input, src)
        .map_err(|e| b.shift(translate_error(src, &tokens, &e)))?;
    let Some(expr) = pairs.flatten().find(|pair| pair.as_rule() == Rule::expr) else {
        return Err(b.shift(ExprError {
            span: rel(0..src.len()),
            message: "invalid expression".to_owned(),
            label: "this could not be parsed".to_owned(),
        }));
    };
    b.expr(expr)
}

// --- tree walk ------------------------------------------------------------------------

/// Builds AST nodes from pairs, adding `base` to every span.
struct Builder {
    base: usize,
}

impl Builder {
    fn pos(&self, pos: usize) -> u32 {
        rel(self.base + pos..self.base + pos).start
    }

    fn span(&self, span: pest::Span<'_>) -> RelSpan {
        self.pos(span.start())..self.pos(span.end())
    }

    fn shift(&self, mut error: ExprError) -> ExprError {
        let base = self.pos(0);
        error.span = error.span.start.saturating_add(base)..error.span.end.saturating_add(base);
        error
    }

    fn error(&self, span: pest::Span<'_>, message: &str, label: &str) -> ExprError {
        ExprError {
            span: self.span(span),
            message: message.to_owned(),
            label: label.to_owned(),
        }
    }

    /// The grammar guarantees the shape of every pair; this is what a violated guarantee
    /// becomes instead of a panic.
    fn malformed(&self, span: pest::Span<'_>) -> ExprError {
        self.error(span, "invalid expression", "this could not be parsed")
    }

    /// Dispatch on the rule. Kept tiny, like every function on the recursive path: debug
    /// builds give each temporary its own stack slot, and this recursion runs once per
    /// nesting level.
    fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let pair = skip_single_child_levels(pair);
        match pair.as_rule() {
            Rule::expr | Rule::and_expr | Rule::additive | Rule::multiplicative => {
                self.left_assoc(pair)
            }
            Rule::not_expr | Rule::unary => self.prefix(pair),
            Rule::comparison => self.comparison(pair),
            Rule::filtered => self.filtered(pair),
            Rule::paren => self.paren(pair),
            Rule::list => self.list(pair),
            Rule::call => self.call(pair),
            Rule::path => self.path(pair),
            _ => self.literal(&pair),
        }
    }

    fn paren(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let whole = pair.as_span();
        let inner = pair
            .into_inner()
            .next()
            .ok_or_else(|| self.malformed(whole))?;
        // There is no parenthesis node: the inner expression takes the span of the
        // parentheses so that enclosing spans still cover the whole text.
        let mut expr = self.expr(inner)?;
        expr.span = self.span(whole);
        Ok(expr)
    }

    fn list(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        Ok(Expr {
            span: self.span(pair.as_span()),
            kind: ExprKind::List(self.exprs(pair.into_inner())?),
        })
    }

    fn literal(&self, pair: &Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let literal = match pair.as_rule() {
            Rule::null => Literal::Null,
            Rule::bool_true => Literal::Bool(true),
            Rule::bool_false => Literal::Bool(false),
            Rule::int => Literal::Int(pair.as_str().parse::<i64>().map_err(|_| {
                self.error(
                    pair.as_span(),
                    "integer literal is too large",
                    "integers must fit in 64 bits",
                )
            })?),
            Rule::float => match pair.as_str().parse::<f64>() {
                Ok(value) if value.is_finite() => Literal::Float(value),
                _ => {
                    return Err(self.error(
                        pair.as_span(),
                        "float literal is out of range",
                        "this does not fit in a 64-bit float",
                    ));
                }
            },
            Rule::string => {
                let body = pair.clone().into_inner().next();
                let body = body.ok_or_else(|| self.malformed(pair.as_span()))?;
                Literal::Str(self.unescape(&body)?)
            }
            _ => return Err(self.malformed(pair.as_span())),
        };
        Ok(Expr {
            span: self.span(pair.as_span()),
            kind: ExprKind::Literal(literal),
        })
    }

    /// The expressions among `pairs`, skipping commas and closing delimiters.
    fn exprs(&self, pairs: Pairs<'_, Rule>) -> Result<Vec<Expr>, ExprError> {
        pairs
            .filter(|p| p.as_rule() == Rule::expr)
            .map(|p| self.expr(p))
            .collect()
    }

    /// `operand (op operand)*`, folded to the left.
    fn left_assoc(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let whole = pair.as_span();
        let mut inner = pair.into_inner();
        let first = inner.next().ok_or_else(|| self.malformed(whole))?;
        let mut lhs = self.expr(first)?;
        while let Some(op) = inner.next() {
            let op = binary_op(op.as_rule()).ok_or_else(|| self.malformed(op.as_span()))?;
            let rhs = inner.next().ok_or_else(|| self.malformed(whole))?;
            lhs = binary(op, lhs, self.expr(rhs)?);
        }
        Ok(lhs)
    }

    /// `op* operand`; the operators are a repetition in the grammar, so they are applied
    /// here innermost first without recursion.
    fn prefix(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let whole = pair.as_span();
        let mut ops = Vec::new();
        let mut operand = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::op_not => ops.push((UnaryOp::Not, child.as_span().start())),
                Rule::op_neg => ops.push((UnaryOp::Neg, child.as_span().start())),
                _ => operand = Some(self.expr(child)?),
            }
        }
        let mut expr = operand.ok_or_else(|| self.malformed(whole))?;
        for (op, start) in ops.into_iter().rev() {
            expr = Expr {
                span: self.pos(start)..expr.span.end,
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(expr),
                },
            };
        }
        Ok(expr)
    }

    /// `additive (compare_tail | between_tail)*`: the grammar accepts a chain so that a
    /// second comparison gets a precise error here.
    fn comparison(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let whole = pair.as_span();
        let mut inner = pair.into_inner();
        let first = inner.next().ok_or_else(|| self.malformed(whole))?;
        let value = self.expr(first)?;
        let Some(tail) = inner.next() else {
            return Ok(value);
        };
        if let Some(second) = inner.next() {
            let op = second.into_inner().next().map_or(whole, |op| op.as_span());
            return Err(self.error(
                op,
                "comparison operators cannot be chained",
                "join two comparisons with `and`, e.g. `a < b and b < c`",
            ));
        }
        let tail_span = tail.as_span();
        let mut parts = tail.into_inner();
        let (Some(op), Some(rhs)) = (parts.next(), parts.next()) else {
            return Err(self.malformed(tail_span));
        };
        if op.as_rule() == Rule::op_between {
            // between_tail = op_between additive between_and additive
            let (Some(_and), Some(high)) = (parts.next(), parts.next()) else {
                return Err(self.malformed(tail_span));
            };
            let (low, high) = (self.expr(rhs)?, self.expr(high)?);
            return Ok(Expr {
                span: value.span.start..high.span.end,
                kind: ExprKind::Between {
                    value: Box::new(value),
                    low: Box::new(low),
                    high: Box::new(high),
                },
            });
        }
        let op = binary_op(op.as_rule()).ok_or_else(|| self.malformed(op.as_span()))?;
        Ok(binary(op, value, self.expr(rhs)?))
    }

    /// `primary (| name args?)*`.
    fn filtered(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let whole = pair.as_span();
        let mut inner = pair.into_inner();
        let first = inner.next().ok_or_else(|| self.malformed(whole))?;
        let mut expr = self.expr(first)?;
        for filter in inner {
            let end = self.span(filter.as_span()).end;
            let filter_span = filter.as_span();
            let mut parts = filter
                .into_inner()
                .skip_while(|p| p.as_rule() == Rule::pipe);
            let name = parts.next().ok_or_else(|| self.malformed(filter_span))?;
            let name = self.ident(&name);
            let args = match parts.next() {
                Some(args) => self.exprs(args.into_inner())?,
                None => Vec::new(),
            };
            expr = Expr {
                span: expr.span.start..end,
                kind: ExprKind::Filter {
                    input: Box::new(expr),
                    name,
                    args,
                },
            };
        }
        Ok(expr)
    }

    fn call(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let whole = pair.as_span();
        let mut inner = pair.into_inner();
        let (Some(name), Some(args)) = (inner.next(), inner.next()) else {
            return Err(self.malformed(whole));
        };
        Ok(Expr {
            span: self.span(whole),
            kind: ExprKind::Call {
                name: self.ident(&name),
                args: self.exprs(args.into_inner())?,
            },
        })
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Result<Expr, ExprError> {
        let span = self.span(pair.as_span());
        let mut segments: Vec<Segment> = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::path_head | Rule::field => segments.push(Segment::Field(self.ident(&part))),
                Rule::dot_index => segments.push(Segment::Index(
                    self.index(&part)?,
                    self.span(part.as_span()),
                )),
                Rule::bracket_index => {
                    let digits = self.span(part.as_span());
                    // The segment covers `[2]`: the path has no inner whitespace, so the
                    // brackets sit right next to the digits.
                    let open = digits.start.saturating_sub(1);
                    segments.push(Segment::Index(self.index(&part)?, open..digits.end));
                }
                Rule::rbracket => {
                    if let Some(Segment::Index(_, s)) = segments.last_mut() {
                        s.end = self.span(part.as_span()).end;
                    }
                }
                _ => return Err(self.malformed(part.as_span())),
            }
        }
        Ok(Expr {
            kind: ExprKind::Path(Path {
                segments,
                span: span.clone(),
            }),
            span,
        })
    }

    fn index(&self, pair: &Pair<'_, Rule>) -> Result<i64, ExprError> {
        pair.as_str().parse::<i64>().map_err(|_| {
            self.error(
                pair.as_span(),
                "index is too large",
                "indexes must fit in 64 bits",
            )
        })
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(pair.as_span()),
        }
    }

    /// Resolve the escapes of a string body (`dq_inner` or `sq_inner`).
    fn unescape(&self, body: &Pair<'_, Rule>) -> Result<String, ExprError> {
        let text = body.as_str();
        let start = body.as_span().start();
        let mut out = String::with_capacity(text.len());
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((j, escaped)) = chars.next() else {
                // The grammar never ends a body on a lone backslash; keep it if it does.
                out.push('\\');
                break;
            };
            out.push(match escaped {
                '\\' => '\\',
                '\'' => '\'',
                '"' => '"',
                'n' => '\n',
                't' => '\t',
                _ => {
                    let at = start + i..start + j + escaped.len_utf8();
                    return Err(ExprError {
                        span: self.pos(at.start)..self.pos(at.end),
                        message: format!("unknown escape `\\{}`", escaped.escape_debug()),
                        label: r#"expected one of `\\`, `\'`, `\"`, `\n` or `\t` here"#.to_owned(),
                    });
                }
            });
        }
        Ok(out)
    }
}

/// Precedence levels that only wrap one child (`a` alone is an `expr` containing an
/// `and_expr` containing ... a `filtered`) are stepped over in a loop, so that the tree walk
/// recurses once per real node rather than once per grammar level.
fn skip_single_child_levels(mut pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    while matches!(
        pair.as_rule(),
        Rule::expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::additive
            | Rule::multiplicative
            | Rule::unary
            | Rule::filtered
    ) {
        let mut inner = pair.clone().into_inner();
        match (inner.next(), inner.next()) {
            (Some(only), None) => pair = only,
            _ => break,
        }
    }
    pair
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    Expr {
        span: lhs.span.start..rhs.span.end,
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
    }
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_contains => BinaryOp::Contains,
        Rule::op_matches => BinaryOp::Matches,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        Rule::op_rem => BinaryOp::Rem,
        _ => return None,
    })
}

fn rel(range: Range<usize>) -> RelSpan {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    clamp(range.start)..clamp(range.end)
}

fn slice(src: &str, range: Range<usize>) -> &str {
    src.get(range).unwrap_or_default()
}

// --- lexer for limits and messages ----------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Word,
    Number,
    Str { terminated: bool },
    Space,
    Punct,
}

/// A rough token: close enough to the grammar's to count nesting and to name what an
/// error points at, but never used to build the AST.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: TokKind,
    start: usize,
    text: &'a str,
}

impl Tok<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }

    fn is(&self, text: &str) -> bool {
        self.text == text && matches!(self.kind, TokKind::Word | TokKind::Punct)
    }

    fn is_keyword(&self) -> bool {
        self.kind == TokKind::Word && KEYWORDS.contains(&self.text)
    }
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "contains", "matches", "between", "true", "false", "True", "False", "null",
    "nil",
];

const TWO_CHAR_PUNCT: &[&str] = &["==", "!=", "<=", ">=", "&&", "||", "{{", "}}"];

/// The token starting at byte `start`, if any.
fn token_at(src: &str, start: usize) -> Option<Tok<'_>> {
    let rest = src.get(start..)?;
    let first = rest.chars().next()?;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let (kind, len) = match first {
        c if c.is_ascii_alphabetic() || c == '_' => (
            TokKind::Word,
            rest.find(|c| !is_word(c)).unwrap_or(rest.len()),
        ),
        c if c.is_ascii_digit() => {
            let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let int = digits(rest);
            let frac =
                slice(rest, int..rest.len())
                    .strip_prefix('.')
                    .map_or(0, |after| match digits(after) {
                        0 => 0,
                        n => n + 1,
                    });
            (TokKind::Number, int + frac)
        }
        '"' | '\'' => {
            let mut escaped = false;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == first {
                    end = Some(i + 1);
                    break;
                }
            }
            match end {
                Some(end) => (TokKind::Str { terminated: true }, end),
                None => (TokKind::Str { terminated: false }, rest.len()),
            }
        }
        ' ' | '\t' | '\n' | '\r' => (TokKind::Space, 1),
        c => match TWO_CHAR_PUNCT.iter().find(|p| rest.starts_with(**p)) {
            Some(p) => (TokKind::Punct, p.len()),
            None => (TokKind::Punct, c.len_utf8()),
        },
    };
    Some(Tok {
        kind,
        start,
        text: slice(rest, 0..len),
    })
}

/// All tokens of `src` except whitespace.
fn lex(src: &str) -> Vec<Tok<'_>> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(tok) = token_at(src, pos) {
        pos = tok.end().max(pos + 1);
        if tok.kind != TokKind::Space {
            tokens.push(tok);
        }
    }
    tokens
}

/// Whether a `-` after `prev` is a prefix operator rather than a subtraction.
fn starts_operand(prev: Option<&Tok<'_>>) -> bool {
    let Some(prev) = prev else { return true };
    match prev.kind {
        TokKind::Word => matches!(
            prev.text,
            "and" | "or" | "not" | "between" | "contains" | "matches"
        ),
        TokKind::Punct => !matches!(prev.text, ")" | "]"),
        TokKind::Number | TokKind::Str { .. } | TokKind::Space => false,
    }
}

/// Reject input that nests brackets and prefix operators deeper than [`MAX_NESTING`], or
/// has more than [`MAX_OPERATORS`] binary operators, before pest recurses over it.
fn check_limits(tokens: &[Tok<'_>]) -> Result<(), ExprError> {
    /// Prefix operators whose operand may still be open, per bracket level. `-` ends at
    /// the next binary operator, `not` only at `and`/`or`/`,`; over-counting is harmless.
    #[derive(Default)]
    struct Level {
        not: usize,
        neg: usize,
    }
    let mut levels = vec![Level::default()];
    let mut operators = 0;
    let mut prev: Option<&Tok<'_>> = None;
    for tok in tokens {
        // A word right after `.` is a field name, even `not` or `and`.
        let field = tok.kind == TokKind::Word && prev.is_some_and(|p| p.is("."));
        let (mut nests, mut binary) = (false, false);
        match (tok.kind, tok.text) {
            _ if field => {}
            (TokKind::Punct, "(" | "[") => {
                levels.push(Level::default());
                nests = true;
            }
            (TokKind::Punct, ")" | "]") if levels.len() > 1 => {
                levels.pop();
            }
            (TokKind::Punct, ",") => {
                if let Some(top) = levels.last_mut() {
                    *top = Level::default();
                }
            }
            (TokKind::Punct, "!") | (TokKind::Word, "not") => {
                if let Some(top) = levels.last_mut() {
                    top.not += 1;
                }
                nests = true;
            }
            (TokKind::Punct, "-") if starts_operand(prev) => {
                if let Some(top) = levels.last_mut() {
                    top.neg += 1;
                }
                nests = true;
            }
            (TokKind::Punct, "&&" | "||") | (TokKind::Word, "and" | "or") => {
                if let Some(top) = levels.last_mut() {
                    *top = Level::default();
                }
                binary = true;
            }
            (
                TokKind::Punct,
                "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "|",
            )
            | (TokKind::Word, "contains" | "matches" | "between") => {
                if let Some(top) = levels.last_mut() {
                    top.neg = 0;
                }
                binary = true;
            }
            _ => {}
        }
        let depth = levels.len() - 1 + levels.iter().map(|l| l.not + l.neg).sum::<usize>();
        if nests && depth > MAX_NESTING {
            return Err(ExprError {
                span: rel(tok.start..tok.end()),
                message: "expression nests too deeply".to_owned(),
                label: format!("more than {MAX_NESTING} nested brackets and prefix operators here"),
            });
        }
        if binary {
            operators += 1;
            if operators > MAX_OPERATORS {
                return Err(ExprError {
                    span: rel(tok.start..tok.end()),
                    message: "expression has too many operators".to_owned(),
                    label: format!(
                        "this is operator number {operators}; the limit is {MAX_OPERATORS}"
                    ),
                });
            }
        }
        prev = Some(tok);
    }
    Ok(())
}

// --- pest errors into words -----------------------------------------------------------

/// What pest tried at the failure position, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Want {
    /// The start of an expression where `not` is allowed (the operand of `and`, `or`,
    /// `(`, `,`, or the whole input).
    Expr,
    /// The start of an operand of a comparison or arithmetic: no `not` without parentheses.
    Operand,
    Field,
    Index,
    FilterName,
    BetweenAnd,
    Operator,
    Comma,
    RParen,
    RBracket,
    End,
}

impl Want {
    fn of(rule: Rule) -> Option<Want> {
        Some(match rule {
            Rule::expr_input | Rule::expr | Rule::and_expr | Rule::not_expr | Rule::op_not => {
                Want::Expr
            }
            Rule::comparison
            | Rule::additive
            | Rule::multiplicative
            | Rule::unary
            | Rule::op_neg
            | Rule::filtered
            | Rule::paren
            | Rule::list
            | Rule::call
            | Rule::func_name
            | Rule::path
            | Rule::path_head
            | Rule::null
            | Rule::bool_true
            | Rule::bool_false
            | Rule::float
            | Rule::int
            | Rule::string => Want::Operand,
            Rule::field | Rule::dot_index => Want::Field,
            Rule::bracket_index => Want::Index,
            Rule::filter_name => Want::FilterName,
            Rule::between_and => Want::BetweenAnd,
            Rule::op_or
            | Rule::op_and
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_le
            | Rule::op_lt
            | Rule::op_ge
            | Rule::op_gt
            | Rule::op_contains
            | Rule::op_matches
            | Rule::op_between
            | Rule::compare_tail
            | Rule::between_tail
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
            | Rule::op_rem
            | Rule::pipe
            | Rule::filter => Want::Operator,
            Rule::comma => Want::Comma,
            Rule::rparen => Want::RParen,
            Rule::rbracket => Want::RBracket,
            Rule::EOI => Want::End,
            _ => return None,
        })
    }

    fn words(self) -> &'static [&'static str] {
        match self {
            Want::Expr => &["a path", "literal", "`(`", "`not`"],
            Want::Operand => &["a path", "literal", "`(`"],
            Want::Field => &["a field name or index"],
            Want::Index => &["an integer index"],
            Want::FilterName => &["a filter name"],
            Want::BetweenAnd => &["`and`"],
            Want::Operator => &["an operator"],
            Want::Comma => &["`,`"],
            Want::RParen => &["`)`"],
            Want::RBracket => &["`]`"],
            Want::End => &["the end of the expression"],
        }
    }
}

/// "a, b or c".
fn one_of(words: &[&str]) -> String {
    match words {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn translate_error(src: &str, tokens: &[Tok<'_>], error: &pest::error::Error<Rule>) -> ExprError {
    let pos = match error.location {
        InputLocation::Pos(pos) | InputLocation::Span((pos, _)) => pos.min(src.len()),
    };
    let ErrorVariant::ParsingError { positives, .. } = &error.variant else {
        // pest's own stack guard: only reachable when the caller's thread has far less
        // stack than the nesting limit was sized for.
        return ExprError {
            span: rel(0..src.len()),
            message: "expression nests too deeply".to_owned(),
            label: "the parser ran out of stack space in this expression".to_owned(),
        };
    };
    let mut wants: Vec<Want> = positives.iter().filter_map(|r| Want::of(*r)).collect();
    wants.sort();
    wants.dedup();
    if wants.contains(&Want::Expr) {
        wants.retain(|w| *w != Want::Operand);
    }
    let has = |w: Want| wants.contains(&w);
    let words: Vec<&str> = wants
        .iter()
        .flat_map(|w| w.words().iter().copied())
        .collect();
    let label = format!("expected {} here", one_of(&words));

    let found = token_at(src, pos);
    let span = found.map_or(pos..pos, |t| t.start..t.end());
    let prev = tokens.iter().rev().find(|t| t.end() <= pos);
    let err = |message: String, label: String| ExprError {
        span: rel(span.clone()),
        message,
        label,
    };

    if let Some(
        tok @ Tok {
            kind: TokKind::Str { terminated: false },
            ..
        },
    ) = found
    {
        let quote = tok.text.chars().next().unwrap_or('"');
        return err(
            "unterminated string".to_owned(),
            format!("this string has no closing `{quote}`"),
        );
    }
    let after = |what: &str, fallback: &str| match prev {
        Some(p) => format!("expected {what} after `{}`", p.text.escape_debug()),
        None => fallback.to_owned(),
    };
    for (want, what) in [
        (Want::Field, "a field name or index"),
        (Want::Index, "an integer index"),
        (Want::FilterName, "a filter name"),
    ] {
        if has(want) {
            return err(after(what, &format!("expected {what}")), label);
        }
    }
    let closer_wanted = has(Want::RParen) || has(Want::RBracket);
    if let (None, true, Some(open)) = (found, closer_wanted, unclosed_opener(tokens, pos)) {
        let close = if open.is("(") { ")" } else { "]" };
        return ExprError {
            span: rel(open.start..open.end()),
            message: format!("unclosed `{}`", open.text),
            label: format!("this `{}` has no matching `{close}`", open.text),
        };
    }
    if has(Want::Expr) || has(Want::Operand) {
        let found = found.filter(|t| t.kind != TokKind::Space);
        if let Some(tok) = found.filter(|t| !has(Want::Expr) && (t.is("not") || t.is("!"))) {
            return err(
                format!("`{}` cannot be used here without parentheses", tok.text),
                format!(
                    "expected a path, literal or `(` here; write `({} ...)`",
                    tok.text
                ),
            );
        }
        if let (None, Some(tok)) = (prev, found) {
            let keyword = if tok.is_keyword() { "keyword " } else { "" };
            return err(
                format!(
                    "expected an expression, found {keyword}`{}`",
                    tok.text.escape_debug()
                ),
                label,
            );
        }
        return err(after("an expression", "expected an expression"), label);
    }
    if has(Want::BetweenAnd) && found.is_none_or(|t| !t.is("and")) {
        return err("expected `and` in `between` expression".to_owned(), label);
    }
    let Some(tok) = found else {
        return err("unexpected end of expression".to_owned(), label);
    };
    if tok.kind == TokKind::Word && tok.text == "in" && has(Want::Operator) {
        return err(
            "there is no `in` operator".to_owned(),
            "expected an operator here; to test membership write `list contains item`".to_owned(),
        );
    }
    if tok.is("=") {
        return err(
            "unexpected `=`".to_owned(),
            "expected an operator here; use `==` to compare".to_owned(),
        );
    }
    let message = match tok.kind {
        TokKind::Str { .. } => "unexpected string".to_owned(),
        TokKind::Space => "unexpected whitespace".to_owned(),
        TokKind::Number => format!("unexpected number `{}`", tok.text),
        TokKind::Word if tok.is_keyword() => format!("unexpected keyword `{}`", tok.text),
        TokKind::Word | TokKind::Punct => format!("unexpected `{}`", tok.text.escape_debug()),
    };
    err(message, label)
}

/// The innermost `(` or `[` before `pos` that is never closed.
fn unclosed_opener<'a>(tokens: &[Tok<'a>], pos: usize) -> Option<Tok<'a>> {
    let mut open: Vec<Tok<'a>> = Vec::new();
    for tok in tokens {
        if tok.is("(") || tok.is("[") {
            open.push(*tok);
        } else if tok.is(")") || tok.is("]") {
            open.pop();
        }
    }
    open.into_iter().rev().find(|t| t.start < pos)
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

/// Fast path: a hole or condition that is one dotted path of identifiers (`steps.a.b`),
/// by far the most common expression, built without pest. Anything else returns `None`.
fn plain_path(src: &str, base: usize) -> Option<Expr> {
    // This runs for nearly every hole: one pass over the bytes, no `str` patterns.
    let bytes = src.as_bytes();
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = bytes.iter().position(|&b| !is_ws(b))?;
    let end = bytes.iter().rposition(|&b| !is_ws(b))? + 1;
    let mut segments = Vec::with_capacity(3);
    let mut seg_start = start;
    for i in start..=end {
        let b = bytes.get(i).copied().filter(|_| i < end);
        if b.is_some_and(|b| b != b'.') {
            let b = b.unwrap_or(0);
            let ok = if i == seg_start {
                b.is_ascii_alphabetic() || b == b'_'
            } else {
                b.is_ascii_alphanumeric() || b == b'_'
            };
            if !ok {
                return None;
            }
            continue;
        }
        // A `.` or the end closes a segment, which must not be empty.
        let name = src.get(seg_start..i).filter(|n| !n.is_empty())?;
        if segments.is_empty() && is_keyword(name) {
            return None;
        }
        segments.push(Segment::Field(Ident {
            name: name.to_owned(),
            span: rel(base + seg_start..base + i),
        }));
        seg_start = i + 1;
    }
    let span = rel(base + start..base + end);
    Some(Expr {
        kind: ExprKind::Path(Path {
            segments,
            span: span.clone(),
        }),
        span,
    })
}

/// Words that make an expression more than a path when they come first.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "not"
            | "contains"
            | "matches"
            | "between"
            | "true"
            | "false"
            | "True"
            | "False"
            | "null"
            | "nil"
    )
}

/// The byte offset of the next `{{` (or `}}`: `pair` is the repeated byte) at or after `from`.
fn find_pair(src: &str, from: usize, pair: u8) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = from;
    while let Some(k) = bytes.get(i..)?.iter().position(|&b| b == pair) {
        if bytes.get(i + k + 1) == Some(&pair) {
            return Some(i + k);
        }
        i += k + 1;
    }
    None
}

/// Fast path: `ATOM OP ATOM` where each atom is a plain dotted path, a number, a quoted
/// string without escapes, or `true`/`false`/`null`, and OP a comparison: the typical
/// condition (`steps.triage.label == 'bug'`, `score >= 8`). Anything else, including any
/// input pest would reject, returns `None` and takes the full parser, so errors and
/// unusual forms behave exactly as before.
fn simple_comparison(src: &str, base: usize) -> Option<Expr> {
    const OPS: [(&str, BinaryOp); 6] = [
        ("==", BinaryOp::Eq),
        ("!=", BinaryOp::Ne),
        ("<=", BinaryOp::Le),
        (">=", BinaryOp::Ge),
        ("<", BinaryOp::Lt),
        (">", BinaryOp::Gt),
    ];
    // The operator must be the only operator character outside quotes.
    let bytes = src.as_bytes();
    let mut quote: Option<u8> = None;
    let mut op_at: Option<(usize, &str, BinaryOp)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    return None;
                }
                if b == q {
                    quote = None;
                }
            }
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if matches!(b, b'=' | b'!' | b'<' | b'>') => {
                if op_at.is_some() {
                    return None;
                }
                let (text, op) = OPS
                    .iter()
                    .find(|(t, _)| src[i..].starts_with(t))
                    .map(|(t, o)| (*t, *o))?;
                op_at = Some((i, text, op));
                i += text.len();
                continue;
            }
            None if !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b' ' | b'\t')) => {
                return None;
            }
            None => {}
        }
        i += 1;
    }
    if quote.is_some() {
        return None;
    }
    let (at, text, op) = op_at?;
    let lhs = simple_atom(&src[..at], base)?;
    let rhs = simple_atom(&src[at + text.len()..], base + at + text.len())?;
    let span = lhs.span.start..rhs.span.end;
    Some(Expr {
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    })
}

/// One atom of [`simple_comparison`], or `None` when it is anything else.
fn simple_atom(src: &str, base: usize) -> Option<Expr> {
    const WS: [char; 4] = [' ', '\t', '\n', '\r'];
    let body = src.trim_start_matches(WS);
    let start = base + (src.len() - body.len());
    let body = body.trim_end_matches(WS);
    let span = rel(start..start + body.len());
    let literal = |l: Literal| {
        Some(Expr {
            kind: ExprKind::Literal(l),
            span: span.clone(),
        })
    };
    match body {
        "" => None,
        "true" | "True" => literal(Literal::Bool(true)),
        "false" | "False" => literal(Literal::Bool(false)),
        "null" | "nil" => literal(Literal::Null),
        _ => {
            let first = body.as_bytes()[0];
            if first == b'\'' || first == b'"' {
                let inner = body
                    .strip_prefix(first as char)?
                    .strip_suffix(first as char)?;
                if inner.contains(first as char) {
                    return None;
                }
                return literal(Literal::Str(inner.to_owned()));
            }
            if first.is_ascii_digit() {
                if body.bytes().all(|b| b.is_ascii_digit()) {
                    return body.parse().ok().and_then(|n| literal(Literal::Int(n)));
                }
                let (int, frac) = body.split_once('.')?;
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                if digits(int) && digits(frac) {
                    return body
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .and_then(|f| literal(Literal::Float(f)));
                }
                return None;
            }
            plain_path(body, start)
        }
    }
}
