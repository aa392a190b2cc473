//! pydantic's lax-mode scalars: `str`, `int`, `float`, `bool`, `bytes`, `complex`,
//! `None`, with the coercions pydantic-core makes from Python objects.

use super::error::LineError;
use super::{Exactness, Outcome, Validated};
use crate::parse::object::Obj;
use crate::value::{Int, Value};

/// Strings pydantic reads as booleans (compared case-insensitively, not stripped).
const TRUE_WORDS: [&str; 6] = ["1", "on", "t", "true", "y", "yes"];
const FALSE_WORDS: [&str; 6] = ["0", "off", "f", "false", "n", "no"];

/// `str`: a string, or UTF-8 bytes.
pub fn string(obj: &Obj) -> Outcome {
    match obj {
        Obj::Str(s) => Ok(Validated::new(
            Value::Str(s.clone()),
            "str",
            Exactness::Exact,
        )),
        Obj::Bytes(b) => match String::from_utf8(b.clone()) {
            Ok(s) => Ok(Validated::new(Value::Str(s), "str", Exactness::Lax)),
            Err(_) => Err(vec![LineError::new(
                "string_unicode",
                "Input should be a valid string, unable to parse raw data as a unicode string",
                obj,
            )]),
        },
        _ => Err(vec![LineError::new(
            "string_type",
            "Input should be a valid string",
            obj,
        )]),
    }
}

/// The text of a string or bytes input.
fn text_of(obj: &Obj) -> Option<String> {
    match obj {
        Obj::Str(s) => Some(s.clone()),
        Obj::Bytes(b) => String::from_utf8(b.clone()).ok(),
        _ => None,
    }
}

/// `int`: an int; a bool; a float without fraction; a string of digits (spaces around,
/// `_` between digits and a `.0` fraction allowed).
pub fn int(obj: &Obj) -> Outcome {
    let lax = |i: Int| Ok(Validated::new(Value::Int(i), "int", Exactness::Lax));
    match obj {
        Obj::Int(i) => Ok(Validated::new(
            Value::Int(i.clone()),
            "int",
            Exactness::Exact,
        )),
        Obj::Bool(b) => lax(Int::from(i64::from(*b))),
        Obj::Float(f) => {
            int_from_float(*f, obj).map(|i| Validated::new(Value::Int(i), "int", Exactness::Lax))
        }
        Obj::Str(_) | Obj::Bytes(_) => {
            let text = text_of(obj).unwrap_or_default();
            match int_from_text(text.trim()) {
                Some(i) => lax(i),
                None => Err(vec![LineError::new(
                    "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer",
                    obj,
                )]),
            }
        }
        _ => Err(vec![LineError::new(
            "int_type",
            "Input should be a valid integer",
            obj,
        )]),
    }
}

fn int_from_float(f: f64, obj: &Obj) -> Result<Int, Vec<LineError>> {
    if !f.is_finite() {
        return Err(vec![LineError::new(
            "finite_number",
            "Input should be a finite number",
            obj,
        )]);
    }
    if f.fract() != 0.0 {
        return Err(vec![LineError::new(
            "int_from_float",
            "Input should be a valid integer, got a number with a fractional part",
            obj,
        )]);
    }
    // pydantic-core converts through i64 and refuses what does not fit.
    #[allow(clippy::cast_precision_loss, reason = "the bound is only compared")]
    if f.abs() >= i64::MAX as f64 {
        return Err(vec![LineError::new(
            "int_parsing_size",
            "Unable to parse input string as an integer, exceeded maximum size",
            obj,
        )]);
    }
    Int::from_whole_float(f).ok_or_else(|| {
        vec![LineError::new(
            "int_type",
            "Input should be a valid integer",
            obj,
        )]
    })
}

