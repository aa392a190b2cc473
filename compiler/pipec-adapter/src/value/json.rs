//! Python's `json` module on [`Value`]: `json.loads` (strict: no trailing commas, no raw
//! control characters inside strings; `NaN`, `Infinity` and integers of any size
//! accepted), `JSONDecoder().raw_decode`, and `json.dumps(..., ensure_ascii=False)` with
//! the default separators or `indent=2`.
//!
//! The reader works on `char`s because json_repair, which calls it on the rest of its
//! input, indexes by code point as Python does.

use super::python::float_repr;
use super::{Int, Map, Value};

/// Nesting deeper than this is refused (CPython's own decoder recurses and fails near
/// 1000 levels with a `RecursionError`; DSPy reports either as a parse failure).
pub const MAX_DEPTH: usize = 500;

/// Why a text is not JSON, and where (a code-point offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What went wrong.
    pub message: &'static str,
    /// Where, in code points.
    pub at: usize,
}

/// `json.loads(text)`.
pub fn loads(text: &str) -> Result<Value, JsonError> {
    let chars: Vec<char> = text.chars().collect();
    let mut reader = Reader {
        chars: &chars,
        pos: 0,
    };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos != chars.len() {
        return Err(reader.error("Extra data"));
    }
    Ok(value)
}

/// `json.JSONDecoder().raw_decode(chars[start..])`: the value that starts exactly at
/// `start` (no leading whitespace skipped) and the offset just after it.
pub fn raw_decode(chars: &[char], start: usize) -> Result<(Value, usize), JsonError> {
    let mut reader = Reader { chars, pos: start };
    let value = reader.value(0)?;
    Ok((value, reader.pos))
}

