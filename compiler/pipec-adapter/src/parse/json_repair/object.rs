//! `parse_object.py`: objects with quoted, single-quoted or bare keys, missing colons,
//! commas and braces repaired; an "object" with no key/value pairs is re-read as an
//! array; a duplicate key inside an array splits the object in two.

use super::{Ctx, Parser, STRING_DELIMITERS, is_delimiter, is_in, is_space};
use crate::text::strip;
use crate::value::{Map, Value};

impl Parser {
    pub(super) fn parse_object(&mut self) -> Value {
        self.nested(Parser::parse_object_body)
    }

    fn parse_object_body(&mut self) -> Value {
        let mut obj = Map::new();
        let start_index = self.index;
        let parsing_object_value = self.current() == Some(Ctx::ObjectValue);
        loop {
            self.skip_whitespace_and_comments();
            let c = self.at(0);
            if c.is_none() || c == Some('}') || self.too_deep {
                break;
            }
            if c == Some(',') {
                self.index += 1;
                continue;
            }
            if c == Some(':') {
                self.index += 1;
            }
            let loop_start = self.index;
            let (key, rollback_index) = self.parse_object_key(&mut obj);
            if self.in_context(Ctx::Array)
                && obj.contains_key(&key)
                && !parsing_object_value
                && self.should_split_duplicate_object(rollback_index)
            {
                self.index = rollback_index - 1;
                let at = usize::try_from(self.index + 1)
                    .unwrap_or(0)
                    .min(self.text.len());
                self.text.insert(at, '{');
                break;
            }
            self.skip_whitespace_and_comments();
            let c = self.at(0);
            if c.is_none() || c == Some('}') {
                continue;
            }
            self.index += 1;
            let value = self.parse_object_value();
            obj.insert(key, value);
            if is_in(self.at(0), &[',', '\'', '"']) {
                self.index += 1;
            }
            if self.at(0) == Some(']') && self.in_context(Ctx::Array) {
                self.index -= 1;
                break;
            }
            if self.index <= loop_start && self.at(0).is_some() {
                // json_repair would spin here; move on.
                self.index = loop_start + 1;
            }
        }
        self.index += 1;
        if let Some(repaired) = self.repair_empty_object(&obj, start_index) {
            return repaired;
        }
        self.complete_object_parse(obj)
    }

    /// `_parse_object_key`: the key, and where it started.
    fn parse_object_key(&mut self, obj: &mut Map) -> (String, isize) {
        let mut key = String::new();
        let mut rollback_index = self.index;
        self.context.push(Ctx::ObjectKey);
        while self.at(0).is_some() && !self.too_deep {
            rollback_index = self.index;
            if self.at(0) == Some('[')
                && key.is_empty()
                && self.merge_object_array_continuation(obj)
            {
                continue;
            }
            let before = self.index;
            key = match self.parse_string() {
                Value::Str(s) => s,
                _ => String::new(),
            };
            if key.is_empty() {
                self.skip_whitespace_and_comments();
            }
            if !key.is_empty() || is_in(self.at(0), &[':', '}']) {
                break;
            }
            if self.index <= before {
                // json_repair would spin here (nothing read, no `:`); move on.
                self.index = before + 1;
            }
        }
        self.context.pop();
        (key, rollback_index)
    }

    /// `_merge_object_array_continuation`: `"k": [1, 2] [3, 4]` appends to `k`.
    fn merge_object_array_continuation(&mut self, obj: &mut Map) -> bool {
        let Some(previous_key) = obj.keys().last().cloned() else {
            return false;
        };
        if previous_key.is_empty() || !matches!(obj.get(&previous_key), Some(Value::List(_))) {
            return false;
        }
        self.index += 1;
        let Value::List(new_array) = self.parse_array(']') else {
            return false;
        };
        let Some(Value::List(previous)) = obj.get(&previous_key).cloned() else {
            return false;
        };
        let mut previous = previous;
        let lengths: Vec<usize> = previous
            .iter()
            .filter_map(|v| v.as_list().map(<[Value]>::len))
            .collect();
        let expected = lengths
            .first()
            .copied()
            .filter(|first| lengths.iter().all(|l| l == first));
        match expected {
            Some(row) if row > 0 => {
                let mut tail = Vec::new();
                while previous
                    .last()
                    .is_some_and(|v| !matches!(v, Value::List(_)))
                {
                    tail.extend(previous.pop());
                }
                if !tail.is_empty() {
                    tail.reverse();
                    if tail.len() % row == 0 {
                        for chunk in tail.chunks(row) {
                            previous.push(Value::List(chunk.to_vec()));
                        }
                    } else {
                        previous.extend(tail);
                    }
                }
                if !new_array.is_empty() {
                    if new_array.iter().all(|v| matches!(v, Value::List(_))) {
                        previous.extend(new_array);
                    } else {
                        previous.push(Value::List(new_array));
                    }
                }
            }
            _ => match new_array.as_slice() {
                [Value::List(inner)] => previous.extend(inner.iter().cloned()),
                _ => previous.extend(new_array),
            },
        }
        obj.insert(previous_key, Value::List(previous));
        self.skip_whitespace_and_comments();
        if self.at(0) == Some(',') {
            self.index += 1;
        }
        self.skip_whitespace_and_comments();
        true
    }

