//! [`Int`]: a Python `int` of any size, kept as its canonical decimal digits.
//!
//! Python integers are unbounded, JSON integers in DSPy's inputs may exceed 2^64, and a
//! model may answer an `int` field with fifty digits; pydantic accepts all of them. The
//! adapter never does arithmetic beyond comparing, converting and printing, so decimal
//! digits are the simplest faithful representation.

use std::cmp::Ordering;
use std::fmt;

/// CPython refuses to convert strings of more digits than this to `int`
/// (`sys.get_int_max_str_digits()`), and so do json and pydantic.
pub const MAX_INT_DIGITS: usize = 4300;

/// A Python `int`: an optional `-` and decimal digits without leading zeros (`0` for zero).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Int(String);

impl Int {
    /// Parse an optionally signed run of ASCII decimal digits (leading zeros allowed, no
    /// underscores, no spaces). `None` when it is not one or has too many digits.
    #[must_use]
    pub fn parse(text: &str) -> Option<Int> {
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() > MAX_INT_DIGITS {
            return None;
        }
        Some(Int::from_parts(negative, trimmed))
    }

    /// Digits already known to be canonical except for zero and the sign.
    fn from_parts(negative: bool, digits: &str) -> Int {
        if digits.is_empty() {
            Int("0".into())
        } else if negative {
            Int(format!("-{digits}"))
        } else {
            Int(digits.to_owned())
        }
    }

    /// The decimal digits, with `-` when negative.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is below zero.
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-')
    }

    /// Whether it is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.0 == "0"
    }

    /// `-self`.
    #[must_use]
    pub fn negated(&self) -> Int {
        match self.0.strip_prefix('-') {
            Some(magnitude) => Int(magnitude.to_owned()),
            None if self.is_zero() => self.clone(),
            None => Int(format!("-{}", self.0)),
        }
    }

    /// The value as an `i128`, when it fits.
    #[must_use]
    pub fn to_i128(&self) -> Option<i128> {
        self.0.parse().ok()
    }

    /// The nearest `f64` (infinite beyond its range), as Python's `float(int)` would give
    /// for every value that does not overflow.
    #[must_use]
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// The value of a float with no fractional part (`3.0` → `3`, `1e20` → its exact
    /// digits); `None` for a fractional, infinite or NaN float.
    #[must_use]
    pub fn from_whole_float(value: f64) -> Option<Int> {
        if !value.is_finite() || value.fract() != 0.0 {
            return None;
        }
        let negative = value < 0.0;
        let magnitude = value.abs();
        // Below 2^127 the cast is exact; above, expand mantissa × 2^exponent by hand.
        if magnitude < 1.7e38 {
            #[allow(clippy::cast_possible_truncation, reason = "whole and in range")]
            let whole = magnitude as i128;
            return Some(Int::from_parts(negative, &whole.to_string()));
        }
        let bits = magnitude.to_bits();
        let exponent = i64::try_from((bits >> 52) & 0x7ff).ok()? - 1075;
        let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let mut digits = Decimal::from_u64(mantissa);
        for _ in 0..exponent.max(0) {
            digits.double();
        }
        Some(Int::from_parts(negative, &digits.to_string()))
    }

    /// Python's `int == float` and ordering between an int and a float.
    #[must_use]
    pub fn cmp_float(&self, other: f64) -> Option<Ordering> {
        if other.is_nan() {
            return None;
        }
        if other.is_infinite() {
            return Some(if other > 0.0 {
                Ordering::Less
            } else {
                Ordering::Greater
            });
        }
        match Int::from_whole_float(other.trunc()) {
            Some(whole) => match self.cmp(&whole) {
                Ordering::Equal if other.fract() > 0.0 => Some(Ordering::Less),
                Ordering::Equal if other.fract() < 0.0 => Some(Ordering::Greater),
                ordering => Some(ordering),
            },
            None => None,
        }
    }
}

impl Ord for Int {
    fn cmp(&self, other: &Int) -> Ordering {
        match (self.is_negative(), other.is_negative()) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (negative, _) => {
                let a = self.0.trim_start_matches('-');
                let b = other.0.trim_start_matches('-');
                let magnitude = a.len().cmp(&b.len()).then_with(|| a.cmp(b));
                if negative {
                    magnitude.reverse()
                } else {
                    magnitude
                }
            }
        }
    }
}

impl PartialOrd for Int {
    fn partial_cmp(&self, other: &Int) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<i64> for Int {
    fn from(value: i64) -> Int {
        Int(value.to_string())
    }
}

impl From<u64> for Int {
    fn from(value: u64) -> Int {
        Int(value.to_string())
    }
}

impl From<i128> for Int {
    fn from(value: i128) -> Int {
        Int(value.to_string())
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A non-negative decimal number in base-10^9 limbs, least significant first: just
/// enough arithmetic to print a huge whole float exactly.
struct Decimal(Vec<u32>);

impl Decimal {
    const BASE: u64 = 1_000_000_000;

    fn from_u64(mut value: u64) -> Decimal {
        let mut limbs = Vec::new();
        while value > 0 {
            limbs.push(u32::try_from(value % Self::BASE).unwrap_or(0));
            value /= Self::BASE;
        }
        Decimal(limbs)
    }

    fn double(&mut self) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let doubled = u64::from(*limb) * 2 + carry;
            *limb = u32::try_from(doubled % Self::BASE).unwrap_or(0);
            carry = doubled / Self::BASE;
        }
        if carry > 0 {
            self.0.push(u32::try_from(carry).unwrap_or(0));
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut limbs = self.0.iter().rev();
        match limbs.next() {
            Some(first) => write!(f, "{first}")?,
            None => return f.write_str("0"),
        }
        for limb in limbs {
            write!(f, "{limb:09}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonically() {
        assert_eq!(Int::parse("007").map(|i| i.0), Some("7".into()));
        assert_eq!(Int::parse("-0").map(|i| i.0), Some("0".into()));
        assert_eq!(Int::parse("+5").map(|i| i.0), Some("5".into()));
        assert_eq!(Int::parse("1_0"), None);
        assert_eq!(Int::parse(""), None);
        assert_eq!(Int::parse("-"), None);
    }

    #[test]
    fn converts_whole_floats_exactly() {
        assert_eq!(Int::from_whole_float(3.0).map(|i| i.0), Some("3".into()));
        assert_eq!(Int::from_whole_float(-0.0).map(|i| i.0), Some("0".into()));
        assert_eq!(Int::from_whole_float(3.5), None);
        assert_eq!(
            Int::from_whole_float(1e20).map(|i| i.0),
            Some("100000000000000000000".into())
        );
        assert_eq!(
            Int::from_whole_float(1e40).map(|i| i.0),
            Some("10000000000000000303786028427003666890752".into())
        );
    }

    #[test]
    fn orders_and_compares_with_floats() {
        let big = Int::parse("12345678901234567890").unwrap_or(Int::from(0i64));
        assert!(big > Int::from(5i64));
        assert!(Int::from(-10i64) < Int::from(-2i64));
        assert_eq!(Int::from(2i64).cmp_float(2.0), Some(Ordering::Equal));
        assert_eq!(Int::from(2i64).cmp_float(2.5), Some(Ordering::Less));
        assert_eq!(Int::from(-2i64).cmp_float(-2.5), Some(Ordering::Greater));
    }
}
