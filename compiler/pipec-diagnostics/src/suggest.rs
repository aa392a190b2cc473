//! The one "did you mean" helper, used on every name lookup.
//!
//! It tries a case-insensitive exact match first (the commonest typo is `Claude_Options`),
//! then the candidate with the smallest Damerau–Levenshtein (optimal string alignment)
//! distance, accepted only when that distance is small for the word's length: about a third
//! of the length, at least 1. Ties go to the candidate listed first, which callers make the
//! most likely one.

/// The best candidate for `name`, if any is close enough.
#[must_use]
pub fn did_you_mean<'a, I, S>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    let lower = name.to_lowercase();
    let mut best: Option<(&'a str, usize)> = None;
    for candidate in candidates {
        let candidate = candidate.as_ref();
        if candidate == name {
            continue;
        }
        if candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        let distance = osa_distance(&lower, &candidate.to_lowercase());
        let limit = (name.chars().count().max(candidate.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(_, d)| distance < d) {
            best = Some((candidate, distance));
        }
    }
    best.map(|(c, _)| c)
}

/// `did you mean `x`?` as help text, if a candidate is close enough.
#[must_use]
pub fn did_you_mean_help<'a, I, S>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    did_you_mean(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `did you mean `x`?` when a candidate is close, else "{what} are `a`, `b`, `c`" so the
/// user still sees the choices; `None` when there are no candidates at all.
#[must_use]
pub fn did_you_mean_or_list(name: &str, candidates: &[&str], what: &str) -> Option<String> {
    did_you_mean_help(name, candidates).or_else(|| {
        (!candidates.is_empty()).then(|| {
            let quoted: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            format!("{what} are {}", quoted.join(", "))
        })
    })
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Names are short; a quadratic table is fine and bounded by the caller's inputs.
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 8 {
        return n.abs_diff(m);
    }
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = v;
        }
    }
    table[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_close_names_and_rejects_far_ones() {
        let keys = ["claude_options", "prompt", "condition", "output_to_file"];
        assert_eq!(did_you_mean("promt", &keys), Some("prompt"));
        assert_eq!(did_you_mean("Prompt", &keys), Some("prompt"));
        assert_eq!(did_you_mean("conditon", &keys), Some("condition"));
        assert_eq!(did_you_mean("options", &keys), None);
        assert_eq!(did_you_mean("xyz", &keys), None);
    }

    #[test]
    fn transposition_counts_once() {
        assert_eq!(osa_distance("ab", "ba"), 1);
    }
}
