//! The look-ahead helpers of `parse_string.py` and
//! `parse_string_helpers/object_value_context.py`: what a comma inside an unquoted object
//! value means, whether an object member starts at a position, how far an inline
//! container or a comment run extends.

use super::string::{CommaKind, INLINE_OPENERS, StringState, closing_of, matching_delimiter};
use super::{Parser, STRING_DELIMITERS, is_alnum, is_delimiter, is_digit, is_in, is_space};

impl Parser {
    /// `classify_object_value_comma`: the next object member, a container that belongs
    /// to the string, or more string.
    pub(super) fn classify_object_value_comma(&self, state: &mut StringState) -> CommaKind {
        let next_idx = self.scroll(1);
        let next = self.at(next_idx);
        if next.is_none() || next == Some('}') {
            return CommaKind::Member;
        }
        if let Some(quote) = next.filter(|c| is_delimiter(Some(*c))) {
            let key_end = self.skip_to(&[quote], next_idx + 1);
            if self.at(key_end).is_none() {
                return CommaKind::String;
            }
            let after = self.scroll(key_end + 1);
            return if self.at(after) == Some(':') {
                CommaKind::Member
            } else {
                CommaKind::String
            };
        }
        let bare_key_end = |start: isize| {
            let mut i = start;
            while is_alnum(self.at(i)) || is_in(self.at(i), &['_', '-']) {
                i += 1;
            }
            self.scroll(i)
        };
        if next == Some('`') {
            let end = bare_key_end(next_idx + 1);
            return if self.at(end) == Some(':') {
                CommaKind::Member
            } else {
                CommaKind::String
            };
        }
        if is_alnum(next) || next == Some('_') {
            let end = bare_key_end(next_idx);
            if self.at(end) == Some(':') && self.bare_member_has_recoverable_value(state, end + 1) {
                return CommaKind::Member;
            }
        }
        if is_in(next, &['{', '[']) {
            return CommaKind::Container;
        }
        let mut targets = STRING_DELIMITERS.to_vec();
        targets.extend(['{', '[']);
        let special_idx = self.cached_skip_to_public(state, &targets, next_idx);
        let Some(special) = self.at(special_idx) else {
            return CommaKind::StringNoFutureDelimiter;
        };
        if special == '{' || special == '[' {
            return CommaKind::String;
        }
        let key_end = self.cached_skip_to_public(state, &[special], special_idx + 1);
        if self.at(key_end).is_none() {
            return CommaKind::String;
        }
        if self.at(self.scroll(key_end + 1)) == Some(':') {
            CommaKind::Member
        } else {
            CommaKind::String
        }
    }

    /// `_bare_member_has_recoverable_value`: after `key:`, a value that can be read.
    fn bare_member_has_recoverable_value(&self, state: &mut StringState, value_idx: isize) -> bool {
        let start = self.scroll(value_idx);
        let first = self.at(start);
        if is_delimiter(first) || is_in(first, &['{', '[', '-']) || is_digit(first) {
            return true;
        }
        for literal in ["true", "false", "null"] {
            let matches = literal.chars().enumerate().all(|(offset, c)| {
                self.at(start + isize::try_from(offset).unwrap_or(0)) == Some(c)
            });
            if matches {
                let end = self.at(start + isize::try_from(literal.len()).unwrap_or(0));
                if end.is_none() || is_space(end) || is_in(end, &[',', '}', ']']) {
                    return true;
                }
            }
        }
        let mut targets = STRING_DELIMITERS.to_vec();
        targets.push('}');
        let end = self.cached_skip_to_public(state, &targets, start);
        self.at(end) == Some('}')
    }

    /// `_bare_key_is_followed_by_colon`.
    pub(super) fn bare_key_is_followed_by_colon(&self, key_idx: isize) -> bool {
        let first = self.at(key_idx);
        if !(is_alnum(first) || first == Some('_')) {
            return false;
        }
        let mut i = key_idx;
        while is_alnum(self.at(i)) || is_in(self.at(i), &['_', '-']) {
            i += 1;
        }
        self.at(self.scroll(i)) == Some(':')
    }

    /// `_skip_inline_container`: the offset just past the container opened at `idx`
    /// (strings skipped, nested containers followed), or `None` if it never closes.
    pub(super) fn skip_inline_container(&self, idx: isize) -> Option<isize> {
        let opening = self.at(idx);
        let Some(close) = opening.and_then(closing_of) else {
            return Some(idx);
        };
        let mut stack = vec![close];
        let mut i = idx + 1;
        while let Some(&expected) = stack.last() {
            let c = self.at(i)?;
            if is_delimiter(Some(c)) {
                let end = matching_delimiter(c);
                i = self.skip_to(&[end], i + 1);
                if self.at(i) != Some(end) {
                    return None;
                }
            } else if closing_of(c).is_some() && self.starts_nested_inline_container(i) {
                stack.extend(closing_of(c));
            } else if c == expected {
                stack.pop();
                if stack.is_empty() {
                    return Some(i + 1);
                }
            }
            i += 1;
        }
        None
    }

