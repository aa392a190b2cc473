//! CPython's `repr(str)`, which DSPy shows for `dspy.Code['python']` (the class it makes
//! is named `Code_` plus the `repr` of the argument tuple).

use super::unicode::is_printable;

/// `repr(s)`.
#[must_use]
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c == ' ' || (c.is_ascii() && !c.is_ascii_control()) => out.push(c),
            c if !c.is_ascii() && is_printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                if code <= 0xFF {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code <= 0xFFFF {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

/// `repr` of a tuple of already-`repr`ed items: `('a',)`, `('a', 'b')`.
#[must_use]
pub fn tuple_repr(items: &[String]) -> String {
    match items {
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs() {
        assert_eq!(str_repr("python"), "'python'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\u{0}\u{85}é"), "'a\\x00\\x85é'");
        assert_eq!(tuple_repr(&["'a'".into()]), "('a',)");
        assert_eq!(tuple_repr(&["'a'".into(), "'b'".into()]), "('a', 'b')");
    }
}
