//! String literals: `"..."` with escapes, and `"""` text blocks.
//!
//! A text block starts with `"""` at the end of a line and ends with `"""` on a line of its
//! own; the closing delimiter's indentation is removed from every line, and the line
//! breaks right after the opening and right before the closing delimiter are not part of
//! the value (Swift's rule). Nothing is escaped inside a text block, so prompts can hold
//! quotes and backslashes as they are.
//!
//! The values keep a simple correspondence with the source so that
//! [`crate::ScalarMapper`] can map offsets inside them back to the file: a quoted string
//! is a YAML double-quoted scalar (escapes are skipped by the mapper's alignment) and a text
//! block is a YAML literal block (its header line and indentation are skipped).

use std::ops::Range;

/// A problem in a literal: the byte range inside the literal's text, a message and a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringError {
    pub range: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// Decode `"..."` (`raw` includes the quotes). Escapes: `\\ \" \n \t \r \0 \u{...}`.
pub fn decode_quoted(raw: &str) -> Result<String, StringError> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let start = i + 1;
        let Some((_, escaped)) = chars.next() else {
            return Err(bad_escape(start..start + 1, "\\"));
        };
        match escaped {
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'u' => out.push(unicode_escape(inner, start, &mut chars)?),
            other => {
                let end = start + 1 + other.len_utf8();
                return Err(bad_escape(start..end, &format!("\\{other}")));
            }
        }
    }
    Ok(out)
}

/// `\u{...}` after its `u`: one to six hex digits naming a Unicode scalar value.
fn unicode_escape(
    inner: &str,
    start: usize,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<char, StringError> {
    let invalid = |end: usize| StringError {
        range: start..end + 1,
        message: "invalid unicode escape".to_owned(),
        label: "expected `\\u{` with one to six hex digits and `}`".to_owned(),
        help: Some("write a character as `\\u{e9}`, or type it directly".to_owned()),
    };
    if chars.next_if(|(_, c)| *c == '{').is_none() {
        return Err(invalid(start + 1));
    }
    let mut digits = String::new();
    let mut end = start + 2;
    for (i, c) in chars.by_ref() {
        end = i + 1;
        if c == '}' {
            let value = u32::from_str_radix(&digits, 16)
                .ok()
                .filter(|_| (1..=6).contains(&digits.len()));
            return value.and_then(char::from_u32).ok_or_else(|| invalid(i + 1));
        }
        if !c.is_ascii_hexdigit() {
            return Err(invalid(i + c.len_utf8()));
        }
        digits.push(c);
    }
    Err(invalid(end.min(inner.len() + 1)))
}

fn bad_escape(range: Range<usize>, text: &str) -> StringError {
    StringError {
        range,
        message: format!("unknown escape `{text}`"),
        label: "not an escape sequence".to_owned(),
        help: Some(
            "escapes are `\\\\`, `\\\"`, `\\n`, `\\t`, `\\r`, `\\0` and `\\u{...}`; a `\"\"\"` text block needs none"
                .to_owned(),
        ),
    }
}

/// Decode a `"""` text block (`raw` includes both delimiters).
pub fn decode_block(raw: &str) -> Result<String, StringError> {
    let inner = raw
        .strip_prefix("\"\"\"")
        .and_then(|r| r.strip_suffix("\"\"\""))
        .unwrap_or("");
    let Some(first_break) = inner.find('\n') else {
        return Err(StringError {
            range: 0..raw.len(),
            message: "a text block spans lines".to_owned(),
            label: "this text block is on one line".to_owned(),
            help: Some("write a one-line string as `\"...\"`, or put the text on the lines between the two `\"\"\"`".to_owned()),
        });
    };
    let opening_rest = inner.get(..first_break).unwrap_or("");
    if !opening_rest.trim().is_empty() {
        return Err(StringError {
            range: 3..3 + opening_rest.trim_end().len(),
            message: "text after an opening `\"\"\"`".to_owned(),
            label: "a text block starts on the next line".to_owned(),
            help: Some("move this text to the line after `\"\"\"`".to_owned()),
        });
    }
    let body = inner.get(first_break + 1..).unwrap_or("");
    let last_break = body.rfind('\n');
    let indent = match last_break {
        Some(i) => body.get(i + 1..).unwrap_or(""),
        None => body,
    };
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        let closing = 3 + first_break + 1 + last_break.map_or(0, |i| i + 1);
        return Err(StringError {
            range: closing..raw.len(),
            message: "text before a closing `\"\"\"`".to_owned(),
            label: "the closing `\"\"\"` goes on a line of its own".to_owned(),
            help: Some("put the closing `\"\"\"` on the next line".to_owned()),
        });
    }
    let Some(last_break) = last_break else {
        // `"""`, a line break, and the closing delimiter: an empty text.
        return Ok(String::new());
    };
    let lines = body.get(..last_break).unwrap_or("");
    let mut out = String::with_capacity(lines.len());
    for (n, line) in lines.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push_str(strip_indent(line, indent));
    }
    Ok(out)
}

/// `line` without as much of `indent` as it starts with.
fn strip_indent<'a>(line: &'a str, indent: &str) -> &'a str {
    let common = line
        .bytes()
        .zip(indent.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    line.get(common..).unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes() {
        assert_eq!(decode_quoted(r#""a\"b\\c\n""#).unwrap(), "a\"b\\c\n");
        assert_eq!(decode_quoted(r#""caf\u{e9}""#).unwrap(), "café");
        let e = decode_quoted(r#""a\qb""#).unwrap_err();
        assert_eq!(e.range, 2..4);
        assert_eq!(e.message, "unknown escape `\\q`");
        assert!(decode_quoted(r#""\u{110000}""#).is_err());
        assert!(decode_quoted(r#""\u{zz}""#).is_err());
        assert!(decode_quoted(r#""\u12""#).is_err());
    }

    #[test]
    fn text_blocks_strip_the_closing_indentation() {
        let raw = "\"\"\"\n    Summarize:\n      {{ inputs.doc }}\n\n    Be brief.\n    \"\"\"";
        assert_eq!(
            decode_block(raw).unwrap(),
            "Summarize:\n  {{ inputs.doc }}\n\nBe brief."
        );
        assert_eq!(decode_block("\"\"\"\n\"\"\"").unwrap(), "");
        assert!(decode_block("\"\"\"one line\"\"\"").is_err());
        assert!(decode_block("\"\"\"x\n  a\n  \"\"\"").is_err());
        assert!(decode_block("\"\"\"\n  a\n  b\"\"\"").is_err());
    }
}
