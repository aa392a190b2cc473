//! Python's string functions that DSPy's adapters apply, with Python's exact notion of
//! whitespace and line breaks: `str.strip`, `str.splitlines`, `textwrap.dedent`.

/// `str.isspace` of one character: Unicode white space plus the four ASCII information
/// separators (`\x1c`–`\x1f`), which Python counts and Rust does not.
#[must_use]
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.strip()`.
#[must_use]
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_python_space)
}

/// `str.rstrip()`.
#[must_use]
pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_python_space)
}

/// Whether `c` ends a line for `str.splitlines`.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{b}'
            | '\u{c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `str.splitlines()`: lines without their breaks (`\r\n` is one break); a final break
/// does not start another line.
#[must_use]
pub fn splitlines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !is_line_break(c) {
            continue;
        }
        lines.push(&s[start..at]);
        let mut end = at + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
            chars.next();
            end += 1;
        }
        start = end;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// Python 3.11's `textwrap.dedent`: lines of only spaces and tabs become empty, then the
/// longest run of spaces and tabs common to the start of every other line is removed.
/// Lines are split at `\n` only, as its regular expressions do.
#[must_use]
pub fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| {
            if !line.is_empty() && line.chars().all(|c| c == ' ' || c == '\t') {
                ""
            } else {
                line
            }
        })
        .collect();
    let mut margin: Option<&str> = None;
    for line in &lines {
        let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
        if indent_len == line.len() {
            // No character other than spaces and tabs: not counted.
            continue;
        }
        let indent = &line[..indent_len];
        margin = Some(match margin {
            None => indent,
            Some(m) if indent.starts_with(m) => m,
            Some(m) if m.starts_with(indent) => indent,
            Some(m) => {
                let common = m
                    .bytes()
                    .zip(indent.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                &m[..common]
            }
        });
    }
    let margin = margin.unwrap_or("");
    if margin.is_empty() {
        return lines.join("\n");
    }
    lines
        .iter()
        .map(|line| line.strip_prefix(margin).unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_as_python() {
        assert_eq!(splitlines("a\r\nb\rc\nd\n"), ["a", "b", "c", "d"]);
        assert_eq!(splitlines("a\n\nb"), ["a", "", "b"]);
        assert_eq!(splitlines(""), Vec::<&str>::new());
        assert_eq!(splitlines("\n"), [""]);
        assert_eq!(splitlines("a\u{2028}b\u{85}c"), ["a", "b", "c"]);
    }

    #[test]
    fn dedents_as_textwrap() {
        assert_eq!(dedent("  a\n    b\n  c"), "a\n  b\nc");
        assert_eq!(dedent("  a\n   \n  b"), "a\n\nb");
        assert_eq!(dedent("\ta\n  b"), "\ta\n  b");
        assert_eq!(dedent("  x\r\n  y"), "x\r\ny");
        assert_eq!(dedent("no indent\n  x"), "no indent\n  x");
    }

    #[test]
    fn strips_python_whitespace() {
        assert_eq!(strip("\u{1c} a \u{a0}"), "a");
        assert_eq!(rstrip(" a \n"), " a");
    }
}
