//! A recursive-descent parser for Python 3.11 expressions and parameter lists, over the
//! tokens of one signature side. It accepts what `ast.parse` accepts there (so defaults
//! and the annotations DSPy drops may be any expression) and keeps the nodes DSPy
//! evaluates as types. It stops at the first error, as CPython does.

use std::ops::Range;

use super::ast::{Expr, ExprKind, Param, ParamKind};
use super::error::SignatureError;
use super::token::{StringToken, Token, TokenKind};
use crate::ir::LiteralValue;

/// Deepest recursion of the parser (each bracket or prefix operator is a few levels); the
/// lexer bounds brackets, this bounds long chains such as `not not not ...`.
const MAX_DEPTH: usize = 400;

type Parsed<T> = Result<T, SignatureError>;

/// The parser over one token list.
pub struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Where the tokens end, for errors at the end.
    end: usize,
    depth: usize,
}

impl Parser {
    /// A parser over `tokens`, which end at byte `end`.
    #[must_use]
    pub fn new(tokens: Vec<Token>, end: usize) -> Parser {
        Parser {
            tokens,
            pos: 0,
            end,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn peek_at(&self, ahead: usize) -> Option<&TokenKind> {
        self.tokens.get(self.pos + ahead).map(|t| &t.kind)
    }

    fn range(&self) -> Range<usize> {
        self.tokens
            .get(self.pos)
            .map_or(self.end..self.end, |t| t.range.clone())
    }

    fn start(&self) -> usize {
        self.range().start
    }

    /// The end of the last token taken.
    fn last_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(self.end, |t| t.range.end)
    }

    /// Whether every token has been taken.
    #[must_use]
    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn at_op(&self, op: &str) -> bool {
        self.peek().is_some_and(|k| k.is_op(op))
    }

    fn at_kw(&self, word: &str) -> bool {
        self.peek().is_some_and(|k| k.is_keyword(word))
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let found = self.at_op(op);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_kw(&mut self, word: &str) -> bool {
        let found = self.at_kw(word);
        if found {
            self.pos += 1;
        }
        found
    }

    /// The error for the token at the cursor.
    #[must_use]
    pub fn unexpected(&self) -> SignatureError {
        let range = self.range();
        let label = match self.peek() {
            None => "the fields end here".to_owned(),
            Some(TokenKind::Name { keyword: true, id }) => format!("`{id}` is a Python keyword"),
            Some(_) => "not expected here".to_owned(),
        };
        SignatureError::syntax(range, "invalid syntax", label)
    }

    fn expect_op(&mut self, op: &str) -> Parsed<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SignatureError::syntax(
                self.range(),
                "too deeply nested",
                "pipec stops parsing here",
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A plain (non-keyword) name at the cursor.
    fn name(&mut self) -> Option<(String, Range<usize>)> {
        match self.peek() {
            Some(TokenKind::Name { id, keyword: false }) => {
                let found = (id.clone(), self.range());
                self.pos += 1;
                Some(found)
            }
            _ => None,
        }
    }

    /// A parameter list up to the end (`def`) or up to `:` (`lambda`).
    pub fn parameters(&mut self, lambda: bool) -> Parsed<Vec<Param>> {
        let at_terminator = |p: &Parser| if lambda { p.at_op(":") } else { p.at_end() };
        let mut params: Vec<Param> = Vec::new();
        let mut star = false;
        let mut kwargs = false;
        let mut slash = false;
        let mut defaulted = false;
        while !at_terminator(self) {
            let item = self.range();
            if kwargs {
                return Err(SignatureError::syntax(
                    item,
                    "arguments cannot follow var-keyword argument",
                    "after `**`",
                ));
            }
            if self.eat_op("/") {
                let message = if slash {
                    Some("/ may appear only once")
                } else if star {
                    Some("/ must be ahead of *")
                } else if params.is_empty() {
                    Some("at least one argument must precede /")
                } else {
                    None
                };
                if let Some(message) = message {
                    return Err(SignatureError::syntax(item, message, "misplaced `/`"));
                }
                slash = true;
                for p in &mut params {
                    p.kind = ParamKind::PositionalOnly;
                }
            } else if self.eat_op("*") {
                if star {
                    return Err(SignatureError::syntax(
                        item,
                        "* argument may appear only once",
                        "a second `*`",
                    ));
                }
                star = true;
                if let Some(name) = self.name() {
                    let annotation = if !lambda && self.eat_op(":") {
                        Some(self.star_expression()?)
                    } else {
                        None
                    };
                    params.push(Param {
                        name,
                        annotation,
                        kind: ParamKind::Variadic,
                    });
                } else {
                    let named_follows = self.at_op(",")
                        && matches!(
                            self.peek_at(1),
                            Some(TokenKind::Name { keyword: false, .. })
                        );
                    if !named_follows {
                        return Err(SignatureError::syntax(
                            item,
                            "named arguments must follow bare *",
                            "a bare `*`",
                        ));
                    }
                }
            } else if self.eat_op("**") {
                let Some(name) = self.name() else {
                    return Err(self.unexpected());
                };
                let annotation = if !lambda && self.eat_op(":") {
                    Some(self.expression()?)
                } else {
                    None
                };
                params.push(Param {
                    name,
                    annotation,
                    kind: ParamKind::Variadic,
                });
                kwargs = true;
            } else if let Some(name) = self.name() {
                let annotation = if !lambda && self.eat_op(":") {
                    Some(self.expression()?)
                } else {
                    None
                };
                let default = self.eat_op("=");
                if default {
                    self.expression()?;
                }
                if !star {
                    if default {
                        defaulted = true;
                    } else if defaulted {
                        return Err(SignatureError::syntax(
                            name.1.clone(),
                            "non-default argument follows default argument",
                            "this field has no default, but one before it has",
                        )
                        .with_help(
                            "give it a default too, or move it before the fields with defaults",
                        ));
                    }
                }
                let kind = if star {
                    ParamKind::KeywordOnly
                } else {
                    ParamKind::Positional
                };
                params.push(Param {
                    name,
                    annotation,
                    kind,
                });
            } else {
                return Err(self.field_expected());
            }
            if !self.eat_op(",") && !at_terminator(self) {
                return Err(self.separator_expected());
            }
        }
        Ok(params)
    }

    fn field_expected(&self) -> SignatureError {
        match self.peek() {
            Some(TokenKind::Name { id, keyword: true }) => SignatureError::syntax(
                self.range(),
                "invalid syntax",
                format!("`{id}` is a Python keyword, not a valid field name"),
            )
            .with_help("rename the field"),
            _ => SignatureError::syntax(self.range(), "invalid syntax", "expected a field name")
                .with_help("a field is a Python identifier, optionally followed by `: type`"),
        }
    }

    fn separator_expected(&self) -> SignatureError {
        SignatureError::syntax(self.range(), "invalid syntax", "expected `,` between fields")
            .with_help("field names are Python identifiers: letters, digits and `_`, not starting with a digit; separate fields with `,`")
    }

    /// `star_expressions`: a possibly starred expression, or a tuple of them.
    pub fn star_expressions(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let first = self.star_expression()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_end() {
                break;
            }
            items.push(self.star_expression()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), start..self.last_end()))
    }

    fn star_expression(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_op("*") {
            self.bitor()?;
            return Ok(Expr::other("Starred", start..self.last_end()));
        }
        self.expression()
    }

    /// `expression`: a lambda, or a disjunction with an optional `if ... else ...`.
    pub fn expression(&mut self) -> Parsed<Expr> {
        self.enter()?;
        let result = self.expression_inner();
        self.leave();
        result
    }

    fn expression_inner(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_kw("lambda") {
            self.parameters(true)?;
            self.expect_op(":")?;
            self.expression()?;
            return Ok(Expr::other("Lambda", start..self.last_end()));
        }
        let body = self.disjunction()?;
        if self.eat_kw("if") {
            self.disjunction()?;
            if !self.eat_kw("else") {
                return Err(SignatureError::syntax(
                    self.range(),
                    "expected 'else' after 'if' expression",
                    "`else` is missing",
                ));
            }
            self.expression()?;
            return Ok(Expr::other("IfExp", start..self.last_end()));
        }
        Ok(body)
    }

    fn named_expression(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if matches!(self.peek(), Some(TokenKind::Name { keyword: false, .. }))
            && self.peek_at(1).is_some_and(|k| k.is_op(":="))
        {
            self.pos += 2;
            self.expression()?;
            return Ok(Expr::other("NamedExpr", start..self.last_end()));
        }
        self.expression()
    }

    fn star_named_expression(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_op("*") {
            self.bitor()?;
            return Ok(Expr::other("Starred", start..self.last_end()));
        }
        self.named_expression()
    }

    fn disjunction(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let first = self.conjunction()?;
        if !self.at_kw("or") {
            return Ok(first);
        }
        while self.eat_kw("or") {
            self.conjunction()?;
        }
        Ok(Expr::other("BoolOp", start..self.last_end()))
    }

    fn conjunction(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let first = self.inversion()?;
        if !self.at_kw("and") {
            return Ok(first);
        }
        while self.eat_kw("and") {
            self.inversion()?;
        }
        Ok(Expr::other("BoolOp", start..self.last_end()))
    }

    fn inversion(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_kw("not") {
            self.enter()?;
            let inner = self.inversion();
            self.leave();
            inner?;
            return Ok(Expr::other("UnaryOp", start..self.last_end()));
        }
        self.comparison()
    }

    fn comparison_operator(&mut self) -> bool {
        const OPS: &[&str] = &["==", "!=", "<", "<=", ">", ">="];
        if OPS.iter().any(|op| self.at_op(op)) || self.at_kw("in") {
            self.pos += 1;
            return true;
        }
        if self.at_kw("not") && self.peek_at(1).is_some_and(|k| k.is_keyword("in")) {
            self.pos += 2;
            return true;
        }
        if self.eat_kw("is") {
            self.eat_kw("not");
            return true;
        }
        false
    }

    fn comparison(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let first = self.bitor()?;
        let mut compared = false;
        while self.comparison_operator() {
            self.bitor()?;
            compared = true;
        }
        Ok(if compared {
            Expr::other("Compare", start..self.last_end())
        } else {
            first
        })
    }

    fn bitor(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let mut left = self.binary(0)?;
        while self.eat_op("|") {
            let right = self.binary(0)?;
            left = Expr::new(
                ExprKind::BitOr(Box::new(left), Box::new(right)),
                start..self.last_end(),
            );
        }
        Ok(left)
    }

    /// The left-associative binary levels below `|`: `^`, `&`, shifts, `+ -`, `* / ...`.
    fn binary(&mut self, level: usize) -> Parsed<Expr> {
        const LEVELS: &[&[&str]] = &[
            &["^"],
            &["&"],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "//", "%", "@"],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.factor();
        };
        let start = self.start();
        let first = self.binary(level + 1)?;
        let mut combined = false;
        while ops.iter().any(|op| self.at_op(op)) {
            self.pos += 1;
            self.binary(level + 1)?;
            combined = true;
        }
        Ok(if combined {
            Expr::other("BinOp", start..self.last_end())
        } else {
            first
        })
    }

