//! `parse_string.py`, what quotes and backslashes mean inside a string: escape
//! sequences normalised (`\\n`, `\\u00e9`, an escaped quote of the other kind), and
//! whether a closing quote really ends the string or belongs to its text, judged by what
//! follows it (`_handle_right_delimiter_candidate`, the missing-quote check at `}`).

use super::string::StringState;
use super::{Ctx, Parser, STRING_DELIMITERS, is_in};

impl Parser {
    /// `_normalize_escape_sequence`: after a backslash; `(handled, next char)`.
    pub(super) fn normalize_escape(
        &mut self,
        state: &mut StringState,
        c: char,
    ) -> (bool, Option<char>) {
        let active = state.active();
        if state.in_low_span() && c == '"' {
            state.replace_trailing_backslash(&[c]);
            state.rstring_delimiter.pop();
            self.index += 1;
            return (true, self.at(0));
        }
        if c == '\\' {
            let run_start = self.index - 1;
            let mut run_end = self.index + 1;
            while self.char_at_abs(run_end) == Some('\\') && run_end < self.len() {
                run_end += 1;
            }
            let run_length = run_end - run_start;
            let next = self.at(run_end - self.index);
            let after = self.at(self.scroll(run_end - self.index + 1));
            if run_length % 2 == 0
                && (next != Some(active) || after.is_none() || is_in(after, &[',', ':', '}', ']']))
            {
                let half = usize::try_from(run_length / 2).unwrap_or(0);
                state.replace_trailing_backslash(&vec!['\\'; half]);
                self.index = run_end;
                return (true, self.at(0));
            }
        }
        if c == active || matches!(c, 't' | 'n' | 'r' | 'b' | '\\') {
            let replacement = match c {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                'b' => '\u{8}',
                other => other,
            };
            state.replace_trailing_backslash(&[replacement]);
            self.index += 1;
            let mut next = self.at(0);
            while let Some(n) = next {
                if !(state.last() == Some('\\') && (n == active || n == '\\')) {
                    break;
                }
                state.replace_trailing_backslash(&[n]);
                self.index += 1;
                next = self.at(0);
            }
            return (true, next);
        }
        if c == 'u' || c == 'x' {
            let count: isize = if c == 'u' { 4 } else { 2 };
            let digits = self.slice(self.index + 1, self.index + 1 + count);
            if digits.chars().count() == usize::try_from(count).unwrap_or(0)
                && digits.chars().all(|d| d.is_ascii_hexdigit())
            {
                let code = u32::from_str_radix(&digits, 16).unwrap_or(0xfffd);
                // A lone surrogate is a Python string but not a Rust one.
                state.replace_trailing_backslash(&[char::from_u32(code).unwrap_or('\u{fffd}')]);
                self.index += 1 + count;
                return (true, self.at(0));
            }
        } else if c == '„' || (STRING_DELIMITERS.contains(&c) && c != active) {
            state.replace_trailing_backslash(&[c]);
            self.index += 1;
            return (true, self.at(0));
        }
        (false, Some(c))
    }

    /// The `}` case of `_scan_string_body` in an object value: `Some(true)` when the
    /// closing quote is missing (stop here), `None` to stop because a `:` follows.
    pub(super) fn right_delimiter_missing(&mut self, state: &mut StringState) -> Option<bool> {
        let outer = state.outer();
        let mut missing = true;
        self.skip_whitespaces();
        if self.at(1) == Some('\\') {
            missing = false;
        }
        let i = self.cached_skip_to(state, &[outer], 1);
        if self.at(i).is_some() {
            let i = self.scroll(i + 1);
            let next = self.at(i);
            if next.is_none() || is_in(next, &[',', '}']) {
                missing = false;
            } else {
                let i = self.skip_to(&[state.lstring_delimiter], i);
                if self.at(i).is_none() {
                    missing = false;
                } else {
                    let next = self.at(self.scroll(i + 1));
                    if next.is_some() && next != Some(':') {
                        missing = false;
                    }
                }
            }
        } else {
            let i = self.skip_to(&[':'], 1);
            if self.at(i).is_some() {
                return None;
            }
            let i = self.scroll(1);
            let j = self.skip_to(&['}'], i);
            if j - i > 1 {
                missing = false;
            }
        }
        Some(missing)
    }

