//! Python 3.11 numeric literals, scanned as CPython's tokenizer scans them (underscores
//! between digits, `0x`/`0o`/`0b`, no leading zeros, floats, `j`), with their values.

use std::ops::Range;

use crate::ir::LiteralValue;

/// CPython refuses decimal integer literals longer than this (`sys.int_info`).
const MAX_DECIMAL_DIGITS: usize = 4300;

/// A malformed number: where and why.
pub type NumberError = (Range<usize>, String);

/// Scan the number starting at `start` (a digit, or `.` followed by one). Returns its
/// value and where it ends.
pub fn scan_number(text: &str, start: usize) -> Result<(LiteralValue, usize), NumberError> {
    let mut s = Scanner { text, pos: start };
    let first = s.peek();
    if first == Some('0') {
        s.pos += 1;
        let radix = match s.peek() {
            Some('x' | 'X') => Some((16, "hexadecimal")),
            Some('o' | 'O') => Some((8, "octal")),
            Some('b' | 'B') => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, kind)) = radix {
            s.pos += 1;
            return s.radix_tail(start, radix, kind);
        }
        // Zeros (`0`, `00`, `0_0`), then maybe a float or an imaginary number.
        loop {
            if s.peek() == Some('_') {
                s.pos += 1;
                if !s.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(s.invalid("decimal"));
                }
            }
            if s.peek() != Some('0') {
                break;
            }
            s.pos += 1;
        }
        let zeros_end = s.pos;
        let nonzero = s.peek().is_some_and(|c| c.is_ascii_digit());
        if nonzero {
            s.decimal_tail()?;
        }
        return match s.peek() {
            Some('.') => {
                s.pos += 1;
                s.fraction(start)
            }
            Some('e' | 'E') => s.exponent(start),
            Some('j' | 'J') => s.imaginary(start),
            _ if nonzero => Err((
                start..zeros_end,
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".to_owned(),
            )),
            _ => {
                s.end_of_number("decimal")?;
                Ok((LiteralValue::Int("0".into()), s.pos))
            }
        };
    }
    if first == Some('.') {
        s.pos += 1;
        return s.fraction(start);
    }
    s.decimal_tail()?;
    match s.peek() {
        Some('.') => {
            s.pos += 1;
            s.fraction(start)
        }
        Some('e' | 'E') => s.exponent(start),
        Some('j' | 'J') => s.imaginary(start),
        _ => {
            s.end_of_number("decimal")?;
            let digits: String = s.slice(start).chars().filter(|&c| c != '_').collect();
            if digits.len() > MAX_DECIMAL_DIGITS {
                return Err((
                    start..s.pos,
                    format!("integer literal longer than {MAX_DECIMAL_DIGITS} digits"),
                ));
            }
            Ok((LiteralValue::Int(digits), s.pos))
        }
    }
}

