//! Python 3.11's `ast.literal_eval(text)`, which DSPy tries when json_repair finds
//! nothing: strings (adjacent ones joined), bytes, numbers, `True`/`False`/`None`, `...`,
//! tuples (bare `1, 2` too), lists, dicts, sets, `set()`, a sign before a number, and
//! `number ± imaginary`. Anything else is not a literal.
//!
//! Numbers and strings are scanned by the IR's Python tokenizer pieces
//! ([`pipec_ir::dspy::numbers`], [`pipec_ir::dspy::strings`]). Line structure follows
//! `eval` mode: leading spaces and tabs are dropped, line breaks inside brackets or after
//! `\` are whitespace, and nothing but blank and comment lines may follow the expression.
//! (Python raises `TypeError` for an unhashable dict key or set member, which DSPy does
//! not catch; here it is simply not a literal.)

use pipec_ir::LiteralValue;
use pipec_ir::dspy::numbers::scan_number;
use pipec_ir::dspy::strings::{is_string_prefix, scan_string};
use pipec_ir::dspy::token::StringToken;
use pipec_ir::dspy::unicode::{is_identifier_continue, is_identifier_start};

use super::object::Obj;
use crate::value::Int;

/// CPython's parser refuses more nested brackets than this.
const MAX_NESTING: usize = 200;

/// The value of `text` as a Python literal, or `None` when `ast.literal_eval` raises.
#[must_use]
pub fn literal_eval(text: &str) -> Option<Obj> {
    let text = text.trim_start_matches([' ', '\t']);
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
        depth: 0,
    };
    let (value, _) = parser.expression_list()?;
    while parser.peek() == Some(&Tok::Newline) {
        parser.pos += 1;
    }
    (parser.pos == tokens.len()).then_some(value)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Number(LiteralValue),
    Str(StringToken),
    Name(String),
    Op(char),
    Ellipsis,
    Newline,
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut pos = 0;
    let mut line_start = false;
    while let Some(c) = text.get(pos..).and_then(|s| s.chars().next()) {
        if line_start {
            // After a logical line at depth 0: only blank or comment lines may follow.
            let indent =
                text[pos..].len() - text[pos..].trim_start_matches([' ', '\t', '\u{c}']).len();
            pos += indent;
            match text.get(pos..).and_then(|s| s.chars().next()) {
                None if indent > 0 => return None,
                None => break,
                Some('\n' | '\r' | '#') => line_start = false,
                Some(_) if indent > 0 => return None,
                Some(_) => line_start = false,
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\u{c}' => pos += 1,
            '#' => pos += text[pos..].find(['\n', '\r']).unwrap_or(text.len() - pos),
            '\\' => {
                let rest = &text[pos + 1..];
                let skip = if rest.starts_with("\r\n") {
                    2
                } else if rest.starts_with(['\n', '\r']) {
                    1
                } else {
                    return None;
                };
                pos += 1 + skip;
            }
            '\n' | '\r' => {
                pos += if text[pos..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                if depth == 0 {
                    if !tokens.is_empty() && tokens.last() != Some(&Tok::Newline) {
                        tokens.push(Tok::Newline);
                    }
                    line_start = true;
                }
            }
            '0'..='9' => {
                let (value, end) = scan_number(text, pos).ok()?;
                tokens.push(Tok::Number(value));
                pos = end;
            }
            '.' if text[pos..].starts_with("...") => {
                tokens.push(Tok::Ellipsis);
                pos += 3;
            }
            '.' if text[pos + 1..].starts_with(|d: char| d.is_ascii_digit()) => {
                let (value, end) = scan_number(text, pos).ok()?;
                tokens.push(Tok::Number(value));
                pos = end;
            }
            '\'' | '"' => {
                let scanned = scan_string(text, pos, pos).ok()?;
                tokens.push(Tok::Str(scanned.value));
                pos = scanned.end;
            }
            c if is_identifier_start(c) => {
                let end = text[pos..]
                    .char_indices()
                    .find(|(_, c)| !is_identifier_continue(*c))
                    .map_or(text.len(), |(i, _)| pos + i);
                let word = &text[pos..end];
                if text[end..].starts_with(['\'', '"']) && is_string_prefix(word) {
                    let scanned = scan_string(text, pos, end).ok()?;
                    tokens.push(Tok::Str(scanned.value));
                    pos = scanned.end;
                } else {
                    tokens.push(Tok::Name(word.to_owned()));
                    pos = end;
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                tokens.push(Tok::Op(c));
                pos += 1;
            }
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                tokens.push(Tok::Op(c));
                pos += 1;
            }
            ',' | ':' | '+' | '-' => {
                tokens.push(Tok::Op(c));
                pos += 1;
            }
            _ => return None,
        }
    }
    Some(tokens)
}

/// What AST node a value came from, which decides where literal_eval accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    /// A `Constant`.
    Constant,
    /// A `UnaryOp` of a numeric constant.
    Signed,
    /// Anything else.
    Other,
}