    /// `_should_split_duplicate_object`: a repeated key starts a new object, unless it
    /// follows a normal `,` and is quoted and followed by `:`.
    fn should_split_duplicate_object(&self, rollback_index: isize) -> bool {
        let mut lookback = rollback_index - self.index - 1;
        let mut previous = self.at(lookback);
        while is_space(previous) {
            lookback -= 1;
            previous = self.at(lookback);
        }
        let key_start = self.at(rollback_index - self.index);
        let next = self.at(self.scroll(0));
        !(is_delimiter(key_start) && previous == Some(',') && next == Some(':'))
    }

    /// `_parse_object_value`.
    fn parse_object_value(&mut self) -> Value {
        self.within(Ctx::ObjectValue, |p| {
            p.skip_whitespace_and_comments();
            if is_in(p.at(0), &[',', '}']) {
                return Value::str("");
            }
            p.parse_json()
        })
    }

    /// `_repair_empty_object_result`: `{"a", "b"}` and other key-less objects.
    fn repair_empty_object(&mut self, obj: &Map, start_index: isize) -> Option<Value> {
        if !obj.is_empty() || self.index - start_index <= 2 {
            return None;
        }
        let body = self.slice(start_index, self.index - 1);
        if self.at(-1) == Some('}') && strip(&strip_comments(&body)).is_empty() {
            return None;
        }
        match self.classify_empty_object(start_index) {
            EmptyObject::Keep => None,
            EmptyObject::Object(normalized) => {
                let end_index = self.index + 1;
                let before: Vec<char> = self.slice(0, start_index - 1).chars().collect();
                let after: Vec<char> = self.slice(end_index, self.len()).chars().collect();
                self.text = before;
                self.text.extend(normalized.chars());
                self.text.extend(after);
                self.index = start_index;
                let value = self.within(Ctx::ObjectKey, Parser::parse_object);
                self.deferred_contexts.push(Ctx::ObjectKey);
                Some(value)
            }
            EmptyObject::Array => {
                self.index = start_index;
                let value = self.within(Ctx::ObjectKey, |p| p.parse_array(']'));
                self.deferred_contexts.push(Ctx::ObjectKey);
                Some(value)
            }
        }
    }

    /// `_classify_empty_object_repair`.
    fn classify_empty_object(&self, start_index: isize) -> EmptyObject {
        let attempted = self.slice(start_index - 1, self.index + 1);
        let body: String = attempted.chars().skip(1).collect();
        let body = body.strip_suffix('}').unwrap_or(&body);
        let body = body.trim_start_matches(crate::text::is_python_space);
        if body.is_empty() {
            return EmptyObject::Keep;
        }
        if (body.starts_with("\\\"") && body.contains("\\\":"))
            || (body.starts_with("\\'") && body.contains("\\':"))
        {
            return EmptyObject::Object(attempted.replace("\\\"", "\"").replace("\\'", "'"));
        }
        let body = strip_comments(body);
        let body = body.trim_start_matches(crate::text::is_python_space);
        if body.is_empty() {
            return EmptyObject::Keep;
        }
        let mut quote: Option<char> = None;
        let mut backslashes = 0usize;
        for c in body.chars() {
            if c == '\\' {
                backslashes += 1;
                continue;
            }
            if let Some(q) = quote {
                if c == q && backslashes.is_multiple_of(2) {
                    quote = None;
                }
            } else if STRING_DELIMITERS.contains(&c) && backslashes.is_multiple_of(2) {
                quote = Some(c);
            } else if c == ':' && backslashes.is_multiple_of(2) {
                return EmptyObject::Keep;
            }
            backslashes = 0;
        }
        EmptyObject::Array
    }

    /// `_complete_object_parse`: a stray `}` inside an array is skipped; at the top level,
    /// `, "key": value` after the closing brace is merged in.
    fn complete_object_parse(&mut self, mut obj: Map) -> Value {
        if !self.context_empty() {
            if self.at(0) == Some('}')
                && !matches!(self.current(), Some(Ctx::ObjectKey | Ctx::ObjectValue))
            {
                self.index += 1;
            }
            return Value::Object(obj);
        }
        self.skip_whitespaces();
        if self.at(0) == Some(',') {
            self.index += 1;
            self.skip_whitespaces();
            if is_delimiter(self.at(0))
                && let Value::Object(more) = self.parse_object()
            {
                for (k, v) in more {
                    obj.insert(k, v);
                }
            }
        }
        Value::Object(obj)
    }
}

/// What a key-less object is taken for.
enum EmptyObject {
    Keep,
    Object(String),
    Array,
}

/// `_strip_comments_for_empty_object_classification`: the text without comments
/// outside strings.
fn strip_comments(body: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut backslashes = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\\' {
            backslashes += 1;
            out.push(c);
            i += 1;
            continue;
        }
        if let Some(q) = quote {
            out.push(c);
            if c == q && backslashes.is_multiple_of(2) {
                quote = None;
            }
            backslashes = 0;
            i += 1;
            continue;
        }
        if STRING_DELIMITERS.contains(&c) && backslashes.is_multiple_of(2) {
            quote = Some(c);
            out.push(c);
            backslashes = 0;
            i += 1;
            continue;
        }
        backslashes = 0;
        if c == '#' || (c == '/' && next == Some('/')) {
            i += if c == '/' { 2 } else { 1 };
            while i < chars.len() && !matches!(chars[i], '\n' | '\r') {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i = (i + 2).min(chars.len());
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}