struct Reader<'c> {
    chars: &'c [char],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            message,
            at: self.pos,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let len = word.chars().count();
        let matches = self
            .chars
            .get(self.pos..self.pos + len)
            .is_some_and(|s| s.iter().copied().eq(word.chars()));
        if matches {
            self.pos += len;
        }
        matches
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("Nesting too deep"));
        }
        match self.peek() {
            Some('{') => self.object(depth),
            Some('[') => self.array(depth),
            Some('"') => self.string().map(Value::Str),
            Some('n') if self.eat_word("null") => Ok(Value::Null),
            Some('t') if self.eat_word("true") => Ok(Value::Bool(true)),
            Some('f') if self.eat_word("false") => Ok(Value::Bool(false)),
            Some('N') if self.eat_word("NaN") => Ok(Value::Float(f64::NAN)),
            Some('I') if self.eat_word("Infinity") => Ok(Value::Float(f64::INFINITY)),
            Some('-') if self.eat_word("-Infinity") => Ok(Value::Float(f64::NEG_INFINITY)),
            Some('-' | '0'..='9') => self.number(),
            _ => Err(self.error("Expecting value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_whitespace();
        if self.peek() == Some('}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            if self.peek() != Some('"') {
                return Err(self.error("Expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(':') {
                return Err(self.error("Expecting ':' delimiter"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            map.insert(key, value);
            self.skip_whitespace();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(']') {
            self.pos += 1;
            return Ok(Value::List(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("Unterminated string"));
            };
            self.pos += 1;
            match c {
                '"' => return Ok(out),
                '\\' => out.push(self.escape()?),
                c if u32::from(c) < 0x20 => return Err(self.error("Invalid control character")),
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(c) = self.peek() else {
            return Err(self.error("Unterminated string"));
        };
        self.pos += 1;
        Ok(match c {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let high = self.hex4()?;
                if (0xD800..0xDC00).contains(&high)
                    && self.chars.get(self.pos) == Some(&'\\')
                    && self.chars.get(self.pos + 1) == Some(&'u')
                {
                    let save = self.pos;
                    self.pos += 2;
                    let low = self.hex4()?;
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    self.pos = save;
                }
                // A lone surrogate is a valid Python string but not a Rust one.
                char::from_u32(high).unwrap_or('\u{fffd}')
            }
            _ => return Err(self.error("Invalid \\escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .chars
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("Invalid \\uXXXX escape"))?;
        let mut code = 0u32;
        for d in digits {
            code = code * 16
                + d.to_digit(16)
                    .ok_or_else(|| self.error("Invalid \\uXXXX escape"))?;
        }
        self.pos += 4;
        Ok(code)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`: an int without fraction or
    /// exponent, else a float.
    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        match self.peek() {
            Some('0') => self.pos += 1,
            Some('1'..='9') => self.digits(),
            _ => {
                self.pos = start;
                return Err(self.error("Expecting value"));
            }
        }
        let mut is_float = false;
        if self.peek() == Some('.')
            && self
                .chars
                .get(self.pos + 1)
                .is_some_and(char::is_ascii_digit)
        {
            self.pos += 1;
            self.digits();
            is_float = true;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.digits();
                is_float = true;
            } else {
                self.pos = save;
            }
        }
        let text: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or(&[])
            .iter()
            .collect();
        if is_float {
            return text
                .parse()
                .map(Value::Float)
                .map_err(|_| self.error("Expecting value"));
        }
        Int::parse(&text)
            .map(Value::Int)
            .ok_or_else(|| self.error("Exceeds the limit for integer string conversion"))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

/// `json.dumps(value, ensure_ascii=False)`: `, ` and `: ` separators, one line.
#[must_use]
pub fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None, 0);
    out
}

/// `json.dumps(value, indent=2, ensure_ascii=False)`.
#[must_use]
pub fn dumps_indented(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(2), 0);
    out
}

fn write_value(out: &mut String, value: &Value, indent: Option<usize>, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => out.push_str(i.as_str()),
        Value::Float(f) => out.push_str(&json_float(*f)),
        Value::Str(s) => write_string(out, s),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separator(out, i, indent, level + 1);
                write_value(out, item, indent, level + 1);
            }
            close(out, ']', indent, level);
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                separator(out, i, indent, level + 1);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item, indent, level + 1);
            }
            close(out, '}', indent, level);
        }
    }
}

/// Before the `i`-th item: `, ` on one line; `,` and a new indented line with `indent`.
fn separator(out: &mut String, i: usize, indent: Option<usize>, level: usize) {
    match indent {
        None if i > 0 => out.push_str(", "),
        None => {}
        Some(width) => {
            if i > 0 {
                out.push(',');
            }
            out.push('\n');
            out.push_str(&" ".repeat(width * level));
        }
    }
}

fn close(out: &mut String, bracket: char, indent: Option<usize>, level: usize) {
    if let Some(width) = indent {
        out.push('\n');
        out.push_str(&" ".repeat(width * level));
    }
    out.push(bracket);
}

/// A float as `json.dumps` writes it: `repr`, with `NaN` and `Infinity` spelled out.
#[must_use]
pub fn json_float(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        float_repr(value)
    }
}

/// A JSON string literal as `json.dumps(..., ensure_ascii=False)` writes it.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_python_reads() {
        let value = loads(r#" {"b": 1, "a": [1.0, -0, 1e400, "x\u00e9\ud83c\udf89"], "b": null} "#);
        let Ok(Value::Object(map)) = value else {
            panic!("not an object: {value:?}");
        };
        let keys: Vec<&String> = map.keys().collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(map.get("b"), Some(&Value::Null));
        assert_eq!(
            dumps(&Value::Object(map)),
            "{\"b\": null, \"a\": [1.0, 0, Infinity, \"xé🎉\"]}"
        );
        assert!(loads("[1,]").is_err());
        assert!(loads("\"a\nb\"").is_err());
        assert!(loads("01").is_err());
        assert!(loads("").is_err());
        assert_eq!(
            loads("123456789012345678901234567890").map(|v| dumps(&v)),
            Ok("123456789012345678901234567890".into())
        );
    }

    #[test]
    fn writes_as_python_writes() {
        let value = loads(r#"{"k": [1, 2.5, null], "s": "q\"\u0001", "e": {}, "l": []}"#);
        let Ok(value) = value else {
            panic!("{value:?}");
        };
        assert_eq!(
            dumps(&value),
            r#"{"k": [1, 2.5, null], "s": "q\"\u0001", "e": {}, "l": []}"#
        );
        assert_eq!(
            dumps_indented(&value),
            "{\n  \"k\": [\n    1,\n    2.5,\n    null\n  ],\n  \"s\": \"q\\\"\\u0001\",\n  \"e\": {},\n  \"l\": []\n}"
        );
        assert_eq!(json_float(1e-7), "1e-07");
    }

    #[test]
    fn raw_decode_stops_after_the_value() {
        let chars: Vec<char> = "x{\"a\": 1} tail".chars().collect();
        assert_eq!(raw_decode(&chars, 1).map(|(_, end)| end), Ok(9));
        assert!(raw_decode(&chars, 0).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(loads(&deep).is_err());
    }
}