struct Parser<'t> {
    tokens: &'t [Tok],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn eat_op(&mut self, op: char) -> bool {
        if self.peek() == Some(&Tok::Op(op)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Whether an element can start here.
    fn at_element(&self) -> bool {
        match self.peek() {
            Some(Tok::Op(c)) => matches!(c, '(' | '[' | '{' | '+' | '-'),
            Some(Tok::Newline) | None => false,
            Some(_) => true,
        }
    }

    /// `a` or `a, b, ...` (a tuple, with or without parentheses).
    fn expression_list(&mut self) -> Option<(Obj, Node)> {
        let first = self.element()?;
        if !self.eat_op(',') {
            return Some(first);
        }
        let mut items = vec![first.0];
        while self.at_element() {
            items.push(self.element()?.0);
            if !self.eat_op(',') {
                break;
            }
        }
        Some((Obj::Tuple(items), Node::Other))
    }

    /// `sum`: a signed number, or `number ± imaginary`.
    fn element(&mut self) -> Option<(Obj, Node)> {
        let mut left = self.unary()?;
        loop {
            let negative = if self.eat_op('+') {
                false
            } else if self.eat_op('-') {
                true
            } else {
                return Some(left);
            };
            let right = self.unary()?;
            left = (complex_sum(&left, negative, &right)?, Node::Other);
        }
    }

    fn unary(&mut self) -> Option<(Obj, Node)> {
        let negative = if self.eat_op('-') {
            true
        } else if self.eat_op('+') {
            false
        } else {
            return self.atom();
        };
        let (operand, node) = self.unary()?;
        if node != Node::Constant {
            return None;
        }
        let value = match operand {
            Obj::Int(i) if negative => Obj::Int(i.negated()),
            Obj::Int(i) => Obj::Int(i),
            Obj::Float(f) => Obj::Float(if negative { -f } else { f }),
            Obj::Complex(re, im) if negative => Obj::Complex(-re, -im),
            Obj::Complex(re, im) => Obj::Complex(re, im),
            _ => return None,
        };
        Some((value, Node::Signed))
    }

    fn atom(&mut self) -> Option<(Obj, Node)> {
        let token = self.peek()?.clone();
        self.pos += 1;
        match token {
            Tok::Number(LiteralValue::Int(digits)) => {
                Some((Obj::Int(Int::parse(&digits)?), Node::Constant))
            }
            Tok::Number(LiteralValue::Float(f)) => Some((Obj::Float(f), Node::Constant)),
            Tok::Number(LiteralValue::Imaginary(f)) => Some((Obj::Complex(0.0, f), Node::Constant)),
            Tok::Number(_) | Tok::Newline => None,
            Tok::Str(first) => self.strings(first).map(|s| (s, Node::Constant)),
            Tok::Ellipsis => Some((Obj::Ellipsis, Node::Constant)),
            Tok::Name(name) => match name.as_str() {
                "True" => Some((Obj::Bool(true), Node::Constant)),
                "False" => Some((Obj::Bool(false), Node::Constant)),
                "None" => Some((Obj::None, Node::Constant)),
                "set" if self.eat_op('(') && self.eat_op(')') => {
                    Some((Obj::Set(Vec::new()), Node::Other))
                }
                _ => None,
            },
            Tok::Op('(') => self.nested(|p| {
                if p.eat_op(')') {
                    return Some((Obj::Tuple(Vec::new()), Node::Other));
                }
                let value = p.expression_list()?;
                p.eat_op(')').then_some(value)
            }),
            Tok::Op('[') => self.nested(|p| {
                let items = p.items(']')?;
                Some((Obj::List(items), Node::Other))
            }),
            Tok::Op('{') => self.nested(|p| p.braces()),
            Tok::Op(_) => None,
        }
    }

    fn nested(
        &mut self,
        body: impl FnOnce(&mut Parser<'_>) -> Option<(Obj, Node)>,
    ) -> Option<(Obj, Node)> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let value = body(self);
        self.depth -= 1;
        value
    }

    /// Comma-separated elements up to `close` (a trailing comma allowed).
    fn items(&mut self, close: char) -> Option<Vec<Obj>> {
        let mut items = Vec::new();
        loop {
            if self.eat_op(close) {
                return Some(items);
            }
            items.push(self.element()?.0);
            if !self.eat_op(',') {
                return self.eat_op(close).then_some(items);
            }
        }
    }

    /// `{}`, `{k: v, ...}` or `{a, b, ...}`.
    fn braces(&mut self) -> Option<(Obj, Node)> {
        if self.eat_op('}') {
            return Some((Obj::Dict(Vec::new()), Node::Other));
        }
        let first = self.element()?.0;
        if self.eat_op(':') {
            let mut entries: Vec<(Obj, Obj)> = Vec::new();
            let mut key = first;
            loop {
                let value = self.element()?.0;
                if !key.is_hashable() {
                    return None;
                }
                match entries.iter_mut().find(|(k, _)| k.python_eq(&key)) {
                    Some(entry) => entry.1 = value,
                    None => entries.push((key, value)),
                }
                if !self.eat_op(',') || self.peek() == Some(&Tok::Op('}')) {
                    break;
                }
                key = self.element()?.0;
                if !self.eat_op(':') {
                    return None;
                }
            }
            return self
                .eat_op('}')
                .then_some((Obj::Dict(entries), Node::Other));
        }
        let mut members = Vec::new();
        let mut next = Some(first);
        while let Some(item) = next.take() {
            if !item.is_hashable() {
                return None;
            }
            if !members.iter().any(|m: &Obj| m.python_eq(&item)) {
                members.push(item);
            }
            if self.eat_op(',') && self.peek() != Some(&Tok::Op('}')) {
                next = Some(self.element()?.0);
            }
        }
        self.eat_op('}').then_some((Obj::Set(members), Node::Other))
    }

    /// Adjacent string literals, joined (all text or all bytes).
    fn strings(&mut self, first: StringToken) -> Option<Obj> {
        let mut parts = vec![first];
        while let Some(Tok::Str(next)) = self.peek() {
            parts.push(next.clone());
            self.pos += 1;
        }
        if parts.iter().all(|p| matches!(p, StringToken::Text(_))) {
            let text: String = parts
                .iter()
                .filter_map(|p| match p {
                    StringToken::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            return Some(Obj::Str(text));
        }
        if parts.iter().all(|p| matches!(p, StringToken::Bytes(_))) {
            let bytes: Vec<u8> = parts
                .iter()
                .flat_map(|p| match p {
                    StringToken::Bytes(b) => b.clone(),
                    _ => Vec::new(),
                })
                .collect();
            return Some(Obj::Bytes(bytes));
        }
        None
    }
}

/// `left ± right` where literal_eval allows it: a (signed) int or float plus or minus a
/// plain imaginary constant.
fn complex_sum(left: &(Obj, Node), negative: bool, right: &(Obj, Node)) -> Option<Obj> {
    if left.1 == Node::Other || right.1 != Node::Constant {
        return None;
    }
    let real = match &left.0 {
        Obj::Int(i) => i.to_f64(),
        Obj::Float(f) => *f,
        _ => return None,
    };
    let Obj::Complex(re, im) = right.0 else {
        return None;
    };
    Some(if negative {
        Obj::Complex(real - re, -im)
    } else {
        Obj::Complex(real + re, im)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str) -> String {
        literal_eval(text).map_or_else(|| "ERR".into(), |o| o.python_repr())
    }

    #[test]
    fn literals_as_python_reads_them() {
        let cases = [
            ("\n1", "1"),
            ("\n  1", "ERR"),
            ("1\n", "1"),
            ("1\n  ", "ERR"),
            ("1 # c", "1"),
            ("1 \\\n + 2j", "(1+2j)"),
            ("  1", "1"),
            ("1\n2", "ERR"),
            ("1;", "ERR"),
            ("'a' 'b'", "'ab'"),
            ("b'a' 'b'", "ERR"),
            ("...", "Ellipsis"),
            ("set()", "set()"),
            ("{}", "{}"),
            ("{1, 1.0, True}", "{1}"),
            ("{1: 'a', True: 'b'}", "{1: 'b'}"),
            ("(1)", "1"),
            ("((1,))", "(1,)"),
            ("-0x10", "-16"),
            ("1_000", "1000"),
            ("01", "ERR"),
            ("1+-2j", "ERR"),
            ("--1", "ERR"),
            ("-True", "ERR"),
            ("1,", "(1,)"),
            ("1,000", "(1, 0)"),
            ("(,)", "ERR"),
            ("()", "()"),
            ("[1,]", "[1]"),
            ("{'a':1,}", "{'a': 1}"),
            ("f'x'", "ERR"),
            ("r'\\n'", "'\\\\n'"),
            ("{[1]: 2}", "ERR"),
            ("x", "ERR"),
            ("[1, 2] [0]", "ERR"),
            ("", "ERR"),
            ("# only comment", "ERR"),
            ("{'k': None}", "{'k': None}"),
            ("42 apples", "ERR"),
            ("0x10", "16"),
            (".5", "0.5"),
            ("+5", "5"),
        ];
        for (text, expected) in cases {
            assert_eq!(eval(text), expected, "literal_eval({text:?})");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        assert_eq!(
            eval(&format!("{}1{}", "[".repeat(300), "]".repeat(300))),
            "ERR"
        );
        assert_eq!(
            eval(&format!("{}1{}", "[".repeat(50), "]".repeat(50))),
            format!("{}1{}", "[".repeat(50), "]".repeat(50))
        );
    }
}