    /// `_handle_right_delimiter_candidate`: at a closing quote, decide whether it ends
    /// the string. Returns (handled, next char, stop).
    pub(super) fn handle_right_delimiter_candidate(
        &mut self,
        state: &mut StringState,
        ch: char,
    ) -> (bool, Option<char>, bool) {
        let outer = state.outer();
        let l = state.lstring_delimiter;
        let ctx = self.current();
        if state.doubled_quotes && self.at(1) == Some(outer) {
            self.index += 1;
            return (true, Some(ch), false);
        }
        if state.missing_quotes && ctx == Some(Ctx::ObjectValue) {
            let mut i = 1;
            let mut next = self.at(i);
            while next.is_some() && !is_in(next, &[outer, l]) {
                i += 1;
                next = self.at(i);
            }
            if next.is_some() {
                let i = self.scroll(i + 1);
                if self.at(i) == Some(':') {
                    self.index -= 1;
                    return (false, self.at(0), true);
                }
            }
            return (false, Some(ch), false);
        }
        if state.unmatched_delimiter {
            state.unmatched_delimiter = false;
            let next = self.append_literal(state, ch);
            return (true, next, false);
        }
        let mut i = 1;
        let mut next = self.at(i);
        let mut check_comma = true;
        while let Some(n) = next {
            if n == outer || n == l {
                break;
            }
            if check_comma && n.is_alphabetic() {
                check_comma = false;
            }
            if (self.in_context(Ctx::ObjectKey) && (n == ':' || n == '}'))
                || (self.in_context(Ctx::ObjectValue) && n == '}')
                || (self.in_context(Ctx::Array) && (n == ']' || n == ','))
                || (check_comma && ctx == Some(Ctx::ObjectValue) && n == ',')
            {
                break;
            }
            i += 1;
            next = self.at(i);
        }
        if next == Some(',') && ctx == Some(Ctx::ObjectValue) {
            let i = self.skip_to(&[outer], i + 1);
            let next = self.at(self.scroll(i + 1));
            if is_in(next, &['}', ',']) {
                let next = self.append_literal(state, ch);
                return (true, next, false);
            }
        } else if next == Some(outer) && self.at(i - 1) != Some('\\') {
            if self.only_whitespace_until(i)
                && !(ctx == Some(Ctx::ObjectValue) && self.quoted_object_member_follows(i))
            {
                return (false, Some(ch), true);
            }
            match ctx {
                Some(Ctx::ObjectValue) => {
                    if self.quoted_object_member_follows(i) {
                        let next = self.append_literal(state, ch);
                        return (true, next, false);
                    }
                    let mut i = self.skip_to(&[outer], i + 1) + 1;
                    let mut next = self.at(i);
                    while let Some(n) = next {
                        if n == ':'
                            || matches!(n, ',' | ']' | '}')
                            || (n == outer && self.at(i - 1) != Some('\\'))
                        {
                            break;
                        }
                        i += 1;
                        next = self.at(i);
                    }
                    if next != Some(':') {
                        state.unmatched_delimiter = !state.unmatched_delimiter;
                        let next = self.append_literal(state, ch);
                        return (true, next, false);
                    }
                }
                Some(Ctx::Array) => {
                    let mut even = next == Some(outer);
                    let mut i = i;
                    let mut next = next;
                    while next == Some(outer) {
                        i = self.skip_to(&[outer, ']'], i + 1);
                        next = self.at(i);
                        if next != Some(outer) {
                            even = false;
                            break;
                        }
                        i = self.skip_to(&[outer, ']'], i + 1);
                        next = self.at(i);
                    }
                    if even {
                        state.unmatched_delimiter = !state.unmatched_delimiter;
                        let next = self.append_literal(state, ch);
                        return (true, next, false);
                    }
                    return (false, Some(ch), true);
                }
                Some(Ctx::ObjectKey) => {
                    let next = self.append_literal(state, ch);
                    return (true, next, false);
                }
                None => {}
            }
        }
        (false, Some(ch), false)
    }

    /// `_quote_belongs_to_regex_character_class`: a quote inside a `[...]` with no
    /// space in it, closed further on.
    pub(super) fn quote_in_regex_class(&self, state: &StringState) -> bool {
        let Some(start) = state.regex_character_class_start else {
            return false;
        };
        if state
            .acc
            .get(start..)
            .is_some_and(|s| s.iter().any(|c| crate::text::is_python_space(*c)))
        {
            return false;
        }
        self.at(self.skip_to(&[']'], 1)) == Some(']')
    }
}