/// `[+-]?digits(_digits)*(\.0*)?`.
fn int_from_text(text: &str) -> Option<Int> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    let (whole, fraction) = match rest.find('.') {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    if fraction.is_some_and(|f| !f.bytes().all(|b| b == b'0')) {
        return None;
    }
    let digits = without_underscores(whole)?;
    Int::parse(&format!("{sign}{digits}"))
}

/// Digits with single underscores between them, the underscores removed.
fn without_underscores(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_digit() || !bytes[bytes.len() - 1].is_ascii_digit() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut previous_underscore = false;
    for &b in bytes {
        match b {
            b'0'..=b'9' => {
                out.push(char::from(b));
                previous_underscore = false;
            }
            b'_' if !previous_underscore => previous_underscore = true,
            _ => return None,
        }
    }
    Some(out)
}

/// `float`: a float; an int (strict); a bool; a string in Python's float syntax
/// (`inf`, `nan`, underscores between digits).
pub fn float(obj: &Obj) -> Outcome {
    let value = |f: f64, exactness| Ok(Validated::new(Value::Float(f), "float", exactness));
    match obj {
        Obj::Float(f) => value(*f, Exactness::Exact),
        Obj::Int(i) => value(i.to_f64(), Exactness::Strict),
        Obj::Bool(b) => value(f64::from(u8::from(*b)), Exactness::Lax),
        Obj::Str(_) | Obj::Bytes(_) => match text_of(obj).and_then(|t| float_from_text(t.trim())) {
            Some(f) => value(f, Exactness::Lax),
            None => Err(vec![LineError::new(
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
                obj,
            )]),
        },
        _ => Err(vec![LineError::new(
            "float_type",
            "Input should be a valid number",
            obj,
        )]),
    }
}

fn float_from_text(text: &str) -> Option<f64> {
    let lowered = text.to_ascii_lowercase();
    let unsigned = lowered.trim_start_matches(['+', '-']);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return lowered.parse().ok();
    }
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E' | b'_'))
    {
        return None;
    }
    let cleaned = if text.contains('_') {
        let chars: Vec<char> = text.chars().collect();
        let ok = chars.iter().enumerate().all(|(i, c)| {
            *c != '_'
                || (i > 0
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        });
        if !ok {
            return None;
        }
        text.replace('_', "")
    } else {
        text.to_owned()
    };
    cleaned.parse().ok()
}

/// `bool`: a bool; the ints 0 and 1; the floats 0.0 and 1.0; the words pydantic knows.
pub fn boolean(obj: &Obj) -> Outcome {
    let value = |b: bool, exactness| Ok(Validated::new(Value::Bool(b), "bool", exactness));
    let parsing = || {
        Err(vec![LineError::new(
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input",
            obj,
        )])
    };
    match obj {
        Obj::Bool(b) => value(*b, Exactness::Exact),
        Obj::Int(i) if i.is_zero() => value(false, Exactness::Lax),
        Obj::Int(i) if i.as_str() == "1" => value(true, Exactness::Lax),
        Obj::Int(_) => parsing(),
        Obj::Float(f) if *f == 0.0 => value(false, Exactness::Lax),
        Obj::Float(f) if *f == 1.0 => value(true, Exactness::Lax),
        Obj::Str(_) | Obj::Bytes(_) => {
            let word = text_of(obj).unwrap_or_default().to_lowercase();
            if TRUE_WORDS.contains(&word.as_str()) {
                value(true, Exactness::Lax)
            } else if FALSE_WORDS.contains(&word.as_str()) {
                value(false, Exactness::Lax)
            } else {
                parsing()
            }
        }
        _ => Err(vec![LineError::new(
            "bool_type",
            "Input should be a valid boolean",
            obj,
        )]),
    }
}

