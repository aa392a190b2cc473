//! The tokenizer: Python 3.11's, on one side of a signature, which DSPy parses as the
//! parameter list of `def f(<side>): pass`. The side is therefore always inside one
//! open parenthesis: line breaks are plain whitespace, a `#` comment must end with a line
//! break (or it swallows the `): pass` after the side), and a `)` that closes that
//! parenthesis ends the parameter list early.

use std::ops::Range;

use super::error::SignatureError;
use super::numbers::scan_number;
use super::strings::{is_string_prefix, scan_string};
use super::token::{KEYWORDS, Token, TokenKind};
use super::unicode::{is_identifier_continue, is_identifier_start, nfkc};

/// Deepest bracket nesting inside one side. CPython allows 200; pipec's recursive-descent
/// parser stays far from the stack limit with a smaller bound that real types never reach.
const MAX_NESTING: usize = 64;

/// The operators, longest first so that the first match is the longest.
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=",
    ":=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=", "%", "&", "(", ")", "*", "+", ",", "-",
    ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~",
];

/// The tokens of `text[range]`, and the expression ranges of its f-strings.
pub struct Lexed {
    /// The tokens.
    pub tokens: Vec<Token>,
    /// Expressions inside f-string replacement fields, to be parsed separately.
    pub fstring_fields: Vec<Range<usize>>,
}

/// Tokenize `text[range]`, or report the first problem as CPython's tokenizer would.
pub fn tokenize(text: &str, range: Range<usize>) -> Result<Lexed, SignatureError> {
    let end = range.end.min(text.len());
    let mut pos = range.start;
    let mut tokens = Vec::new();
    let mut fstring_fields = Vec::new();
    let mut open: Vec<(char, usize)> = Vec::new();
    while pos < end {
        let Some(c) = text.get(pos..end).and_then(|s| s.chars().next()) else {
            break;
        };
        match c {
            ' ' | '\t' | '\u{c}' | '\n' | '\r' => pos += 1,
            '#' => {
                let rest = text.get(pos..end).unwrap_or("");
                match rest.find(['\n', '\r']) {
                    Some(offset) => pos += offset,
                    None => {
                        return Err(SignatureError::syntax(
                            pos..end,
                            "a comment must end with a line break",
                            "this comment runs to the end of the fields",
                        )
                        .with_help("DSPy parses the fields as `def f(<fields>): pass`; without a line break the comment hides the closing `)`"));
                    }
                }
            }
            '\\' => {
                let rest = text.get(pos + 1..end).unwrap_or("");
                if rest.starts_with("\r\n") {
                    pos += 3;
                } else if rest.starts_with('\n') || rest.starts_with('\r') {
                    pos += 2;
                } else {
                    return Err(SignatureError::syntax(
                        pos..pos + 1,
                        "unexpected character after line continuation character",
                        "a `\\` outside a string must end the line",
                    ));
                }
            }
            '\0' => {
                return Err(SignatureError::syntax(
                    pos..pos + 1,
                    "source code cannot contain null bytes",
                    "a null character",
                ));
            }
            '\'' | '"' => {
                let scanned = scan_string(text, pos, pos).map_err(string_error)?;
                if scanned.end > end {
                    return Err(unterminated(pos, end));
                }
                fstring_fields.extend(scanned.expressions);
                tokens.push(Token {
                    kind: TokenKind::Str(scanned.value),
                    range: pos..scanned.end,
                });
                pos = scanned.end;
            }
            c if c.is_ascii_digit()
                || (c == '.'
                    && text
                        .get(pos + 1..end)
                        .is_some_and(|s| s.starts_with(|d: char| d.is_ascii_digit()))) =>
            {
                let (value, after) = scan_number(text.get(..end).unwrap_or(""), pos).map_err(
                    |(range, message)| SignatureError::syntax(range, message, "not a valid number"),
                )?;
                tokens.push(Token {
                    kind: TokenKind::Number(value),
                    range: pos..after,
                });
                pos = after;
            }
            c if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() => {
                let start = pos;
                let word_end = text
                    .get(pos..end)
                    .and_then(|s| {
                        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()))
                    })
                    .map_or(end, |offset| pos + offset);
                let word = text.get(start..word_end).unwrap_or("");
                let next = text.get(word_end..end).and_then(|s| s.chars().next());
                if matches!(next, Some('\'' | '"')) && is_string_prefix(word) {
                    let scanned = scan_string(text, start, word_end).map_err(string_error)?;
                    if scanned.end > end {
                        return Err(unterminated(start, end));
                    }
                    fstring_fields.extend(scanned.expressions);
                    tokens.push(Token {
                        kind: TokenKind::Str(scanned.value),
                        range: start..scanned.end,
                    });
                    pos = scanned.end;
                    continue;
                }
                check_identifier(word, start)?;
                tokens.push(Token {
                    kind: TokenKind::Name {
                        id: nfkc(word),
                        keyword: KEYWORDS.contains(&word),
                    },
                    range: start..word_end,
                });
                pos = word_end;
            }
            _ => {
                let rest = text.get(pos..end).unwrap_or("");
                let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) else {
                    let message = if c == '!' {
                        "invalid syntax".to_owned()
                    } else {
                        format!("invalid character '{c}' (U+{:04X})", u32::from(c))
                    };
                    return Err(SignatureError::syntax(
                        pos..pos + c.len_utf8(),
                        message,
                        "not valid here",
                    ));
                };
                brackets(op, pos, &mut open)?;
                tokens.push(Token {
                    kind: TokenKind::Op(op),
                    range: pos..pos + op.len(),
                });
                pos += op.len();
            }
        }
    }
    if let Some(&(c, at)) = open.last() {
        return Err(SignatureError::syntax(
            at..at + 1,
            format!("'{c}' was never closed"),
            format!("this `{c}` is never closed"),
        ));
    }
    Ok(Lexed {
        tokens,
        fstring_fields,
    })
}

