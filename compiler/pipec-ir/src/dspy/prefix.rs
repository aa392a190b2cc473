//! DSPy's `infer_prefix`: a field name turned into the label DSPy stores as the field's
//! `prefix` (`question_text` → `Question Text:`, `HTMLParser` → `HTML Parser:`).
//!
//! DSPy runs four `re.sub` passes and a title-casing; this replays them character by
//! character with the same semantics (`[A-Z]`, `[a-z]` and `[a-zA-Z]` are ASCII, `\d` is
//! any Unicode decimal digit, `.` is any character, matches do not overlap).

use super::unicode::{capitalize, is_decimal, is_upper};

/// `infer_prefix(name) + ":"`.
#[must_use]
pub fn prefix(name: &str) -> String {
    format!("{}:", infer_prefix(name))
}

/// DSPy's `infer_prefix`.
#[must_use]
pub fn infer_prefix(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    // `re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)`
    let s1 = substitute(&chars, |c, i| {
        let upper = c.get(i + 1).is_some_and(char::is_ascii_uppercase);
        let lower = c.get(i + 2).is_some_and(char::is_ascii_lowercase);
        if c.get(i).is_some_and(|&x| x != '\n') && upper && lower {
            let mut end = i + 3;
            while c.get(end).is_some_and(char::is_ascii_lowercase) {
                end += 1;
            }
            Some((end, 1))
        } else {
            None
        }
    });
    // `re.sub("([a-z0-9])([A-Z])", r"\1_\2", s1)`
    let s2 = substitute(&s1, |c, i| {
        let first = c
            .get(i)
            .is_some_and(|x| x.is_ascii_lowercase() || x.is_ascii_digit());
        (first && c.get(i + 1).is_some_and(char::is_ascii_uppercase)).then_some((i + 2, 1))
    });
    // `re.sub(r"([a-zA-Z])(\d)", r"\1_\2", s2)`
    let s3 = substitute(&s2, |c, i| {
        let first = c.get(i).is_some_and(char::is_ascii_alphabetic);
        (first && c.get(i + 1).is_some_and(|&x| is_decimal(x))).then_some((i + 2, 1))
    });
    // `re.sub(r"(\d)([a-zA-Z])", r"\1_\2", s3)`
    let s4 = substitute(&s3, |c, i| {
        let first = c.get(i).is_some_and(|&x| is_decimal(x));
        (first && c.get(i + 1).is_some_and(char::is_ascii_alphabetic)).then_some((i + 2, 1))
    });
    let text: String = s4.into_iter().collect();
    text.split('_')
        .map(|word| {
            if is_upper(word) {
                word.to_owned()
            } else {
                capitalize(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One `re.sub` pass whose pattern is two groups and whose replacement is `\1_\2`:
/// `matcher(chars, i)` returns where a match starting at `i` ends and how long its first
/// group is; matches are found left to right without overlapping.
fn substitute(
    chars: &[char],
    matcher: impl Fn(&[char], usize) -> Option<(usize, usize)>,
) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        match matcher(chars, i) {
            Some((end, group)) => {
                out.extend(chars.get(i..i + group).unwrap_or(&[]));
                out.push('_');
                out.extend(chars.get(i + group..end).unwrap_or(&[]));
                i = end;
            }
            None => {
                out.extend(chars.get(i).copied());
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_dspy() {
        let cases = [
            ("question", "Question:"),
            ("question_text", "Question Text:"),
            ("userName", "User Name:"),
            ("HTMLParser", "HTML Parser:"),
            ("text2number", "Text 2 Number:"),
            ("url_v2", "Url V 2:"),
            ("JSONOutput", "JSON Output:"),
            ("step_1", "Step 1:"),
            ("x2y", "X 2 Y:"),
            ("ABCdef", "AB Cdef:"),
            ("out_3d", "Out 3 D:"),
            ("café", "Café:"),
            ("_x", " X:"),
        ];
        for (name, expected) in cases {
            assert_eq!(prefix(name), expected, "{name}");
        }
    }
}
