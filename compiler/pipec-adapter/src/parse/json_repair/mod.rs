//! json_repair 0.64.5's `loads`, as DSPy calls it (no schema, not strict, not
//! streaming): `json.loads` when the text is valid JSON, else a repairing parser that
//! skips prose to the first `{`/`[`, closes what is left open, accepts single quotes,
//! unquoted keys and values, comments, trailing commas, Python literals (`None`,
//! `True`), code fences, and several top-level values (returned as a list).
//!
//! This is a line-for-line port of the library's parser (`json_parser.py` and the
//! `parse_*.py` modules), with Python's indexing kept: positions are code points, and a
//! negative position counts from the end as a Python index does. It agrees with the
//! library on tens of thousands of generated inputs (see `docs/dspy-adapter.md`). What
//! differs: nesting deeper than [`MAX_DEPTH`] is an error (Python fails at about the same
//! depth with a `RecursionError`), a loop that stops making progress ends instead of
//! spinning forever, and an escaped lone surrogate (`\ud83d`), which a Python string can
//! hold and a Rust one cannot, becomes U+FFFD.

mod array;
mod comment;
mod lookahead;
mod number;
mod object;
mod string;
mod string_quotes;

use crate::text::is_python_space;
use crate::value::{Value, json};

/// The deepest recursion the parser follows: two levels per nested container
/// (`parse_json`, then `parse_array` or `parse_object`), about the 300 containers at which
/// Python's recursion limit stops json_repair.
pub const MAX_DEPTH: usize = 600;

/// json_repair's quote characters.
const STRING_DELIMITERS: [char; 4] = ['"', '\'', '“', '”'];

/// Why json_repair raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairError {
    /// The input nests deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// `json_repair.loads(text)`: the repaired value, `""` when nothing was found.
///
/// # Errors
/// Input nested too deeply.
pub fn loads(text: &str) -> Result<Value, RepairError> {
    if let Ok(value) = json::loads(text) {
        return Ok(value);
    }
    let mut parser = Parser::new(text);
    let value = parser.parse_top_level();
    if parser.too_deep {
        return Err(RepairError::TooDeep);
    }
    Ok(value)
}

/// Where the parser is: inside an object key, an object value or an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    ObjectKey,
    ObjectValue,
    Array,
}

/// The parser's state (`JSONParser`).
struct Parser {
    text: Vec<char>,
    index: isize,
    context: Vec<Ctx>,
    deferred_contexts: Vec<Ctx>,
    has_tried_valid_json_suffix: bool,
    depth: usize,
    too_deep: bool,
}

/// Python's truthiness of a JSON value.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => !i.is_zero(),
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// `ObjectComparer.is_same_object`: same types and the same structure.
fn is_same_object(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| is_same_object(v, w)))
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| is_same_object(v, w))
        }
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// `ObjectComparer.is_strictly_empty`: an empty string, list or dict.
fn is_strictly_empty(value: &Value) -> bool {
    match value {
        Value::Str(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn is_in(c: Option<char>, set: &[char]) -> bool {
    c.is_some_and(|c| set.contains(&c))
}

fn is_delimiter(c: Option<char>) -> bool {
    is_in(c, &STRING_DELIMITERS)
}

fn is_space(c: Option<char>) -> bool {
    c.is_some_and(is_python_space)
}

/// `str.isalpha` (Unicode letters).
fn is_alpha(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphabetic)
}

/// `str.isdigit`.
fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()))
}

