//! `parse_comment.py`: `#` and `//` line comments and `/* */` block comments.

use super::{Ctx, Parser, is_in};
use crate::value::Value;

impl Parser {
    /// `skip_comment`: consume one comment (a lone `/` is consumed too).
    pub(super) fn skip_comment(&mut self) {
        let c = self.at(0);
        if c == Some('#') || (c == Some('/') && self.at(1) == Some('/')) {
            let mut stops = vec!['\n', '\r'];
            if c == Some('#') {
                if self.in_context(Ctx::Array) {
                    stops.push(']');
                }
                if self.in_context(Ctx::ObjectValue) {
                    stops.push('}');
                }
                if self.in_context(Ctx::ObjectKey) {
                    stops.push(':');
                }
            }
            while self.at(0).is_some() && !is_in(self.at(0), &stops) {
                self.index += 1;
            }
        } else if c == Some('/') && self.at(1) == Some('*') {
            self.index += 2;
            let mut previous = None;
            while let Some(c) = self.at(0) {
                self.index += 1;
                if previous == Some('*') && c == '/' {
                    break;
                }
                previous = Some(c);
            }
        } else if c == Some('/') {
            self.index += 1;
        }
    }

    /// `parse_comment`: skip comments; at the top level, go on to the next value.
    pub(super) fn parse_comment(&mut self) -> Value {
        loop {
            let before = self.index;
            self.skip_comment();
            if !self.context_empty() {
                return Value::str("");
            }
            self.skip_whitespaces();
            if !is_in(self.at(0), &['#', '/']) {
                return self.parse_json();
            }
            if self.index == before {
                self.index += 1;
            }
        }
    }
}
