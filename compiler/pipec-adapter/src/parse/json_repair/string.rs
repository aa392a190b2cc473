//! `parse_string.py`: strings with double, single or smart quotes, or none at all; also
//! unquoted `true`/`false`/`null`/`None`, and a ```` ```json ```` fence met where a
//! string was expected. This file holds the state, the entry and the main scan; what a
//! quote or a backslash means is in [`super::string_quotes`], the look-ahead helpers in
//! [`super::lookahead`].

use std::collections::HashMap;

use super::{Ctx, Parser, is_alnum, is_delimiter, is_in, is_space};
use crate::value::Value;

/// Pushed onto the right delimiter while inside a `„...”` span.
pub(super) const LOW_SMART_QUOTE_SENTINEL: char = '\0';

pub(super) const INLINE_OPENERS: [char; 3] = ['[', '{', '('];

pub(super) fn closing_of(c: char) -> Option<char> {
    match c {
        '[' => Some(']'),
        '{' => Some('}'),
        '(' => Some(')'),
        _ => None,
    }
}

/// `_matching_string_delimiter`.
pub(super) fn matching_delimiter(c: char) -> char {
    if c == '“' { '”' } else { c }
}

/// `StringParseState`.
pub(super) struct StringState {
    pub(super) missing_quotes: bool,
    pub(super) doubled_quotes: bool,
    pub(super) lstring_delimiter: char,
    pub(super) rstring_delimiter: Vec<char>,
    pub(super) acc: Vec<char>,
    pub(super) unmatched_delimiter: bool,
    pub(super) pending_inline_container: bool,
    pub(super) inline_container_stack: Vec<char>,
    pub(super) object_value_has_no_future_delimiter: bool,
    pub(super) lookahead_cache: HashMap<Vec<char>, (isize, Option<isize>)>,
    pub(super) object_value_unmatched_opening_braces: usize,
    pub(super) regex_character_class_start: Option<usize>,
}

impl StringState {
    pub(super) fn new() -> StringState {
        StringState {
            missing_quotes: false,
            doubled_quotes: false,
            lstring_delimiter: '"',
            rstring_delimiter: vec!['"'],
            acc: Vec::new(),
            unmatched_delimiter: false,
            pending_inline_container: false,
            inline_container_stack: Vec::new(),
            object_value_has_no_future_delimiter: false,
            lookahead_cache: HashMap::new(),
            object_value_unmatched_opening_braces: 0,
            regex_character_class_start: None,
        }
    }

    pub(super) fn outer(&self) -> char {
        self.rstring_delimiter.first().copied().unwrap_or('"')
    }

    pub(super) fn active(&self) -> char {
        self.rstring_delimiter.last().copied().unwrap_or('"')
    }

    pub(super) fn in_low_span(&self) -> bool {
        self.active() == LOW_SMART_QUOTE_SENTINEL
    }

    pub(super) fn last(&self) -> Option<char> {
        self.acc.last().copied()
    }

    /// `_append_string_content`: also tracks unmatched `{` and the start of a `[...]`.
    pub(super) fn append(&mut self, content: &[char]) {
        for &c in content {
            self.acc.push(c);
            match c {
                '{' => self.object_value_unmatched_opening_braces += 1,
                '}' if self.object_value_unmatched_opening_braces > 0 => {
                    self.object_value_unmatched_opening_braces -= 1;
                }
                '[' => self.regex_character_class_start = Some(self.acc.len()),
                ']' => self.regex_character_class_start = None,
                _ => {}
            }
        }
    }

    /// `_replace_trailing_backslash`.
    pub(super) fn replace_trailing_backslash(&mut self, content: &[char]) {
        self.acc.pop();
        self.append(content);
    }

    pub(super) fn rstrip(&mut self) {
        while self
            .acc
            .last()
            .is_some_and(|c| crate::text::is_python_space(*c))
        {
            self.acc.pop();
        }
    }
}

/// What `_prepare_string_entry` decided.
enum Entry {
    /// A value found without scanning a string body.
    Direct(Value),
    /// Scan the body with this state.
    Scan(StringState),
}

impl Parser {
    pub(super) fn parse_string(&mut self) -> Value {
        match self.prepare_string_entry() {
            Entry::Direct(value) => value,
            Entry::Scan(mut state) => {
                let c = self.scan_string_body(&mut state);
                self.finalize_string(&mut state, c)
            }
        }
    }

    /// `_append_literal_char`.
    pub(super) fn append_literal(&mut self, state: &mut StringState, c: char) -> Option<char> {
        state.append(&[c]);
        self.index += 1;
        self.at(0)
    }