/// `str.isalnum`.
fn is_alnum(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            text: text.chars().collect(),
            index: 0,
            context: Vec::new(),
            deferred_contexts: Vec::new(),
            has_tried_valid_json_suffix: false,
            depth: 0,
            too_deep: false,
        }
    }

    fn len(&self) -> isize {
        isize::try_from(self.text.len()).unwrap_or(isize::MAX)
    }

    /// `json_str[pos]` with Python's negative indexing; `None` past either end.
    fn char_at_abs(&self, pos: isize) -> Option<char> {
        let pos = if pos < 0 { pos + self.len() } else { pos };
        usize::try_from(pos)
            .ok()
            .and_then(|p| self.text.get(p).copied())
    }

    /// `get_char_at(count)`.
    fn at(&self, count: isize) -> Option<char> {
        self.char_at_abs(self.index + count)
    }

    /// `json_str[start:end]` for non-negative bounds, clamped.
    fn slice(&self, start: isize, end: isize) -> String {
        let clamp = |p: isize| usize::try_from(p.clamp(0, self.len())).unwrap_or(0);
        let (start, end) = (clamp(start), clamp(end));
        if start >= end {
            return String::new();
        }
        self.text[start..end].iter().collect()
    }

    fn context_empty(&self) -> bool {
        self.context.is_empty()
    }

    fn current(&self) -> Option<Ctx> {
        self.context.last().copied()
    }

    fn in_context(&self, ctx: Ctx) -> bool {
        self.context.contains(&ctx)
    }

    /// `skip_whitespaces`.
    fn skip_whitespaces(&mut self) {
        while is_space(self.at(0)) && self.index >= 0 {
            self.index += 1;
        }
    }

    /// `skip_whitespace_and_comments`.
    fn skip_whitespace_and_comments(&mut self) {
        loop {
            self.skip_whitespaces();
            let c = self.at(0);
            if c != Some('#') && !(c == Some('/') && is_in(self.at(1), &['/', '*'])) {
                return;
            }
            let before = self.index;
            self.skip_comment();
            if self.index == before {
                return;
            }
        }
    }

    /// `scroll_whitespaces(idx, backwards)`: the offset of the first non-space at or
    /// after (before) `idx`, without moving.
    fn scroll_whitespaces(&self, idx: isize, backwards: bool) -> isize {
        let step = if backwards { -1 } else { 1 };
        let mut idx = idx;
        loop {
            let Some(c) = self.char_at_abs(self.index + idx) else {
                return idx;
            };
            if !(self.index + idx >= 0 && is_python_space(c)) {
                return idx;
            }
            idx += step;
        }
    }

    fn scroll(&self, idx: isize) -> isize {
        self.scroll_whitespaces(idx, false)
    }

    /// `skip_to_character`: the offset of the first unescaped `targets` character at or
    /// after `idx`, or the distance to the end.
    fn skip_to(&self, targets: &[char], idx: isize) -> isize {
        let mut i = self.index + idx;
        let n = self.len();
        let mut backslashes = 0usize;
        while i < n {
            let Some(c) = self.char_at_abs(i) else {
                break;
            };
            if c == '\\' {
                backslashes += 1;
                i += 1;
                continue;
            }
            if targets.contains(&c) && backslashes.is_multiple_of(2) {
                return i - self.index;
            }
            backslashes = 0;
            i += 1;
        }
        n - self.index
    }

    /// Run `body` with `ctx` pushed (`with self.context.enter(ctx)`).
    fn within<T>(&mut self, ctx: Ctx, body: impl FnOnce(&mut Parser) -> T) -> T {
        self.context.push(ctx);
        let result = body(self);
        self.context.pop();
        result
    }

    /// `_parse_top_level`: one value, or several top-level values as a list.
    fn parse_top_level(&mut self) -> Value {
        let first = self.parse_json();
        if self.index >= self.len() {
            return first;
        }
        let mut values = vec![first];
        while self.index < self.len() && !self.too_deep {
            self.context.clear();
            self.deferred_contexts.clear();
            let comma_separated = self.next_top_level_value_is_comma_separated();
            let before = self.index;
            let value = self.parse_json();
            if truthy(&value) {
                let last = values.last().cloned().unwrap_or(Value::Null);
                if (!comma_separated && is_same_object(&last, &value)) || !truthy(&last) {
                    values.pop();
                }
                values.push(value);
            } else {
                self.index += 1;
            }
            if self.index <= before {
                self.index = before + 1;
            }
        }
        if values.len() == 1 {
            values.pop().unwrap_or(Value::Null)
        } else {
            Value::List(values)
        }
    }

    fn next_top_level_value_is_comma_separated(&self) -> bool {
        let idx = self.scroll(0);
        if self.at(idx) == Some(',') {
            return true;
        }
        let mut i = self.index - 1;
        while i >= 0 && is_space(self.char_at_abs(i)) {
            i -= 1;
        }
        i >= 0 && self.char_at_abs(i) == Some(',')
    }

    /// `parse_json`: the next value, dispatching on its first character; outside any
    /// container, prose is skipped until a container starts.
    fn parse_json(&mut self) -> Value {
        self.nested(Parser::parse_json_inner)
    }

    /// Run one level of the recursive descent, or stop everything past [`MAX_DEPTH`]
    /// (where Python's recursion limit stops json_repair).
    fn nested(&mut self, body: impl FnOnce(&mut Parser) -> Value) -> Value {
        if self.depth >= MAX_DEPTH || self.too_deep {
            self.too_deep = true;
            self.index = self.len();
            return Value::str("");
        }
        self.depth += 1;
        let value = body(self);
        self.depth -= 1;
        value
    }

    fn parse_json_inner(&mut self) -> Value {
        if !self.deferred_contexts.is_empty() {
            let deferred = std::mem::take(&mut self.deferred_contexts);
            let depth = self.context.len();
            self.context.extend(deferred);
            let value = self.parse_json();
            self.context.truncate(depth);
            return value;
        }
        let mut check_initial_quote = self.index == 0 && self.context_empty();
        loop {
            let Some(c) = self.at(0) else {
                return Value::str("");
            };
            if matches!(c, '{' | '[')
                && self.initial_container_has_non_comma_trailing_content()
                && let Some(value) = self.try_parse_valid_json_value()
            {
                return value;
            }
            match c {
                '{' => {
                    self.index += 1;
                    return self.parse_object();
                }
                '[' => {
                    self.index += 1;
                    return self.parse_array(']');
                }
                '(' => {
                    if !self.context_empty() || self.top_level_parenthesized_can_start_value() {
                        return self.parse_parenthesized();
                    }
                    self.index += 1;
                    continue;
                }
                _ => {}
            }
            if !self.context_empty() && (is_delimiter(Some(c)) || c.is_alphabetic()) {
                return self.parse_string();
            }
            if !self.context_empty() && (is_digit(Some(c)) || c == '-' || c == '.') {
                return self.parse_number();
            }
            if c == '#' || c == '/' {
                return self.parse_comment();
            }
            if is_delimiter(Some(c)) && check_initial_quote {
                check_initial_quote = false;
                if let Some(value) = self.try_parse_missing_opening_object(c) {
                    return value;
                }
            }
            self.index += 1;
        }
    }

    /// Whether the first container closes and is followed by something other than a
    /// comma (always true once past the start).
    fn initial_container_has_non_comma_trailing_content(&self) -> bool {
        if self.index != 0 {
            return true;
        }
        let mut containers: Vec<char> = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        for (i, &c) in self.text.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '{' | '[' => containers.push(c),
                '}' | ']' => {
                    let Some(open) = containers.pop() else {
                        return false;
                    };
                    if (open == '{') != (c == '}') {
                        return false;
                    }
                    if containers.is_empty() {
                        let rest = self.text.get(i + 1..).unwrap_or(&[]);
                        return rest
                            .iter()
                            .find(|c| !is_python_space(**c))
                            .is_some_and(|c| *c != ',');
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// `_try_parse_valid_json_value`: once, decode a valid JSON value right here.
    fn try_parse_valid_json_value(&mut self) -> Option<Value> {
        if self.has_tried_valid_json_suffix || !self.context_empty() {
            return None;
        }
        self.has_tried_valid_json_suffix = true;
        let start = usize::try_from(self.index).ok()?;
        let (value, end) = json::raw_decode(&self.text, start).ok()?;
        self.index = isize::try_from(end).ok()?;
        Some(value)
    }

    /// `_try_parse_missing_opening_object`: `"key": value }` with only the `{` missing.
    fn try_parse_missing_opening_object(&mut self, delimiter: char) -> Option<Value> {
        if self.scroll(-self.index) != 0 {
            return None;
        }
        let offset = self.skip_to(&[delimiter], 1);
        self.at(offset)?;
        let offset = self.scroll(offset + 1);
        if self.at(offset) != Some(':') {
            return None;
        }
        let end_offset = self.scroll_whitespaces(self.len() - self.index - 1, true);
        if self.at(end_offset) != Some('}') {
            return None;
        }
        let mut candidate = vec!['{'];
        candidate.extend(self.text.iter().copied());
        let (value, end) = json::raw_decode(&candidate, 0).ok()?;
        let rest = candidate.get(end..).unwrap_or(&[]);
        if rest.iter().any(|c| !matches!(c, ' ' | '\t' | '\r' | '\n')) {
            return None;
        }
        self.index = self.len();
        Some(value)
    }
}

#[cfg(test)]
mod tests;