fn string_error((range, message): (Range<usize>, String)) -> SignatureError {
    SignatureError::syntax(range, message, "in this string")
}

fn unterminated(start: usize, end: usize) -> SignatureError {
    SignatureError::syntax(
        start..end,
        "unterminated string literal",
        "this string is never closed",
    )
}

/// CPython's `verify_identifier`: every character of a non-ASCII name must be an
/// identifier character (before NFKC normalisation).
fn check_identifier(word: &str, start: usize) -> Result<(), SignatureError> {
    for (i, c) in word.char_indices() {
        let ok = if i == 0 {
            is_identifier_start(c)
        } else {
            is_identifier_continue(c)
        };
        if !ok {
            let message = format!("invalid character '{c}' (U+{:04X})", u32::from(c));
            return Err(SignatureError::syntax(
                start + i..start + i + c.len_utf8(),
                message,
                "not allowed in a Python identifier",
            ));
        }
    }
    Ok(())
}

/// Track bracket nesting: a closing bracket must match the last opening one.
fn brackets(op: &str, at: usize, open: &mut Vec<(char, usize)>) -> Result<(), SignatureError> {
    let c = op.chars().next().unwrap_or(' ');
    match c {
        '(' | '[' | '{' if op.len() == 1 => {
            open.push((c, at));
            if open.len() > MAX_NESTING {
                return Err(SignatureError::syntax(
                    at..at + 1,
                    "too many nested parentheses",
                    "nested too deeply",
                ));
            }
        }
        ')' | ']' | '}' => {
            let Some((opener, opened_at)) = open.pop() else {
                let error = if c == ')' {
                    SignatureError::syntax(
                        at..at + 1,
                        "unmatched ')'",
                        "this closes the parameter list DSPy wraps the fields in",
                    )
                    .with_help("DSPy parses the fields as `def f(<fields>): pass`")
                } else {
                    // The `(` of `def f(` is the one still open.
                    SignatureError::syntax(
                        at..at + 1,
                        format!("closing parenthesis '{c}' does not match opening parenthesis '('"),
                        "nothing opens this",
                    )
                };
                return Err(error);
            };
            let expected = match opener {
                '(' => ')',
                '[' => ']',
                _ => '}',
            };
            if c != expected {
                return Err(SignatureError::syntax(
                    at..at + 1,
                    format!(
                        "closing parenthesis '{c}' does not match opening parenthesis '{opener}'"
                    ),
                    format!("expected `{expected}`"),
                )
                .with_related(opened_at..opened_at + 1, "opened here"));
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dspy::token::StringToken;

    fn kinds(text: &str) -> Result<Vec<TokenKind>, String> {
        tokenize(text, 0..text.len())
            .map(|l| l.tokens.into_iter().map(|t| t.kind).collect())
            .map_err(|e| e.message)
    }

    #[test]
    fn tokens() {
        let k = kinds("x: list[int] = 3 # c\n").unwrap_or_default();
        assert_eq!(k.len(), 8);
        assert_eq!(
            kinds("ﬁeld").ok(),
            Some(vec![TokenKind::Name {
                id: "field".into(),
                keyword: false
            }])
        );
        assert_eq!(
            kinds("b'a'").ok(),
            Some(vec![TokenKind::Str(StringToken::Bytes(b"a".to_vec()))])
        );
    }

    #[test]
    fn errors() {
        assert!(kinds("a # c").is_err());
        assert!(kinds("x)").is_err());
        assert_eq!(
            kinds("x: list[int]]").err().as_deref(),
            Some(
                "invalid signature: closing parenthesis ']' does not match opening parenthesis '('"
            )
        );
        assert_eq!(
            kinds("x: list[int").err().as_deref(),
            Some("invalid signature: '[' was never closed")
        );
        assert!(kinds("a $").is_err());
        assert!(kinds("a€").is_err());
    }
}
