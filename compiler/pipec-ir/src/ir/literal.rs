//! The values of a `Literal[...]` type and their Python renderings.
//!
//! DSPy renders a literal's strings with its own quoting
//! (`_quoted_string_for_literal_type_annotation`: no escapes at all, only a choice of
//! quote) and every other value with `str(value)`, so ints, floats, bytes and complex
//! numbers must print exactly as CPython prints them.

/// One value of a `Literal[...]`.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralValue {
    /// A string: `'a'`, `"b"`.
    Str(String),
    /// An integer, as its decimal digits (Python ints are unbounded): `1`, `0x10` is `16`.
    Int(String),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// A float: `1.5`, `1e16`.
    Float(f64),
    /// An imaginary number: `1j` (its imaginary part).
    Imaginary(f64),
    /// A bytes value: `b'a'`.
    Bytes(Vec<u8>),
    /// `...`.
    Ellipsis,
}

impl LiteralValue {
    /// How DSPy renders the value inside `Literal[...]`.
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            LiteralValue::Str(s) => quote_for_literal(s),
            LiteralValue::Int(digits) => digits.clone(),
            LiteralValue::Bool(true) => "True".into(),
            LiteralValue::Bool(false) => "False".into(),
            LiteralValue::None => "None".into(),
            LiteralValue::Float(f) => float_repr(*f, true),
            LiteralValue::Imaginary(f) => format!("{}j", float_repr(*f, false)),
            LiteralValue::Bytes(b) => bytes_repr(b),
            LiteralValue::Ellipsis => "Ellipsis".into(),
        }
    }

    /// The value as a string, when it is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            LiteralValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// DSPy's quoting of a literal string: double quotes when it holds only single quotes,
/// otherwise single quotes, escaping single quotes only when it holds both kinds.
fn quote_for_literal(s: &str) -> String {
    match (s.contains('\''), s.contains('"')) {
        (true, false) => format!("\"{s}\""),
        (true, true) => format!("'{}'", s.replace('\'', "\\'")),
        _ => format!("'{s}'"),
    }
}

/// CPython's `repr(float)`: the shortest digits that round-trip, in fixed notation when
/// the decimal exponent is in -4..16 and in scientific notation (`1e+16`, `1e-05`)
/// otherwise; `add_dot_zero` appends `.0` to whole numbers (floats do, the imaginary part
/// of a complex does not).
#[must_use]
pub(crate) fn float_repr(value: f64, add_dot_zero: bool) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    // Rust's `{:e}` prints the same shortest round-trip digits as CPython's `repr`.
    let sci = format!("{:e}", value.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let point = exponent + 1;
    if !(-4 < point && point <= 16) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{exp_sign}{:02}", exponent.abs());
    }
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if digits.len() > point {
            format!("{}.{}", &digits[..point], &digits[point..])
        } else {
            let whole = format!("{digits}{}", "0".repeat(point - digits.len()));
            if add_dot_zero {
                format!("{whole}.0")
            } else {
                whole
            }
        }
    };
    format!("{sign}{body}")
}

/// CPython's `repr(bytes)`.
#[must_use]
pub(crate) fn bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_cpython_prints_them() {
        let cases = [
            (1.5, "1.5"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (100.0, "100.0"),
            (0.0, "0.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1e15, "1000000000000000.0"),
            (2.5e-7, "2.5e-07"),
        ];
        for (value, expected) in cases {
            assert_eq!(float_repr(value, true), expected);
        }
        assert_eq!(LiteralValue::Imaginary(1.0).display(), "1j");
        assert_eq!(LiteralValue::Imaginary(1e16).display(), "1e+16j");
    }

    #[test]
    fn strings_and_bytes() {
        assert_eq!(LiteralValue::Str("a".into()).display(), "'a'");
        assert_eq!(LiteralValue::Str("it's".into()).display(), "\"it's\"");
        assert_eq!(
            LiteralValue::Str("both ' and \"".into()).display(),
            "'both \\' and \"'"
        );
        assert_eq!(bytes_repr(b"a\x00\xff"), "b'a\\x00\\xff'");
        assert_eq!(bytes_repr(b"it's"), "b\"it's\"");
    }
}
