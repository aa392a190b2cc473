//! The ChatAdapter's sections: a line whose stripped text starts with
//! `[[ ## name ## ]]` (`name` of word characters) opens a section; text on the same line
//! after the marker belongs to it; text before the first marker is dropped; each
//! section's text is stripped.
//!
//! One deliberate difference from DSPy 3.4.1: DSPy finds the marker on the stripped line
//! but cuts the rest from the unstripped one, so an indented marker leaves part of itself
//! in the value (`"   [[ ## answer ## ]]   Paris"` gives `"]]   Paris"`). pipec cuts
//! from the stripped line (`"Paris"`).

use crate::text::{splitlines, strip};

/// The (header, text) sections of a completion, in order; the first has no header.
#[must_use]
pub fn split_sections(completion: &str) -> Vec<(Option<String>, String)> {
    let mut sections: Vec<(Option<String>, Vec<&str>)> = vec![(None, Vec::new())];
    for line in splitlines(completion) {
        let stripped = strip(line);
        match header(stripped) {
            Some((name, end)) => {
                let rest = strip(&stripped[end..]);
                let lines = if rest.is_empty() {
                    Vec::new()
                } else {
                    vec![rest]
                };
                sections.push((Some(name.to_owned()), lines));
            }
            None => {
                if let Some(last) = sections.last_mut() {
                    last.1.push(line);
                }
            }
        }
    }
    sections
        .into_iter()
        .map(|(name, lines)| (name, strip(&lines.join("\n")).to_owned()))
        .collect()
}

/// `[[ ## (\w+) ## ]]` at the start of `line`: the name and the byte offset after it.
fn header(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix("[[ ## ")?;
    let name_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    rest[name_len..]
        .starts_with(" ## ]]")
        .then(|| (&rest[..name_len], 6 + name_len + 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(completion: &str) -> Vec<(String, String)> {
        split_sections(completion)
            .into_iter()
            .filter_map(|(n, t)| n.map(|n| (n, t)))
            .collect()
    }

    #[test]
    fn splits_on_markers() {
        assert_eq!(
            named("Sure.\n[[ ## a ## ]] same line\nnext\n\n[[ ## b ## ]]\r\n  x  \r\n"),
            [
                ("a".into(), "same line\nnext".into()),
                ("b".into(), "x".into())
            ]
        );
        assert_eq!(named("The answer is [[ ## a ## ]] x"), []);
        assert_eq!(named("[[## a ##]]\nx"), []);
        assert_eq!(
            named("[[ ## a ## ]] x [[ ## b ## ]] y"),
            [("a".into(), "x [[ ## b ## ]] y".into())]
        );
        assert_eq!(
            named("   [[ ## answer ## ]]   Paris   \n\n"),
            [("answer".into(), "Paris".into())]
        );
        assert_eq!(
            named("[[ ## réponse ## ]]\noui"),
            [("réponse".into(), "oui".into())]
        );
    }
}
