//! `parse_array.py` and `parser_parenthesized.py`: arrays (closed by `]`, or by `)` for
//! a Python tuple), repaired when unclosed.

use super::{Ctx, Parser, is_delimiter, is_in, is_strictly_empty};
use crate::text::is_python_space;
use crate::value::Value;

impl Parser {
    pub(super) fn parse_array(&mut self, closing: char) -> Value {
        self.nested(|p| p.parse_array_body(closing))
    }

    fn parse_array_body(&mut self, closing: char) -> Value {
        let array_is_object_value = self.current() == Some(Ctx::ObjectValue);
        let mut closed_before_parent_member = false;
        let mut items: Vec<Value> = Vec::new();
        self.context.push(Ctx::Array);
        let mut c;
        loop {
            self.skip_whitespace_and_comments();
            c = self.at(0);
            if c.is_none() || is_in(c, &[closing, '}']) {
                break;
            }
            if c == Some(',') {
                self.index += 1;
                continue;
            }
            let before = self.index;
            let value = if let Some(quote) = c.filter(|q| is_delimiter(Some(*q))) {
                let i = self.skip_to(&[quote], 1);
                let i = self.scroll(i + 1);
                if self.at(i) == Some(':') {
                    if array_is_object_value
                        && !items.is_empty()
                        && items
                            .iter()
                            .all(|v| !matches!(v, Value::Object(_) | Value::List(_)))
                    {
                        closed_before_parent_member = true;
                        break;
                    }
                    self.parse_object()
                } else {
                    self.parse_string()
                }
            } else {
                self.parse_json()
            };
            if is_strictly_empty(&value) && !is_in(self.at(0), &[closing, ',']) {
                self.index += 1;
            } else if value == Value::str("...") && self.at(-1) == Some('.') {
                // A stray `...` in an array is dropped.
            } else {
                items.push(value);
            }
            if self.index <= before {
                self.index = before + 1;
            }
            if self.too_deep {
                break;
            }
        }
        if !closed_before_parent_member {
            self.index += 1;
        }
        self.context.pop();
        Value::List(items)
    }

    /// `parse_parenthesized`: a tuple is a list; `(x)` alone is `x`.
    pub(super) fn parse_parenthesized(&mut self) -> Value {
        let explicit_tuple = self.parenthesized_is_explicit_tuple();
        self.index += 1;
        match self.parse_array(')') {
            Value::List(mut items) if !explicit_tuple && items.len() == 1 => {
                items.pop().unwrap_or(Value::Null)
            }
            other => other,
        }
    }

    /// Whether the `(` here starts a tuple: empty, or with a top-level comma.
    fn parenthesized_is_explicit_tuple(&self) -> bool {
        let mut scan = Scan::default();
        let mut saw_content = false;
        for &c in self.rest(1) {
            match scan.step(c) {
                Step::Skip => continue,
                Step::QuoteOpened => {
                    saw_content = saw_content || scan.at_top();
                    continue;
                }
                Step::Char => {}
            }
            if !is_python_space(c) && c != ',' && c != ')' && scan.at_top() {
                saw_content = true;
            }
            match c {
                '(' => scan.parens += 1,
                ')' if scan.at_top() => return !saw_content,
                ')' if scan.parens > 0 => scan.parens -= 1,
                ',' if scan.at_top() => return true,
                _ => scan.brackets(c),
            }
        }
        !saw_content
    }

    /// Whether a `(` outside any container looks like a value on its own line rather
    /// than a parenthetical remark in prose.
    pub(super) fn top_level_parenthesized_can_start_value(&self) -> bool {
        let mut i = self.index - 1;
        while i >= 0 {
            match self.char_at_abs(i) {
                Some('\n' | '\r') => break,
                Some(c) if !is_python_space(c) => return false,
                _ => i -= 1,
            }
        }
        let idx = self.scroll(1);
        let Some(first) = self.at(idx) else {
            return false;
        };
        let inner: String = self
            .rest(idx)
            .iter()
            .take(5)
            .collect::<String>()
            .to_lowercase();
        let starts_value = matches!(first, ')' | '{' | '[' | '(' | '-' | '.')
            || is_delimiter(Some(first))
            || first.is_ascii_digit()
            || (!first.is_ascii() && first.is_numeric())
            || ["true", "null", "none"]
                .iter()
                .any(|w| inner.starts_with(w))
            || inner.starts_with("false");
        if !starts_value {
            return false;
        }
        let mut scan = Scan::default();
        let rest = self.rest(1);
        for (offset, &c) in rest.iter().enumerate() {
            if scan.step(c) != Step::Char {
                continue;
            }
            match c {
                '(' => scan.parens += 1,
                ')' if scan.at_top() => {
                    let trailer = rest.get(offset + 1..).unwrap_or(&[]);
                    for &t in trailer {
                        if t == '\n' || t == '\r' {
                            return true;
                        }
                        if !is_python_space(t) {
                            return false;
                        }
                    }
                    return true;
                }
                // Unguarded in json_repair: a `)` inside brackets may take it below zero.
                ')' => scan.parens -= 1,
                _ => scan.brackets(c),
            }
        }
        true
    }

    /// The text from `index + offset` to the end.
    fn rest(&self, offset: isize) -> &[char] {
        let start = usize::try_from(self.index + offset).unwrap_or(0);
        self.text.get(start..).unwrap_or(&[])
    }
}

/// Bracket and quote tracking shared by the two parenthesis scans.
#[derive(Default)]
struct Scan {
    parens: isize,
    squares: usize,
    braces: usize,
    quote: Option<char>,
    backslashes: usize,
}

#[derive(PartialEq, Eq)]
enum Step {
    /// Inside a string or a backslash run: not a structural character.
    Skip,
    /// A quote opened a string.
    QuoteOpened,
    /// A structural character to look at.
    Char,
}

impl Scan {
    fn at_top(&self) -> bool {
        self.parens == 0 && self.squares == 0 && self.braces == 0
    }

    fn step(&mut self, c: char) -> Step {
        if c == '\\' {
            self.backslashes += 1;
            return Step::Skip;
        }
        if let Some(quote) = self.quote {
            if c == quote && self.backslashes.is_multiple_of(2) {
                self.quote = None;
            }
            self.backslashes = 0;
            return Step::Skip;
        }
        if is_delimiter(Some(c)) && self.backslashes.is_multiple_of(2) {
            self.quote = Some(c);
            self.backslashes = 0;
            return Step::QuoteOpened;
        }
        self.backslashes = 0;
        Step::Char
    }

    fn brackets(&mut self, c: char) {
        match c {
            '[' => self.squares += 1,
            ']' => self.squares = self.squares.saturating_sub(1),
            '{' => self.braces += 1,
            '}' => self.braces = self.braces.saturating_sub(1),
            _ => {}
        }
    }
}