    fn factor(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_op("+") || self.eat_op("-") || self.eat_op("~") {
            self.enter()?;
            let inner = self.factor();
            self.leave();
            inner?;
            return Ok(Expr::other("UnaryOp", start..self.last_end()));
        }
        let base = self.await_primary()?;
        if self.eat_op("**") {
            self.enter()?;
            let exponent = self.factor();
            self.leave();
            exponent?;
            return Ok(Expr::other("BinOp", start..self.last_end()));
        }
        Ok(base)
    }

    fn await_primary(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_kw("await") {
            self.primary()?;
            return Ok(Expr::other("Await", start..self.last_end()));
        }
        self.primary()
    }

    fn primary(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let mut expr = self.atom()?;
        loop {
            if self.eat_op(".") {
                let Some((attr, _)) = self.name() else {
                    return Err(self.unexpected());
                };
                expr = Expr::new(
                    ExprKind::Attribute(Box::new(expr), attr),
                    start..self.last_end(),
                );
            } else if self.eat_op("(") {
                self.call_arguments()?;
                expr = Expr::new(ExprKind::Call(Box::new(expr)), start..self.last_end());
            } else if self.eat_op("[") {
                let slice = self.slices()?;
                self.expect_op("]")?;
                expr = Expr::new(
                    ExprKind::Subscript(Box::new(expr), Box::new(slice)),
                    start..self.last_end(),
                );
            } else {
                return Ok(expr);
            }
        }
    }

