//! Python 3.11 string and bytes literals: prefixes, quotes, escapes, and the replacement
//! fields of f-strings (whose expressions the parser checks).

use std::ops::Range;

use super::token::StringToken;

/// A malformed string: where and why.
pub type StringError = (Range<usize>, String);

/// A scanned string literal: its value, where it ends, and for an f-string the ranges of
/// its replacement-field expressions.
pub struct ScannedString {
    /// The decoded value.
    pub value: StringToken,
    /// The byte after the closing quote.
    pub end: usize,
    /// The expressions inside `{...}` of an f-string.
    pub expressions: Vec<Range<usize>>,
}

/// Whether `prefix` (the letters before a quote) is a valid string prefix.
#[must_use]
pub fn is_string_prefix(prefix: &str) -> bool {
    matches!(
        prefix.to_ascii_lowercase().as_str(),
        "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf"
    )
}

/// Scan the literal whose prefix (possibly empty) starts at `start`; `quote_at` is the
/// opening quote.
pub fn scan_string(
    text: &str,
    start: usize,
    quote_at: usize,
) -> Result<ScannedString, StringError> {
    let prefix = text.get(start..quote_at).unwrap_or("").to_ascii_lowercase();
    let raw = prefix.contains('r');
    let bytes = prefix.contains('b');
    let formatted = prefix.contains('f');
    let rest = text.get(quote_at..).unwrap_or("");
    let Some(quote) = rest.chars().next() else {
        return Err((start..quote_at, "expected a string".into()));
    };
    let triple = rest.starts_with(&format!("{quote}{quote}{quote}"));
    let open_len = if triple { 3 } else { 1 };
    let body_start = quote_at + open_len;
    let mut pos = body_start;
    let body_end = loop {
        let Some(c) = text.get(pos..).and_then(|s| s.chars().next()) else {
            let what = if triple {
                "unterminated triple-quoted string literal"
            } else {
                "unterminated string literal"
            };
            return Err((start..quote_at + open_len, what.into()));
        };
        if c == '\\' {
            pos += 1;
            match text.get(pos..).and_then(|s| s.chars().next()) {
                Some(next) => pos += next.len_utf8(),
                None => continue,
            }
            continue;
        }
        if c == quote {
            if !triple {
                break pos;
            }
            if text
                .get(pos..)
                .is_some_and(|s| s.starts_with(&format!("{quote}{quote}{quote}")))
            {
                break pos;
            }
        }
        if (c == '\n' || c == '\r') && !triple {
            return Err((start..quote_at + 1, "unterminated string literal".into()));
        }
        pos += c.len_utf8();
    };
    let end = body_end + open_len;
    let body = text.get(body_start..body_end).unwrap_or("");
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    if formatted {
        let expressions = fstring_fields(text, body_start, body_end)?;
        return Ok(ScannedString {
            value: StringToken::Formatted,
            end,
            expressions,
        });
    }
    let whole = start..end;
    let value = if bytes {
        if let Some(c) = body.chars().find(|c| !c.is_ascii()) {
            let _ = c;
            return Err((
                whole,
                "bytes can only contain ASCII literal characters".into(),
            ));
        }
        if raw {
            StringToken::Bytes(body.into_bytes())
        } else {
            StringToken::Bytes(decode_bytes(&body).map_err(|m| (whole.clone(), m))?)
        }
    } else if raw {
        StringToken::Text(body)
    } else {
        StringToken::Text(decode_text(&body).map_err(|m| (whole.clone(), m))?)
    };
    Ok(ScannedString {
        value,
        end,
        expressions: Vec::new(),
    })
}

