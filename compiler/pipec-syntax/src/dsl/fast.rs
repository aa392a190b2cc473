//! Pest-free fast paths for the commonest statement shapes: a step's line (`step ID =
//! KIND ...`), a setting with one plain value (`model fast`, `timeout 30s`), a setting whose
//! value is raw text (`when steps.a.ok`), and a prompt that is one simple string. A large
//! pipeline is mostly these, and pest's per-rule overhead would otherwise dominate the
//! front-end.
//!
//! Each fast path reads only the exact shape it knows (spaces and tabs between tokens,
//! ASCII names, no escapes, no NUL byte, where the grammar's raw text stops) and returns
//! `None` for anything else, which then goes to pest.
//! Where a fast path answers, it answers exactly what pest would: the tests parse every
//! example, fixture and a stream of generated statements both ways and compare the trees,
//! and the `dsl` fuzz target does the same on arbitrary input.

use super::ast::{Ident, Raw, StrForm, StrLit, Value};
use super::grammar::Piece;

/// `KEY VALUE` where the value is one word, number, boolean or `null`.
pub fn setting(piece: &Piece<'_>) -> Option<(Ident, Option<Value>)> {
    plain(piece)?;
    let text = piece.text;
    let key_len = name_len(text)?;
    let key = ident(piece, 0, key_len);
    if key_len == text.len() {
        return Some((key, None));
    }
    let start = key_len + blanks(text.get(key_len..)?)?;
    let value = text.get(start..)?;
    if value.is_empty() || !value.bytes().all(is_word_byte) {
        return None;
    }
    let span = piece.range(start, text.len());
    let value = match value {
        "true" => Value::Bool(true, span),
        "false" => Value::Bool(false, span),
        "null" => Value::Null(span),
        _ if is_number(value) => number(value, span)?,
        _ => Value::Word(Ident {
            text: value.to_owned(),
            span,
        }),
    };
    Some((key, Some(value)))
}

/// `KEY TEXT`, the text running to the end of the statement.
pub fn raw_setting(piece: &Piece<'_>) -> Option<(Ident, Option<Raw>)> {
    plain(piece)?;
    let text = piece.text;
    let key_len = name_len(text)?;
    let key = ident(piece, 0, key_len);
    if key_len == text.len() {
        return Some((key, None));
    }
    let start = key_len + blanks(text.get(key_len..)?)?;
    let rest = text.get(start..)?;
    if rest.is_empty() {
        return None;
    }
    let raw = Raw {
        text: rest.to_owned(),
        span: piece.range(start, text.len()),
    };
    Some((key, Some(raw)))
}

/// `step ID = KIND`: the `step` keyword's span, the id, the kind, and where the rest of the
/// line (the kind's tail) starts.
pub fn step_head(piece: &Piece<'_>) -> Option<(Ident, Ident, Ident, usize)> {
    plain(piece)?;
    let text = piece.text;
    let after_keyword = text.strip_prefix("step")?;
    let mut at = 4 + blanks(after_keyword)?;
    let id_len = name_len(text.get(at..)?)?;
    let id = ident(piece, at, at + id_len);
    at += id_len;
    at += optional_blanks(text.get(at..)?);
    let rest = text.get(at..)?;
    if !rest.starts_with('=') || rest.starts_with("==") {
        return None;
    }
    at += 1;
    at += optional_blanks(text.get(at..)?);
    let kind_len = name_len(text.get(at..)?)?;
    let kind = ident(piece, at, at + kind_len);
    at += kind_len;
    let tail = text.get(at..)?;
    // A kind is a whole name: what follows must start a new token.
    if tail.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    at += optional_blanks(tail);
    Some((ident(piece, 0, 4), id, kind, at))
}

/// The whole piece is `"..."` with no escapes.
pub fn simple_string(piece: &Piece<'_>) -> Option<StrLit> {
    plain(piece)?;
    let inner = piece.text.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains(['"', '\\', '\n']) {
        return None;
    }
    Some(StrLit {
        value: inner.to_owned(),
        span: piece.range(0, piece.text.len()),
        form: StrForm::Quoted,
    })
}

/// `Some` when the piece has no NUL byte (the grammar's raw text stops at one).
fn plain(piece: &Piece<'_>) -> Option<()> {
    (!piece.text.contains('\0')).then_some(())
}

fn ident(piece: &Piece<'_>, start: usize, end: usize) -> Ident {
    Ident {
        text: piece.text.get(start..end).unwrap_or("").to_owned(),
        span: piece.range(start, end),
    }
}

/// Length of an ASCII name at the start of `text` (`[A-Za-z0-9_][A-Za-z0-9_-]*`), if the
/// name is followed by a blank or the end (a non-ASCII name goes to pest).
fn name_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let len = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-'))
        .unwrap_or(bytes.len());
    match bytes.get(len) {
        Some(next) if !next.is_ascii() => None,
        _ => Some(len),
    }
}

/// Length of one or more spaces or tabs at the start of `text`.
fn blanks(text: &str) -> Option<usize> {
    let n = optional_blanks(text);
    (n > 0).then_some(n)
}

fn optional_blanks(text: &str) -> usize {
    text.bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count()
}

/// The ASCII characters of the grammar's `word` rule.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b':' | b'@' | b'+')
}

/// The grammar's `number`: `-`? digits (`.` digits)? (`e` [+-]? digits)?, and nothing else.
fn is_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == bytes.len()
}

fn number(text: &str, span: pipec_diagnostics::Span) -> Option<Value> {
    if !text.contains(['.', 'e', 'E'])
        && let Ok(n) = text.parse::<i64>()
    {
        return Some(Value::Int(n, span));
    }
    text.parse::<f64>().ok().map(|f| Value::Float(f, span))
}