    fn atom(&mut self) -> Parsed<Expr> {
        let range = self.range();
        let Some(kind) = self.peek().cloned() else {
            return Err(self.unexpected());
        };
        match kind {
            TokenKind::Name { id, keyword: false } => {
                self.pos += 1;
                Ok(Expr::new(ExprKind::Name(id), range))
            }
            TokenKind::Name { id, keyword: true } => {
                let value = match id.as_str() {
                    "True" => LiteralValue::Bool(true),
                    "False" => LiteralValue::Bool(false),
                    "None" => LiteralValue::None,
                    _ => return Err(self.unexpected()),
                };
                self.pos += 1;
                Ok(Expr::new(ExprKind::Constant(value), range))
            }
            TokenKind::Number(value) => {
                self.pos += 1;
                Ok(Expr::new(ExprKind::Constant(value), range))
            }
            TokenKind::Str(_) => self.strings(),
            TokenKind::Op("...") => {
                self.pos += 1;
                Ok(Expr::new(ExprKind::Constant(LiteralValue::Ellipsis), range))
            }
            TokenKind::Op("(") => {
                self.pos += 1;
                self.enter()?;
                let inner = self.parenthesised(range.start);
                self.leave();
                inner
            }
            TokenKind::Op("[") => {
                self.pos += 1;
                self.enter()?;
                let inner = self.list(range.start);
                self.leave();
                inner
            }
            TokenKind::Op("{") => {
                self.pos += 1;
                self.enter()?;
                let inner = self.braces(range.start);
                self.leave();
                inner
            }
            TokenKind::Op(_) => Err(self.unexpected()),
        }
    }