/// `bytes`: bytes, or a string (encoded as UTF-8); written to JSON as text.
pub fn bytes(obj: &Obj) -> Outcome {
    match obj {
        Obj::Bytes(b) => Ok(Validated::new(
            Value::Str(String::from_utf8_lossy(b).into_owned()),
            "bytes",
            Exactness::Exact,
        )),
        Obj::Str(s) => Ok(Validated::new(
            Value::Str(s.clone()),
            "bytes",
            Exactness::Lax,
        )),
        _ => Err(vec![LineError::new(
            "bytes_type",
            "Input should be a valid bytes",
            obj,
        )]),
    }
}

/// `complex`: a complex number, or an int or float as its real part; written as text.
pub fn complex(obj: &Obj) -> Outcome {
    let (re, im, exactness) = match obj {
        Obj::Complex(re, im) => (*re, *im, Exactness::Exact),
        Obj::Int(i) => (i.to_f64(), 0.0, Exactness::Lax),
        Obj::Float(f) => (*f, 0.0, Exactness::Lax),
        _ => {
            return Err(vec![LineError::new(
                "complex_type",
                "Input should be a valid python complex object, a number, or a valid complex string following the rules at https://docs.python.org/3/library/functions.html#complex",
                obj,
            )]);
        }
    };
    let text = Obj::Complex(re, im).python_str();
    let text = text
        .trim_start_matches('(')
        .trim_end_matches(')')
        .to_owned();
    Ok(Validated::new(Value::Str(text), "complex", exactness))
}

/// `None`.
pub fn none(obj: &Obj) -> Outcome {
    match obj {
        Obj::None => Ok(Validated::new(Value::Null, "NoneType", Exactness::Exact)),
        _ => Err(vec![LineError::new(
            "none_required",
            "Input should be None",
            obj,
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Obj {
        Obj::Str(text.into())
    }

    fn ok(outcome: Outcome) -> Option<Value> {
        outcome.ok().map(|v| v.value)
    }

    #[test]
    fn ints_as_pydantic() {
        assert_eq!(ok(int(&s(" 42 "))), Some(Value::int(42)));
        assert_eq!(ok(int(&s("+5"))), Some(Value::int(5)));
        assert_eq!(ok(int(&s("1_000"))), Some(Value::int(1000)));
        assert_eq!(ok(int(&s("4.0"))), Some(Value::int(4)));
        assert_eq!(ok(int(&s("  7\n"))), Some(Value::int(7)));
        assert_eq!(ok(int(&Obj::Bool(true))), Some(Value::int(1)));
        assert_eq!(ok(int(&Obj::Float(4.0))), Some(Value::int(4)));
        for bad in ["0x10", "4.5", "1e3", "٣", "42 apples", "1__0", "_1"] {
            assert_eq!(ok(int(&s(bad))), None, "{bad}");
        }
        assert_eq!(ok(int(&Obj::Float(4.5))), None);
        assert_eq!(ok(int(&Obj::Float(1e20))), None);
    }

    #[test]
    fn floats_and_bools_as_pydantic() {
        assert_eq!(ok(float(&s(".5"))), Some(Value::Float(0.5)));
        assert_eq!(ok(float(&s(" 2.5 "))), Some(Value::Float(2.5)));
        assert_eq!(ok(float(&s("1_0.5"))), Some(Value::Float(10.5)));
        assert_eq!(
            ok(float(&s("-Infinity"))),
            Some(Value::Float(f64::NEG_INFINITY))
        );
        assert_eq!(ok(float(&s("0x10"))), None);
        assert_eq!(ok(float(&s("50%"))), None);
        assert_eq!(ok(boolean(&s("Y"))), Some(Value::Bool(true)));
        assert_eq!(ok(boolean(&s("off"))), Some(Value::Bool(false)));
        assert_eq!(ok(boolean(&s(" true "))), None);
        assert_eq!(ok(boolean(&Obj::Int(Int::from(2i64)))), None);
        assert_eq!(ok(boolean(&Obj::Float(1.0))), Some(Value::Bool(true)));
        assert_eq!(ok(string(&Obj::Int(Int::from(5i64)))), None);
    }
}
