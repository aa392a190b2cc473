//! Rust names for pipeline names: snake_case for crates, fields and functions, PascalCase
//! for types and variants, raw identifiers for keywords, and the serde rename that keeps
//! the JSON name when the Rust name differs.

use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// `snake_case` words of `name` (split at non-alphanumerics and lower→upper boundaries).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case`, never empty, never starting with a digit.
#[must_use]
pub fn snake(name: &str) -> String {
    let joined = words(name).join("_");
    if joined.is_empty() {
        "value".to_owned()
    } else if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{joined}")
    } else {
        joined
    }
}

/// `PascalCase`, never empty, never starting with a digit.
#[must_use]
pub fn pascal(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    if joined.is_empty() {
        "Value".to_owned()
    } else if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{joined}")
    } else {
        joined
    }
}

/// An identifier for `text` (already snake or pascal), raw when it is a keyword.
#[must_use]
pub fn ident(text: &str) -> Ident {
    if NOT_RAW.contains(&text) {
        return Ident::new(&format!("{text}_"), Span::call_site());
    }
    if KEYWORDS.contains(&text) {
        return Ident::new_raw(text, Span::call_site());
    }
    Ident::new(text, Span::call_site())
}

/// The crate name for a pipeline name.
#[must_use]
pub fn crate_name(pipeline: &str) -> String {
    let name = snake(pipeline);
    if KEYWORDS.contains(&name.as_str()) || NOT_RAW.contains(&name.as_str()) || name == "test" {
        format!("{name}_pipeline")
    } else {
        name
    }
}

/// Whether a Rust field name (as written, `r#` removed) reads back as `json` under serde.
#[must_use]
pub fn needs_rename(rust: &Ident, json: &str) -> bool {
    let text = rust.to_string();
    text.strip_prefix("r#").unwrap_or(&text) != json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert() {
        assert_eq!(snake("codeReview-2"), "code_review_2");
        assert_eq!(snake("Summary"), "summary");
        assert_eq!(snake("9lives"), "n9lives");
        assert_eq!(pascal("request_changes"), "RequestChanges");
        assert_eq!(pascal("low"), "Low");
        assert_eq!(pascal(""), "Value");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(crate_name("test"), "test_pipeline");
        assert!(!needs_rename(&ident("type"), "type"));
        assert!(needs_rename(&ident("my_field"), "myField"));
    }
}