    fn prepare_string_entry(&mut self) -> Entry {
        let mut c = self.at(0);
        if is_in(c, &['#', '/']) {
            return Entry::Direct(self.parse_comment());
        }
        while c.is_some() && !is_delimiter(c) && !is_alnum(c) {
            self.index += 1;
            c = self.at(0);
        }
        let Some(first) = c else {
            return Entry::Direct(Value::str(""));
        };
        if let Some(value) = self.try_parse_simple_quoted_string() {
            return Entry::Direct(Value::Str(value));
        }
        let mut state = StringState::new();
        if first == '\'' {
            state.lstring_delimiter = '\'';
            state.rstring_delimiter = vec!['\''];
        } else if first == '“' {
            state.lstring_delimiter = '“';
            state.rstring_delimiter = vec!['”'];
        } else if first.is_alphanumeric() {
            let lower: String = first.to_lowercase().collect();
            if matches!(lower.as_str(), "t" | "f" | "n")
                && self.current() != Some(Ctx::ObjectKey)
                && let Some(value) = self.parse_boolean_or_null()
            {
                return Entry::Direct(value);
            }
            state.missing_quotes = true;
        }
        if !state.missing_quotes {
            self.index += 1;
        }
        if self.at(0) == Some('`')
            && let Some(value) = self.parse_json_llm_block()
        {
            return Entry::Direct(value);
        }
        if self.at(0) == Some(state.lstring_delimiter) {
            let r = state.outer();
            let ctx = self.current();
            let next = self.at(1);
            if (ctx == Some(Ctx::ObjectKey) && next == Some(':'))
                || (ctx == Some(Ctx::ObjectValue) && is_in(next, &[',', '}']))
                || (ctx == Some(Ctx::Array) && is_in(next, &[',', ']']))
            {
                self.index += 1;
                return Entry::Direct(Value::str(""));
            }
            if next == Some(state.lstring_delimiter) {
                return Entry::Direct(Value::str(""));
            }
            let i = self.skip_to(&[r], 1);
            if self.at(i + 1) == Some(r) {
                state.doubled_quotes = true;
                self.index += 1;
            } else {
                if self.at(i) == Some(r) {
                    let outer_quote = self.skip_to(&[r], i + 1);
                    let after = self.at(self.scroll(outer_quote + 1));
                    if ctx == Some(Ctx::ObjectValue)
                        && !self.only_whitespace_until(i)
                        && self.at(outer_quote) == Some(r)
                        && (after.is_none() || is_in(after, &[',', '}']))
                    {
                        state.append(&[state.lstring_delimiter]);
                        state.unmatched_delimiter = true;
                        self.index += 1;
                        return Entry::Scan(state);
                    }
                }
                let next_c = self.at(self.scroll(1));
                if is_delimiter(next_c) || is_in(next_c, &['{', '[']) {
                    self.index += 1;
                    return Entry::Direct(Value::str(""));
                }
                if !is_in(next_c, &[',', ']', '}']) {
                    self.index += 1;
                }
            }
        }
        Entry::Scan(state)
    }

    /// `_try_parse_simple_quoted_string`: a plain `"..."` with the right follower.
    fn try_parse_simple_quoted_string(&mut self) -> Option<String> {
        if self.at(0) != Some('"') {
            return None;
        }
        let start = usize::try_from(self.index + 1).ok()?;
        let rest = self.text.get(start..)?;
        let end = start + rest.iter().position(|c| *c == '"')?;
        let value = &self.text[start..end];
        if value.iter().any(|c| matches!(c, '\\' | '\n' | '\r')) {
            return None;
        }
        let mut next_index = end + 1;
        while self
            .text
            .get(next_index)
            .is_some_and(|c| crate::text::is_python_space(*c))
        {
            next_index += 1;
        }
        let next = self.text.get(next_index).copied();
        let fits = match self.current() {
            Some(Ctx::ObjectKey) => next == Some(':'),
            Some(Ctx::ObjectValue) => next.is_none() || is_in(next, &[',', '}']),
            Some(Ctx::Array) => next.is_none() || is_in(next, &[',', ']']),
            None => next.is_none(),
        };
        if !fits {
            return None;
        }
        let value: String = value.iter().collect();
        self.index = isize::try_from(end + 1).ok()?;
        Some(value)
    }