struct Scanner<'t> {
    text: &'t str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().nth(ahead))
    }

    fn slice(&self, start: usize) -> &str {
        self.text.get(start..self.pos).unwrap_or("")
    }

    fn invalid(&self, kind: &str) -> NumberError {
        let len = self.peek().map_or(0, char::len_utf8);
        (self.pos..self.pos + len, format!("invalid {kind} literal"))
    }

    /// Digits and single underscores between them; the cursor is on a digit.
    fn decimal_tail(&mut self) -> Result<(), NumberError> {
        loop {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            if self.peek() != Some('_') {
                return Ok(());
            }
            self.pos += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.invalid("decimal"));
            }
        }
    }

    /// After `0x`, `0o` or `0b`.
    fn radix_tail(
        &mut self,
        start: usize,
        radix: u32,
        kind: &str,
    ) -> Result<(LiteralValue, usize), NumberError> {
        loop {
            if self.peek() == Some('_') {
                self.pos += 1;
            }
            match self.peek() {
                Some(c) if c.is_digit(radix) => {}
                Some(c) if c.is_ascii_digit() => {
                    return Err((
                        self.pos..self.pos + 1,
                        format!("invalid digit '{c}' in {kind} literal"),
                    ));
                }
                _ => return Err(self.invalid(kind)),
            }
            while self.peek().is_some_and(|c| c.is_digit(radix)) {
                self.pos += 1;
            }
            if self.peek() != Some('_') {
                break;
            }
        }
        if let Some(c) = self.peek()
            && c.is_ascii_digit()
        {
            return Err((
                self.pos..self.pos + 1,
                format!("invalid digit '{c}' in {kind} literal"),
            ));
        }
        self.end_of_number(kind)?;
        let digits: String = self
            .slice(start)
            .chars()
            .skip(2)
            .filter(|&c| c != '_')
            .collect();
        Ok((LiteralValue::Int(to_decimal(&digits, radix)), self.pos))
    }

    /// After the `.` of a float (or at a `.` that starts one).
    fn fraction(&mut self, start: usize) -> Result<(LiteralValue, usize), NumberError> {
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.decimal_tail()?;
        }
        match self.peek() {
            Some('e' | 'E') => self.exponent(start),
            Some('j' | 'J') => self.imaginary(start),
            _ => {
                self.end_of_number("decimal")?;
                Ok((LiteralValue::Float(self.float_value(start)), self.pos))
            }
        }
    }

    /// At the `e` of an exponent.
    fn exponent(&mut self, start: usize) -> Result<(LiteralValue, usize), NumberError> {
        let e = self.pos;
        self.pos += 1;
        match self.peek() {
            Some('+' | '-') => {
                self.pos += 1;
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(self.invalid("decimal"));
                }
            }
            Some(c) if c.is_ascii_digit() => {}
            _ => {
                // `1else`: the number ends before the `e` (CPython only warns).
                self.pos = e;
                self.end_of_number("decimal")?;
                return Ok((self.value_before_exponent(start), e));
            }
        }
        self.decimal_tail()?;
        if matches!(self.peek(), Some('j' | 'J')) {
            return self.imaginary(start);
        }
        self.end_of_number("decimal")?;
        Ok((LiteralValue::Float(self.float_value(start)), self.pos))
    }

    fn value_before_exponent(&self, start: usize) -> LiteralValue {
        let text = self.slice(start);
        if text.contains('.') {
            LiteralValue::Float(self.float_value(start))
        } else {
            let digits: String = text.chars().filter(|&c| c != '_').collect();
            let trimmed = digits.trim_start_matches('0');
            LiteralValue::Int(if trimmed.is_empty() { "0" } else { trimmed }.to_owned())
        }
    }

    /// At the `j` of an imaginary number.
    fn imaginary(&mut self, start: usize) -> Result<(LiteralValue, usize), NumberError> {
        let value = self.float_value(start);
        self.pos += 1;
        self.end_of_number("imaginary")?;
        Ok((LiteralValue::Imaginary(value), self.pos))
    }

    fn float_value(&self, start: usize) -> f64 {
        let cleaned: String = self
            .slice(start)
            .chars()
            .filter(|&c| c != '_' && c != 'j' && c != 'J')
            .collect();
        let cleaned = if cleaned.starts_with('.') {
            format!("0{cleaned}")
        } else {
            cleaned
        };
        cleaned.parse().unwrap_or(f64::INFINITY)
    }

    /// CPython's `verify_end_of_number`: a letter right after a number is an error,
    /// except the start of a keyword that may follow one (`1if x else 2`).
    fn end_of_number(&self, kind: &str) -> Result<(), NumberError> {
        let Some(c) = self.peek() else {
            return Ok(());
        };
        let next = |n: usize| self.peek_at(n);
        let keyword = match c {
            'a' => next(1) == Some('n') && next(2) == Some('d'),
            'e' => next(1) == Some('l') && next(2) == Some('s') && next(3) == Some('e'),
            'f' => next(1) == Some('o') && next(2) == Some('r'),
            'i' => matches!(next(1), Some('f' | 'n' | 's')),
            'o' => next(1) == Some('r'),
            'n' => next(1) == Some('o') && next(2) == Some('t'),
            _ => false,
        };
        if !keyword && (c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()) {
            return Err(self.invalid(kind));
        }
        Ok(())
    }
}

/// `digits` in base `radix` as decimal digits (Python ints are unbounded).
fn to_decimal(digits: &str, radix: u32) -> String {
    // Little-endian base-10^9 limbs.
    let mut limbs: Vec<u64> = vec![0];
    for c in digits.chars() {
        let mut carry = u64::from(c.to_digit(radix).unwrap_or(0));
        for limb in &mut limbs {
            let value = *limb * u64::from(radix) + carry;
            *limb = value % 1_000_000_000;
            carry = value / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut out = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            out.push_str(&limb.to_string());
        } else {
            out.push_str(&format!("{limb:09}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Result<(LiteralValue, usize), String> {
        scan_number(text, 0).map_err(|(_, m)| m)
    }

    #[test]
    fn values() {
        assert_eq!(scan("0x10"), Ok((LiteralValue::Int("16".into()), 4)));
        assert_eq!(scan("1_000"), Ok((LiteralValue::Int("1000".into()), 5)));
        assert_eq!(scan("00"), Ok((LiteralValue::Int("0".into()), 2)));
        assert_eq!(scan("0123.5"), Ok((LiteralValue::Float(123.5), 6)));
        assert_eq!(scan(".5j"), Ok((LiteralValue::Imaginary(0.5), 3)));
        assert_eq!(scan("1.e5"), Ok((LiteralValue::Float(100000.0), 4)));
        assert_eq!(scan("1if"), Ok((LiteralValue::Int("1".into()), 1)));
        assert_eq!(scan("1else"), Ok((LiteralValue::Int("1".into()), 1)));
        assert_eq!(
            scan("0xFFFFFFFFFFFFFFFFFFFF"),
            Ok((LiteralValue::Int("1208925819614629174706175".into()), 22))
        );
    }

    #[test]
    fn errors() {
        assert_eq!(scan("1x").unwrap_err(), "invalid decimal literal");
        assert_eq!(scan("1_").unwrap_err(), "invalid decimal literal");
        assert_eq!(scan("1__0").unwrap_err(), "invalid decimal literal");
        assert_eq!(scan("1e").unwrap_err(), "invalid decimal literal");
        assert!(scan("0123").unwrap_err().starts_with("leading zeros"));
        assert_eq!(
            scan("0b102").unwrap_err(),
            "invalid digit '2' in binary literal"
        );
        assert_eq!(scan("0x").unwrap_err(), "invalid hexadecimal literal");
    }
}