    /// `_starts_nested_inline_container`.
    pub(super) fn starts_nested_inline_container(&self, idx: isize) -> bool {
        let opening = self.at(idx);
        let mut prev_idx = idx - 1;
        while prev_idx >= 0 {
            let Some(prev) = self.at(prev_idx) else {
                return true;
            };
            if !crate::text::is_python_space(prev) {
                if INLINE_OPENERS.contains(&prev) {
                    return true;
                }
                if prev != ',' && prev != ':' {
                    return false;
                }
                let next_idx = self.scroll(idx + 1);
                let next = self.at(next_idx);
                if is_in(opening, &['[', '(']) {
                    return is_in(next, &[']', ')', '-', 't', 'f', 'n'])
                        || is_delimiter(next)
                        || is_in(next, &INLINE_OPENERS)
                        || super::is_digit(next);
                }
                if opening != Some('{') {
                    return false;
                }
                if next == Some('}') || is_delimiter(next) {
                    return true;
                }
                return prev == ':' && self.bare_key_is_followed_by_colon(next_idx);
            }
            prev_idx -= 1;
        }
        true
    }

    /// `_brace_before_code_fence_belongs_to_string`.
    pub(super) fn brace_before_code_fence_belongs_to_string(
        &self,
        state: &mut StringState,
        fence_idx: isize,
    ) -> bool {
        let mut quote_search_idx = fence_idx + 3;
        let next_content_idx = self.scroll_comment_prefixed_member_start(quote_search_idx);
        let mut keep_post_fence_container = false;
        if is_in(self.at(next_content_idx), &INLINE_OPENERS)
            && let Some(end) = self.skip_inline_container(next_content_idx)
        {
            if self.post_fence_container_starts_next_member(end) {
                return false;
            }
            keep_post_fence_container = true;
            quote_search_idx = end;
        }
        let outer = state.outer();
        let mut quote_idx = self.skip_to(&[outer], quote_search_idx);
        while self.at(quote_idx) == Some(outer) {
            let after = self.at(self.scroll(quote_idx + 1));
            if after.is_none() || is_in(after, &[',', '}', ']']) {
                if keep_post_fence_container {
                    state.pending_inline_container = true;
                }
                return true;
            }
            quote_idx = self.skip_to(&[outer], quote_idx + 1);
        }
        false
    }

    pub(super) fn post_fence_container_starts_next_member(&self, end: isize) -> bool {
        let after_idx = self.scroll(end);
        let after = self.at(after_idx);
        if after.is_none() || after == Some('}') {
            return true;
        }
        if after != Some(',') {
            return false;
        }
        let next_member = self.scroll_comment_prefixed_member_start(after_idx + 1);
        let c = self.at(next_member);
        c.is_none() || c == Some('}') || self.object_member_starts_at(next_member)
    }

    /// `_scroll_comment_prefixed_member_start`: skip spaces and comments.
    pub(super) fn scroll_comment_prefixed_member_start(&self, idx: isize) -> isize {
        let mut idx = self.scroll(idx);
        loop {
            match (self.at(idx), self.at(idx + 1)) {
                (Some('#'), _) => {
                    while self.at(idx).is_some_and(|c| c != '\n' && c != '\r') {
                        idx += 1;
                    }
                    idx = self.scroll(idx);
                }
                (Some('/'), Some('/')) => {
                    idx += 2;
                    while self.at(idx).is_some_and(|c| c != '\n' && c != '\r') {
                        idx += 1;
                    }
                    idx = self.scroll(idx);
                }
                (Some('/'), Some('*')) => {
                    idx += 2;
                    loop {
                        match self.at(idx) {
                            None => return idx,
                            Some('*') if self.at(idx + 1) == Some('/') => {
                                idx += 2;
                                break;
                            }
                            Some(_) => idx += 1,
                        }
                    }
                    idx = self.scroll(idx);
                }
                _ => return idx,
            }
        }
    }

    /// `_quoted_object_member_follows`: `", "next_key":` after this quote.
    pub(super) fn quoted_object_member_follows(&self, quote_idx: isize) -> bool {
        let comma = self.scroll(quote_idx + 1);
        if self.at(comma) != Some(',') {
            return false;
        }
        let next_member = self.scroll_comment_prefixed_member_start(comma + 1);
        self.object_member_starts_at(next_member)
    }

    /// `_object_member_starts_at`: a quoted or bare key followed by `:`.
    pub(super) fn object_member_starts_at(&self, idx: isize) -> bool {
        let Some(first) = self.at(idx) else {
            return false;
        };
        if first == '}' {
            return false;
        }
        if is_delimiter(Some(first)) {
            let end = matching_delimiter(first);
            let key_end = self.skip_to(&[end], idx + 1);
            if self.at(key_end) != Some(end) {
                return false;
            }
            return self.at(self.scroll(key_end + 1)) == Some(':');
        }
        if first.is_alphanumeric() || first == '_' {
            return self.bare_key_is_followed_by_colon(idx);
        }
        false
    }
}