    /// `parse_boolean_or_null`: `true`, `false`, `null` or `none` (any case) ending
    /// at a space, a comma or a closing bracket.
    fn parse_boolean_or_null(&mut self) -> Option<Value> {
        let lower = |c: Option<char>| c.map(|c| c.to_lowercase().collect::<String>());
        let first = lower(self.at(0));
        let start = self.index;
        for (literal, value) in [
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
            ("none", Value::Null),
        ] {
            if first.as_deref() != Some(&literal[..1]) {
                continue;
            }
            self.index = start;
            let mut complete = true;
            for expected in literal.chars() {
                if lower(self.at(0)).as_deref() != Some(expected.encode_utf8(&mut [0; 4])) {
                    complete = false;
                    break;
                }
                self.index += 1;
            }
            if complete {
                let next = self.at(0);
                if next.is_none() || is_space(next) || is_in(next, &[',', ')', ']', '}']) {
                    return Some(value);
                }
            }
        }
        self.index = start;
        None
    }

    /// `parse_json_llm_block`: a ```` ```json ```` fence closed later is parsed as JSON.
    /// (A block holding just `false` is not taken: json_repair tests `is not False`.)
    fn parse_json_llm_block(&mut self) -> Option<Value> {
        if self.slice(self.index, self.index + 7) != "```json" {
            return None;
        }
        let i = self.skip_to(&['`'], 7);
        if self.slice(self.index + i, self.index + i + 3) != "```" {
            return None;
        }
        self.index += 7;
        match self.parse_json() {
            Value::Bool(false) => None,
            value => Some(value),
        }
    }

    /// `_only_whitespace_until`.
    pub(super) fn only_whitespace_until(&self, end: isize) -> bool {
        (1..end).all(|j| self.at(j).is_none_or(crate::text::is_python_space))
    }

    /// `_cached_skip_to_character`, for the comma classifier.
    pub(super) fn cached_skip_to_public(
        &self,
        state: &mut StringState,
        targets: &[char],
        idx: isize,
    ) -> isize {
        self.cached_skip_to(state, targets, idx)
    }

    /// `_cached_skip_to_character`.
    pub(super) fn cached_skip_to(
        &self,
        state: &mut StringState,
        targets: &[char],
        idx: isize,
    ) -> isize {
        let start = self.index + idx;
        if let Some(&(cached_start, cached_match)) = state.lookahead_cache.get(targets) {
            match cached_match {
                None if start >= cached_start => return self.len() - self.index,
                Some(m) if cached_start <= start && start <= m => return m - self.index,
                _ => {}
            }
        }
        let offset = self.skip_to(targets, idx);
        if self.at(offset).is_none() {
            state
                .lookahead_cache
                .insert(targets.to_vec(), (start, None));
            return offset;
        }
        let match_index = self.index + offset;
        if match_index == 0 || self.char_at_abs(match_index - 1) != Some('\\') {
            state
                .lookahead_cache
                .insert(targets.to_vec(), (start, Some(match_index)));
        }
        offset
    }

