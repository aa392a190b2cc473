//! The tokens of Python source that a signature side is made of.

use std::ops::Range;

use crate::ir::LiteralValue;

/// One token, with its byte range in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where.
    pub range: Range<usize>,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A name or keyword, NFKC-normalised (keywords are matched on the raw text, as
    /// CPython does, so `raw` is kept).
    Name {
        /// The normalised identifier.
        id: String,
        /// Whether the raw text is a hard keyword (`class`, `None`, `lambda`, ...).
        keyword: bool,
    },
    /// A number: its value.
    Number(LiteralValue),
    /// A string literal, decoded.
    Str(StringToken),
    /// An operator or delimiter: `(`, `**`, `:=`, `...`, ...
    Op(&'static str),
}

/// A decoded string literal.
#[derive(Debug, Clone, PartialEq)]
pub enum StringToken {
    /// `'...'`, `r'...'`, `u'...'`.
    Text(String),
    /// `b'...'`.
    Bytes(Vec<u8>),
    /// `f'...'` (already checked; its value is never needed).
    Formatted,
}

/// Python 3.11's hard keywords. Soft keywords (`match`, `case`, `type`, `_`) are names.
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

impl TokenKind {
    /// Whether this is the keyword `word`.
    #[must_use]
    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(self, TokenKind::Name { id, keyword: true } if id == word)
    }

    /// Whether this is the operator `op`.
    #[must_use]
    pub fn is_op(&self, op: &str) -> bool {
        matches!(self, TokenKind::Op(o) if *o == op)
    }
}
