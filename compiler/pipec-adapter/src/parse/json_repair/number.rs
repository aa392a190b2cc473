//! `parse_number.py`: a run of number characters, as an int, a float, or (with a comma
//! or an invalid shape) the text itself; a number running into letters is a string.

use super::{Ctx, Parser, is_alpha};
use crate::value::{Int, Value};

/// `NUMBER_CHARS`.
fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E' | '/' | ',' | '_')
}

impl Parser {
    pub(super) fn parse_number(&mut self) -> Value {
        let start = self.index;
        let mut text = String::new();
        let is_array = self.current() == Some(Ctx::Array);
        while let Some(c) = self.at(0) {
            let allowed = is_number_char(c) || (c == '+' && text.ends_with(['e', 'E']));
            if !allowed || (is_array && c == ',') {
                break;
            }
            if c != '_' {
                text.push(c);
            }
            self.index += 1;
        }
        if is_alpha(self.at(0)) {
            self.index = start;
            return self.parse_string();
        }
        if text.ends_with(['+', '-', 'e', 'E', '/', ',']) {
            text.pop();
            self.index -= 1;
        }
        if text.contains(',') {
            return Value::Str(text);
        }
        if text.contains(['.', 'e', 'E']) {
            return python_float(&text).map_or(Value::Str(text), Value::Float);
        }
        Int::parse(&text).map_or(Value::Str(text), Value::Int)
    }
}

/// Python's `float(text)` for text made of digits, `.`, `e`, signs.
fn python_float(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let digits_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let whole = parts.next().unwrap_or("");
        let fraction = parts.next().unwrap_or("");
        !(whole.is_empty() && fraction.is_empty())
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if !(digits_ok && exponent_ok) {
        return None;
    }
    text.parse().ok()
}