    /// `_scan_string_body`: accumulate the string; returns the character it stopped at.
    fn scan_string_body(&mut self, state: &mut StringState) -> Option<char> {
        let outer = state.outer();
        let mut c = self.at(0);
        while let Some(ch) = c {
            if ch == outer && !state.in_low_span() {
                break;
            }
            let ctx = self.current();
            if state.missing_quotes {
                if ctx == Some(Ctx::ObjectKey) && (ch == ':' || crate::text::is_python_space(ch)) {
                    break;
                }
                if ctx == Some(Ctx::Array) && (ch == ']' || ch == ',') {
                    break;
                }
            }
            if ch == '„' && state.last() != Some('\\') {
                state.rstring_delimiter.push(LOW_SMART_QUOTE_SENTINEL);
                c = self.append_literal(state, ch);
                continue;
            }
            if state.in_low_span() && ch == '”' {
                state.rstring_delimiter.pop();
                c = self.append_literal(state, ch);
                continue;
            }
            let opens_inline = state.pending_inline_container
                || (ctx == Some(Ctx::ObjectValue)
                    && ch == '{'
                    && self.at(-1) != Some('\\')
                    && self.bare_key_is_followed_by_colon(self.scroll(1)));
            if opens_inline
                && INLINE_OPENERS.contains(&ch)
                && state.last() != Some('\\')
                && let Some(end) = self.skip_inline_container(0)
            {
                state.pending_inline_container = false;
                state.inline_container_stack.clear();
                let text: Vec<char> = self.slice(self.index, self.index + end).chars().collect();
                state.append(&text);
                self.index += end;
                c = self.at(0);
                continue;
            }
            if ctx == Some(Ctx::ObjectValue)
                && ch == ','
                && !state.pending_inline_container
                && state.inline_container_stack.is_empty()
            {
                let classification = if state.object_value_has_no_future_delimiter {
                    CommaKind::String
                } else {
                    self.classify_object_value_comma(state)
                };
                match classification {
                    CommaKind::Member => break,
                    CommaKind::StringNoFutureDelimiter => {
                        state.object_value_has_no_future_delimiter = true;
                    }
                    _ => {}
                }
                state.pending_inline_container = classification == CommaKind::Container;
                c = self.append_literal(state, ch);
                continue;
            }
            if update_inline_container_stack(ch, state) {
                c = self.append_literal(state, ch);
                continue;
            }
            if ctx == Some(Ctx::ObjectValue) && ch == '}' && state.last() != Some(outer) {
                if state.object_value_unmatched_opening_braces > 0 {
                    c = self.append_literal(state, ch);
                    continue;
                }
                match self.right_delimiter_missing(state) {
                    Some(true) | None => break,
                    Some(false) => {}
                }
            }
            if ch == ']' && self.in_context(Ctx::Array) && state.last() != Some(outer) {
                let i = self.skip_to(&[outer], 0);
                if self.at(i).is_none() {
                    break;
                }
            }
            if ctx == Some(Ctx::ObjectValue) && ch == '}' {
                let i = self.scroll(1);
                let next = self.at(i);
                if next == Some('`') && self.at(i + 1) == Some('`') && self.at(i + 2) == Some('`') {
                    if self.brace_before_code_fence_belongs_to_string(state, i) {
                        c = self.append_literal(state, ch);
                        continue;
                    }
                    break;
                }
                if next.is_none() {
                    break;
                }
            }
            state.append(&[ch]);
            self.index += 1;
            c = self.at(0);
            let Some(mut ch) = c else {
                break;
            };
            if state.last() == Some('\\') {
                let (handled, next) = self.normalize_escape(state, ch);
                c = next;
                if handled {
                    continue;
                }
                let Some(next) = next else {
                    break;
                };
                ch = next;
            }
            if ch == ':' && !state.missing_quotes && self.current() == Some(Ctx::ObjectKey) {
                let i = self.skip_to(&[state.lstring_delimiter], 1);
                if self.at(i).is_some() {
                    let i = self.skip_to(&[outer], i + 1);
                    if self.at(i).is_some() {
                        let after = self.at(self.scroll(i + 1));
                        if is_in(after, &[',', '}']) {
                            break;
                        }
                    }
                } else {
                    break;
                }
            }
            if state.in_low_span() && ch == '"' {
                state.rstring_delimiter.pop();
                c = self.append_literal(state, ch);
                continue;
            }
            if ch == outer
                && self.current() == Some(Ctx::ObjectValue)
                && self.quote_in_regex_class(state)
            {
                c = self.append_literal(state, ch);
                continue;
            }
            if ch == outer && state.last().is_some_and(|l| l != '\\') {
                let (handled, next, stop) = self.handle_right_delimiter_candidate(state, ch);
                c = next;
                if stop {
                    break;
                }
                if handled {
                    continue;
                }
            }
        }
        c
    }

    /// `_finalize_string_result`.
    fn finalize_string(&mut self, state: &mut StringState, c: Option<char>) -> Value {
        let outer = state.outer();
        if state.missing_quotes && self.current() == Some(Ctx::ObjectKey) && is_space(c) {
            self.skip_whitespaces();
            if !is_in(self.at(0), &[':', ',']) {
                return Value::str("");
            }
        }
        if c == Some(outer) {
            self.index += 1;
        } else {
            state.rstrip();
        }
        if state.missing_quotes || state.last() == Some('\n') {
            state.rstrip();
        }
        Value::Str(state.acc.iter().collect())
    }
}

/// `update_inline_container_stack`: track brackets opened inside an object value's
/// string; true when this character closes one of them.
fn update_inline_container_stack(c: char, state: &mut StringState) -> bool {
    if c == '{' || c == '[' {
        if state.pending_inline_container {
            state.inline_container_stack.push(c);
            state.pending_inline_container = false;
            return false;
        }
        if !state.inline_container_stack.is_empty() {
            state.inline_container_stack.push(c);
        }
    }
    let closes = match state.inline_container_stack.last() {
        Some('{') => c == '}',
        Some('[') => c == ']',
        _ => false,
    };
    if closes {
        state.inline_container_stack.pop();
    }
    closes
}

/// How a comma inside an unquoted object value reads (`classify_object_value_comma`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CommaKind {
    Container,
    Member,
    String,
    StringNoFutureDelimiter,
}
