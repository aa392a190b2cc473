//! The Unicode facts Python 3.11 uses on signature strings: which characters make an
//! identifier, NFKC normalisation of identifiers, `\d`, `str.isprintable`, and the
//! title-case mapping of `str.capitalize`. The tables are Unicode 14.0.0, as in the
//! Python that recorded DSPy's behaviour; case mappings and `str.isupper` use Rust's own
//! tables, which differ from 14.0.0 only on characters added since.

use super::unicode_tables as tables;

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = u32::from(c);
    ranges
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether `c` may start an identifier (`_` or XID_Start).
#[must_use]
pub fn is_identifier_start(c: char) -> bool {
    c == '_' || in_ranges(tables::XID_START, c)
}

/// Whether `c` may continue an identifier (XID_Continue).
#[must_use]
pub fn is_identifier_continue(c: char) -> bool {
    in_ranges(tables::XID_CONTINUE, c)
}

/// `\d` of a Python `str` regex: a decimal digit of any script.
#[must_use]
pub fn is_decimal(c: char) -> bool {
    in_ranges(tables::DECIMAL, c)
}

/// `str.isprintable` of one character.
#[must_use]
pub fn is_printable(c: char) -> bool {
    !in_ranges(tables::NOT_PRINTABLE, c)
}

/// `str.isupper`: at least one cased character, and no lower- or title-case one.
#[must_use]
pub fn is_upper(word: &str) -> bool {
    let mut cased = false;
    for c in word.chars() {
        if c.is_lowercase() || in_ranges(tables::TITLECASE_LETTERS, c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// `str.capitalize`: the first character in title case, the rest in lower case (with
/// the final-sigma rule applied over the whole word, as CPython does).
#[must_use]
pub fn capitalize(word: &str) -> String {
    let Some(first) = word.chars().next() else {
        return String::new();
    };
    let lowered = word.to_lowercase();
    let first_lowered: String = first.to_lowercase().collect();
    let rest = lowered.get(first_lowered.len()..).unwrap_or("");
    let title = match tables::TITLECASE.binary_search_by_key(&u32::from(first), |&(c, _)| c) {
        Ok(index) => tables::TITLECASE
            .get(index)
            .map_or_else(|| first.to_uppercase().collect(), |&(_, t)| t.to_owned()),
        Err(_) => first.to_uppercase().collect(),
    };
    format!("{title}{rest}")
}

const HANGUL_S_BASE: u32 = 0xAC00;
const HANGUL_L_BASE: u32 = 0x1100;
const HANGUL_V_BASE: u32 = 0x1161;
const HANGUL_T_BASE: u32 = 0x11A7;
const HANGUL_L_COUNT: u32 = 19;
const HANGUL_V_COUNT: u32 = 21;
const HANGUL_T_COUNT: u32 = 28;
const HANGUL_N_COUNT: u32 = HANGUL_V_COUNT * HANGUL_T_COUNT;
const HANGUL_S_COUNT: u32 = HANGUL_L_COUNT * HANGUL_N_COUNT;

fn combining_class(c: char) -> u8 {
    let c = u32::from(c);
    tables::COMBINING_CLASS
        .binary_search_by(|&(first, last, _)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .ok()
        .and_then(|i| tables::COMBINING_CLASS.get(i))
        .map_or(0, |&(_, _, class)| class)
}

fn decompose_into(c: char, out: &mut Vec<char>) {
    let code = u32::from(c);
    if (HANGUL_S_BASE..HANGUL_S_BASE + HANGUL_S_COUNT).contains(&code) {
        let index = code - HANGUL_S_BASE;
        let parts = [
            HANGUL_L_BASE + index / HANGUL_N_COUNT,
            HANGUL_V_BASE + (index % HANGUL_N_COUNT) / HANGUL_T_COUNT,
        ];
        out.extend(parts.iter().filter_map(|&p| char::from_u32(p)));
        let trailing = index % HANGUL_T_COUNT;
        if trailing != 0 {
            out.extend(char::from_u32(HANGUL_T_BASE + trailing));
        }
        return;
    }
    match tables::DECOMPOSITION.binary_search_by_key(&code, |&(c, _)| c) {
        Ok(index) => match tables::DECOMPOSITION.get(index) {
            Some(&(_, parts)) => out.extend(parts.chars()),
            None => out.push(c),
        },
        Err(_) => out.push(c),
    }
}

fn compose_pair(first: char, second: char) -> Option<char> {
    let (a, b) = (u32::from(first), u32::from(second));
    if (HANGUL_L_BASE..HANGUL_L_BASE + HANGUL_L_COUNT).contains(&a)
        && (HANGUL_V_BASE..HANGUL_V_BASE + HANGUL_V_COUNT).contains(&b)
    {
        let index = (a - HANGUL_L_BASE) * HANGUL_N_COUNT + (b - HANGUL_V_BASE) * HANGUL_T_COUNT;
        return char::from_u32(HANGUL_S_BASE + index);
    }
    if (HANGUL_S_BASE..HANGUL_S_BASE + HANGUL_S_COUNT).contains(&a)
        && (a - HANGUL_S_BASE).is_multiple_of(HANGUL_T_COUNT)
        && (HANGUL_T_BASE + 1..HANGUL_T_BASE + HANGUL_T_COUNT).contains(&b)
    {
        return char::from_u32(a + b - HANGUL_T_BASE);
    }
    tables::COMPOSITION
        .binary_search_by(|&(x, y, _)| (x, y).cmp(&(a, b)))
        .ok()
        .and_then(|i| tables::COMPOSITION.get(i))
        .and_then(|&(_, _, c)| char::from_u32(c))
}

/// NFKC normalisation, as CPython applies it to every non-ASCII identifier.
#[must_use]
pub fn nfkc(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    let mut chars = Vec::with_capacity(text.len());
    for c in text.chars() {
        decompose_into(c, &mut chars);
    }
    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    let mut start = 0;
    while start < chars.len() {
        if combining_class(chars.get(start).copied().unwrap_or('\0')) == 0 {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < chars.len() && combining_class(chars.get(end).copied().unwrap_or('\0')) != 0 {
            end += 1;
        }
        if let Some(run) = chars.get_mut(start..end) {
            run.sort_by_key(|&c| combining_class(c));
        }
        start = end;
    }
    // Canonical composition.
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    let mut last_class: Option<u8> = None;
    for c in chars {
        let class = combining_class(c);
        if let Some(s) = starter {
            let blocked = matches!(last_class, Some(lc) if lc == 0 || lc >= class);
            if !blocked && let Some(composed) = out.get(s).and_then(|&f| compose_pair(f, c)) {
                if let Some(slot) = out.get_mut(s) {
                    *slot = composed;
                }
                continue;
            }
        }
        if class == 0 {
            starter = Some(out.len());
            last_class = None;
        } else {
            last_class = Some(class);
        }
        out.push(c);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier_start('é'));
        assert!(!is_identifier_start('1'));
        assert!(is_identifier_continue('1'));
        assert!(!is_identifier_continue('-'));
    }

    #[test]
    fn nfkc_matches_python() {
        assert_eq!(nfkc("ﬁeld"), "field");
        assert_eq!(nfkc("café"), "café");
        assert_eq!(nfkc("cafe\u{301}"), "café");
        assert_eq!(nfkc("ｘ"), "x");
        assert_eq!(nfkc("\u{1100}\u{1161}\u{11A8}"), "각");
        assert_eq!(nfkc("ℌ"), "H");
        assert_eq!(nfkc("a\u{323}\u{302}"), "ậ");
        assert_eq!(nfkc("a\u{302}\u{323}"), "ậ");
    }

    #[test]
    fn case() {
        assert_eq!(capitalize("résumé"), "Résumé");
        assert_eq!(capitalize("ǆx"), "ǅx");
        assert_eq!(capitalize("HTML"), "Html");
        assert!(is_upper("HTML"));
        assert!(!is_upper("2"));
        assert!(is_upper("A2"));
    }
}