/// Decode the escapes of a `str` literal.
fn decode_text(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(e),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let (count, name) = match e {
                    'x' => (2, "\\xXX"),
                    'u' => (4, "\\uXXXX"),
                    _ => (8, "\\UXXXXXXXX"),
                };
                let mut value = 0u32;
                for _ in 0..count {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            value = value.saturating_mul(16).saturating_add(d);
                            chars.next();
                        }
                        None => return Err(format!("truncated {name} escape")),
                    }
                }
                if value > 0x10FFFF {
                    return Err("illegal Unicode character".into());
                }
                match char::from_u32(value) {
                    Some(c) => out.push(c),
                    None => return Err("pipec does not support lone surrogates in strings".into()),
                }
            }
            'N' => {
                return Err(
                    "pipec does not support `\\N{...}` escapes; write the character itself".into(),
                );
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Decode the escapes of a `bytes` literal (ASCII already checked).
fn decode_bytes(body: &str) -> Result<Vec<u8>, String> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&e) = bytes.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((value & 0xFF) as u8);
            }
            b'x' => {
                let hex = bytes
                    .get(i..i + 2)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) if hex.is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit())) => {
                        out.push(v);
                        i += 2;
                    }
                    _ => return Err(format!("invalid \\x escape at position {}", i - 2)),
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// The expression ranges of an f-string's replacement fields, checking the literal parts
/// (`{{`, `}}`), conversions and format specs as CPython 3.11 does.
fn fstring_fields(text: &str, start: usize, end: usize) -> Result<Vec<Range<usize>>, StringError> {
    let mut fields = Vec::new();
    let mut pos = start;
    scan_fstring(text, &mut pos, end, 0, &mut fields)?;
    Ok(fields)
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

/// Literal text and fields up to `end` (or, nested in a format spec, up to its `}`).
fn scan_fstring(
    text: &str,
    pos: &mut usize,
    end: usize,
    depth: usize,
    fields: &mut Vec<Range<usize>>,
) -> Result<(), StringError> {
    while *pos < end {
        let Some(c) = char_at(text, *pos) else { break };
        match c {
            '{' if char_at(text, *pos + 1) == Some('{') && depth == 0 => *pos += 2,
            '}' if depth > 0 => return Ok(()),
            '}' if char_at(text, *pos + 1) == Some('}') => *pos += 2,
            '}' => return Err((*pos..*pos + 1, "f-string: single '}' is not allowed".into())),
            '{' => {
                if depth >= 2 {
                    return Err((
                        *pos..*pos + 1,
                        "f-string: expressions nested too deeply".into(),
                    ));
                }
                field(text, pos, end, depth, fields)?;
            }
            c => *pos += c.len_utf8(),
        }
    }
    Ok(())
}

/// One `{expression[=][!c][:spec]}`; the cursor is on `{`.
fn field(
    text: &str,
    pos: &mut usize,
    end: usize,
    depth: usize,
    fields: &mut Vec<Range<usize>>,
) -> Result<(), StringError> {
    let open = *pos;
    *pos += 1;
    let expr_start = *pos;
    let mut nesting: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let expr_end = loop {
        let Some(c) = char_at(text, *pos).filter(|_| *pos < end) else {
            return Err((open..open + 1, "f-string: expecting '}'".into()));
        };
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            *pos += c.len_utf8();
            continue;
        }
        let next = char_at(text, *pos + 1);
        match c {
            '\\' => {
                return Err((
                    *pos..*pos + 1,
                    "f-string expression part cannot include a backslash".into(),
                ));
            }
            '#' => {
                return Err((
                    *pos..*pos + 1,
                    "f-string expression part cannot include '#'".into(),
                ));
            }
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => nesting.push(c),
            ')' | ']' | '}' if !nesting.is_empty() => {
                let opener = nesting.pop();
                let expected = match opener {
                    Some('(') => ')',
                    Some('[') => ']',
                    _ => '}',
                };
                if c != expected {
                    return Err((
                        *pos..*pos + 1,
                        format!("f-string: closing parenthesis '{c}' does not match"),
                    ));
                }
            }
            ')' | ']' => return Err((*pos..*pos + 1, format!("f-string: unmatched '{c}'"))),
            '!' | '=' | '<' | '>' if next == Some('=') && nesting.is_empty() => *pos += 1,
            '=' | '!' | ':' | '}' if nesting.is_empty() => break *pos,
            _ => {}
        }
        *pos += c.len_utf8();
    };
    if text
        .get(expr_start..expr_end)
        .is_none_or(|e| e.trim().is_empty())
    {
        return Err((
            open..expr_end + 1,
            "f-string: empty expression not allowed".into(),
        ));
    }
    fields.push(expr_start..expr_end);
    if char_at(text, *pos) == Some('=') {
        *pos += 1;
    }
    if char_at(text, *pos) == Some('!') {
        *pos += 1;
        match char_at(text, *pos) {
            Some('s' | 'r' | 'a') => *pos += 1,
            _ => {
                return Err((
                    *pos..*pos + 1,
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'".into(),
                ));
            }
        }
    }
    if char_at(text, *pos) == Some(':') {
        *pos += 1;
        scan_fstring(text, pos, end, depth + 1, fields)?;
    }
    if char_at(text, *pos) == Some('}') && *pos < end {
        *pos += 1;
        Ok(())
    } else {
        Err((open..open + 1, "f-string: expecting '}'".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Result<StringToken, String> {
        let quote = text.find(['\'', '"']).unwrap_or(0);
        scan_string(text, 0, quote)
            .map(|s| s.value)
            .map_err(|(_, m)| m)
    }

    #[test]
    fn decoding() {
        assert_eq!(value(r"'a\'b'"), Ok(StringToken::Text("a'b".into())));
        assert_eq!(
            value(r"'\x41\101\u00e9'"),
            Ok(StringToken::Text("AAé".into()))
        );
        assert_eq!(value(r"r'\q'"), Ok(StringToken::Text("\\q".into())));
        assert_eq!(value(r"b'\777'"), Ok(StringToken::Bytes(vec![0xff])));
        assert_eq!(value("'''a\nb'''"), Ok(StringToken::Text("a\nb".into())));
        assert!(value("'a\nb'").is_err());
        assert!(value(r"'\x4'").is_err());
        assert!(value("b'é'").is_err());
    }

    #[test]
    fn fstrings() {
        assert_eq!(value("f'{a!r:>{w}}'"), Ok(StringToken::Formatted));
        assert!(value("f'{'").is_err());
        assert!(value("f'}'").is_err());
        assert!(value("f'{}'").is_err());
        assert!(value("f'{a!x}'").is_err());
        let scanned = scan_string("f'{a} {b=}'", 0, 1).ok().map(|s| s.expressions);
        assert_eq!(scanned, Some(vec![3..4, 7..8]));
    }
}
