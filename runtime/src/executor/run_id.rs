//! Run ids: `r` + the start time in milliseconds (base 36) + 6 random hex digits, so ids
//! are short, distinct, and sort by start time.

/// A fresh run id: `r` + the time in milliseconds (base 36) + 6 random hex digits; sortable
/// by start time.
#[must_use]
pub fn new_run_id() -> String {
    let millis = crate::checkpoint::sqlite_support::now_ms().unsigned_abs();
    format!("r{}{:06x}", base36(millis), fastrand::u32(..0x0100_0000))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[usize::try_from(n % 36).unwrap_or(0)]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_are_short_and_distinct() {
        let a = new_run_id();
        let b = new_run_id();
        assert!(a.starts_with('r') && a.len() < 20, "{a}");
        assert_ne!(a, b);
    }
}