    /// Adjacent string literals, joined.
    fn strings(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let mut text: Option<String> = None;
        let mut bytes: Option<Vec<u8>> = None;
        let mut formatted = false;
        while let Some(TokenKind::Str(s)) = self.peek().cloned() {
            let range = self.range();
            self.pos += 1;
            let mixed = match s {
                StringToken::Text(t) => {
                    text.get_or_insert_with(String::new).push_str(&t);
                    bytes.is_some()
                }
                StringToken::Formatted => {
                    formatted = true;
                    text.get_or_insert_with(String::new);
                    bytes.is_some()
                }
                StringToken::Bytes(b) => {
                    bytes.get_or_insert_with(Vec::new).extend(b);
                    text.is_some()
                }
            };
            if mixed {
                return Err(SignatureError::syntax(
                    range,
                    "cannot mix bytes and nonbytes literals",
                    "mixed with the string before it",
                ));
            }
        }
        let range = start..self.last_end();
        Ok(match (formatted, text, bytes) {
            (true, _, _) => Expr::other("JoinedStr", range),
            (false, _, Some(b)) => Expr::new(ExprKind::Constant(LiteralValue::Bytes(b)), range),
            (false, t, None) => Expr::new(
                ExprKind::Constant(LiteralValue::Str(t.unwrap_or_default())),
                range,
            ),
        })
    }

    fn at_comprehension(&self) -> bool {
        self.at_kw("for")
            || (self.at_kw("async") && self.peek_at(1).is_some_and(|k| k.is_keyword("for")))
    }

    /// `for targets in iterable if condition ...`, repeated.
    fn comprehension(&mut self) -> Parsed<()> {
        while self.at_comprehension() {
            self.eat_kw("async");
            self.eat_kw("for");
            self.targets()?;
            if !self.eat_kw("in") {
                return Err(self.unexpected());
            }
            self.disjunction()?;
            while self.eat_kw("if") {
                self.disjunction()?;
            }
        }
        Ok(())
    }

    /// Assignment targets of a `for` clause.
    fn targets(&mut self) -> Parsed<()> {
        loop {
            let start = self.start();
            let starred = self.eat_op("*");
            let target = self.bitor()?;
            if !is_target(&target) {
                let what = match target.kind {
                    ExprKind::Constant(_) => "literal",
                    _ => "expression",
                };
                let _ = starred;
                return Err(SignatureError::syntax(
                    start..self.last_end(),
                    format!("cannot assign to {what}"),
                    "not an assignment target",
                ));
            }
            if !self.eat_op(",") || self.at_kw("in") {
                return Ok(());
            }
        }
    }

    /// After `(`: `()`, a group, a tuple, a generator expression or a `yield`.
    fn parenthesised(&mut self, start: usize) -> Parsed<Expr> {
        if self.eat_op(")") {
            return Ok(Expr::new(
                ExprKind::Tuple(Vec::new()),
                start..self.last_end(),
            ));
        }
        if self.eat_kw("yield") {
            if self.eat_kw("from") {
                self.expression()?;
            } else if !self.at_op(")") {
                self.star_expressions()?;
            }
            self.expect_op(")")?;
            return Ok(Expr::other("Yield", start..self.last_end()));
        }
        let first = self.star_named_expression()?;
        if self.at_comprehension() {
            self.comprehension()?;
            self.expect_op(")")?;
            return Ok(Expr::other("GeneratorExp", start..self.last_end()));
        }
        if self.eat_op(")") {
            if matches!(first.kind, ExprKind::Other("Starred")) {
                return Err(SignatureError::syntax(
                    first.range,
                    "cannot use starred expression here",
                    "starred",
                ));
            }
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_op(")") {
                break;
            }
            items.push(self.star_named_expression()?);
        }
        self.expect_op(")")?;
        Ok(Expr::new(ExprKind::Tuple(items), start..self.last_end()))
    }

