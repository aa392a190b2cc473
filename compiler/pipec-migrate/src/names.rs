//! Native identifiers from pipeline_ex names: step ids, input names, model names. pipeline_ex
//! names are any strings; native ones are `[A-Za-z_][A-Za-z0-9_]*` and step ids are unique
//! in the whole pipeline.

use std::collections::HashSet;

/// `text` as an identifier: every other character becomes `_`, a leading digit gets a `_`
/// in front, and an empty name becomes `_`.
pub(crate) fn identifier(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A set of taken names that hands out unique ones.
#[derive(Debug, Default, Clone)]
pub(crate) struct Taken(HashSet<String>);

impl Taken {
    /// `wanted` if it is free, else `wanted_2`, `wanted_3`, ...; the result is taken.
    pub(crate) fn unique(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{wanted}_{n}");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_identifiers() {
        assert_eq!(identifier("check code"), "check_code");
        assert_eq!(identifier("2nd-pass"), "_2nd_pass");
        assert_eq!(identifier(""), "_");
        assert_eq!(identifier("ok_1"), "ok_1");
    }

    #[test]
    fn taken_names_get_suffixes() {
        let mut taken = Taken::default();
        assert_eq!(taken.unique("a"), "a");
        assert_eq!(taken.unique("a"), "a_2");
        assert_eq!(taken.unique("a"), "a_3");
    }
}