    /// After `[`: a list display or comprehension.
    fn list(&mut self, start: usize) -> Parsed<Expr> {
        if self.eat_op("]") {
            return Ok(Expr::other("List", start..self.last_end()));
        }
        self.star_named_expression()?;
        if self.at_comprehension() {
            self.comprehension()?;
            self.expect_op("]")?;
            return Ok(Expr::other("ListComp", start..self.last_end()));
        }
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            self.star_named_expression()?;
        }
        self.expect_op("]")?;
        Ok(Expr::other("List", start..self.last_end()))
    }

    /// After `{`: a dict or set display or comprehension.
    fn braces(&mut self, start: usize) -> Parsed<Expr> {
        if self.eat_op("}") {
            return Ok(Expr::other("Dict", start..self.last_end()));
        }
        let dict = if self.eat_op("**") {
            self.bitor()?;
            true
        } else {
            let first = self.star_named_expression()?;
            if self.eat_op(":") {
                if matches!(first.kind, ExprKind::Other("Starred")) {
                    return Err(SignatureError::syntax(
                        first.range,
                        "cannot use a starred expression in a dictionary key",
                        "starred",
                    ));
                }
                self.expression()?;
                true
            } else {
                false
            }
        };
        if self.at_comprehension() {
            self.comprehension()?;
            self.expect_op("}")?;
            let name = if dict { "DictComp" } else { "SetComp" };
            return Ok(Expr::other(name, start..self.last_end()));
        }
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if dict {
                if self.eat_op("**") {
                    self.bitor()?;
                } else {
                    self.expression()?;
                    self.expect_op(":")?;
                    self.expression()?;
                }
            } else {
                self.star_named_expression()?;
            }
        }
        self.expect_op("}")?;
        Ok(Expr::other(
            if dict { "Dict" } else { "Set" },
            start..self.last_end(),
        ))
    }

    /// The inside of `[...]` after a value: one slice, or a tuple of them.
    fn slices(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let first = self.slice()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            items.push(self.slice()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), start..self.last_end()))
    }

    fn slice(&mut self) -> Parsed<Expr> {
        let start = self.start();
        if self.eat_op("*") {
            self.expression()?;
            return Ok(Expr::other("Starred", start..self.last_end()));
        }
        let lower = if self.at_op(":") {
            None
        } else {
            Some(self.named_expression()?)
        };
        if !self.eat_op(":") {
            return lower.ok_or_else(|| self.unexpected());
        }
        if !self.at_op(":") && !self.at_op(",") && !self.at_op("]") {
            self.expression()?;
        }
        if self.eat_op(":") && !self.at_op(",") && !self.at_op("]") {
            self.expression()?;
        }
        Ok(Expr::other("Slice", start..self.last_end()))
    }

    /// The arguments of a call, after `(`, through `)`.
    fn call_arguments(&mut self) -> Parsed<()> {
        let mut keyword = false;
        let mut keyword_unpacking = false;
        let mut count = 0usize;
        while !self.eat_op(")") {
            let item = self.range();
            if self.eat_op("*") {
                if keyword_unpacking {
                    return Err(SignatureError::syntax(
                        item,
                        "iterable argument unpacking follows keyword argument unpacking",
                        "after `**`",
                    ));
                }
                self.expression()?;
            } else if self.eat_op("**") {
                self.expression()?;
                keyword_unpacking = true;
            } else if matches!(self.peek(), Some(TokenKind::Name { keyword: false, .. }))
                && self.peek_at(1).is_some_and(|k| k.is_op("="))
            {
                self.pos += 2;
                self.expression()?;
                keyword = true;
            } else {
                self.named_expression()?;
                if self.at_comprehension() {
                    self.comprehension()?;
                    if count > 0 || !self.at_op(")") {
                        return Err(SignatureError::syntax(
                            item.start..self.last_end(),
                            "Generator expression must be parenthesized",
                            "put it in parentheses",
                        ));
                    }
                }
                if keyword_unpacking {
                    return Err(SignatureError::syntax(
                        item,
                        "positional argument follows keyword argument unpacking",
                        "after `**`",
                    ));
                }
                if keyword {
                    return Err(SignatureError::syntax(
                        item,
                        "positional argument follows keyword argument",
                        "after a keyword argument",
                    ));
                }
            }
            count += 1;
            if !self.eat_op(",") && !self.at_op(")") {
                return Err(self.unexpected());
            }
        }
        Ok(())
    }
}

/// Whether an expression can be assigned to (a `for` target).
fn is_target(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => true,
        ExprKind::Tuple(items) => items.iter().all(is_target),
        ExprKind::Other(name) => matches!(*name, "List" | "Starred"),
        _ => false,
    }
}
