//! Name rules of the native format: which names must be identifiers, which must be unique,
//! and the diagnostics for both.
//!
//! Step ids, inputs, types, signatures, models and fields become identifiers in generated
//! Rust and Python code and path segments in templates (`steps.ID.field`), so they are held
//! to `[A-Za-z_][A-Za-z0-9_]*` here, where the span of the name is at hand, rather than
//! failing in a back-end.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use pipec_diagnostics::{Code, Diagnostic, Span};

use super::keys::PYTHON_KEYWORDS;
use crate::lower::Ctx;

/// Whether `text` is `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The identifier closest to `text` (invalid characters become `_`, a leading digit gets a
/// `_` prefix), for the help of a rejected name.
fn sanitize(text: &str) -> String {
    let mut out: String = text
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Check that a name is an identifier; P0107 otherwise. `what` is "step id", "input name", ...
pub fn check_identifier(ctx: &mut Ctx<'_>, text: &str, span: Span, what: &str) -> bool {
    if is_identifier(text) {
        return true;
    }
    let reason = if text.is_empty() {
        "it is empty".to_owned()
    } else if text.starts_with(|c: char| c.is_ascii_digit()) {
        "it starts with a digit".to_owned()
    } else {
        let bad = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
            .unwrap_or(' ');
        format!("it contains {}", describe_char(bad))
    };
    ctx.push(
        Diagnostic::new(Code::P0107, span, format!("invalid {what} `{text}`"))
            .with_primary_label(format!("not an identifier: {reason}"))
            .with_help(format!(
                "use letters, digits and `_`, not starting with a digit, such as `{}`",
                sanitize(text)
            )),
    );
    false
}

/// "a space", "`-`".
fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c => format!("`{c}`"),
    }
}

/// Why a signature or record field name is unusable beyond not being an identifier (DSPy and
/// pydantic reject these), if it is.
pub fn field_name_problem(text: &str) -> Option<&'static str> {
    if PYTHON_KEYWORDS.contains(&text) {
        Some("it is a Python keyword")
    } else if text.starts_with('_') {
        Some("pydantic does not allow field names with a leading underscore")
    } else {
        None
    }
}

/// Whether `text` is a Python identifier (Unicode letters allowed, as DSPy accepts
/// `café -> résumé`; NFKC normalisation is not modelled).
pub fn is_python_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Check a record or structured-signature field name: a Python identifier that DSPy and
/// pydantic accept; P0107 otherwise.
pub fn check_field_name(ctx: &mut Ctx<'_>, text: &str, span: Span) -> bool {
    let problem = if is_python_identifier(text) {
        field_name_problem(text)
    } else {
        Some("not an identifier")
    };
    let Some(problem) = problem else { return true };
    let fixed = sanitize(text.trim_start_matches('_'));
    let fixed = if PYTHON_KEYWORDS.contains(&fixed.as_str()) {
        format!("{fixed}_")
    } else {
        fixed
    };
    ctx.push(
        Diagnostic::new(Code::P0107, span, format!("invalid field name `{text}`"))
            .with_primary_label(problem)
            .with_help(format!("rename the field, for example to `{fixed}`")),
    );
    false
}

/// First occurrences of names in one scope, for duplicate reports that point at both.
///
/// Keys borrow from the document where they can, so tracking 100,000 step ids does not copy
/// them.
#[derive(Debug, Default)]
pub struct Seen<'d> {
    first: HashMap<Cow<'d, str>, Span>,
}

impl<'d> Seen<'d> {
    /// An empty scope.
    pub fn new() -> Seen<'d> {
        Seen::default()
    }

    /// Record `name` at `span`; if it was seen before, report `code` at `span` with a label
    /// on the first. `what` is "step id", "field", ... Returns whether the name is new.
    pub fn insert(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: Cow<'d, str>,
        span: Span,
        code: Code,
        what: &str,
    ) -> bool {
        match self.first.get(&name) {
            Some(&first) => {
                ctx.push(duplicate(code, what, &name, span, first));
                false
            }
            None => {
                self.first.insert(name, span);
                true
            }
        }
    }
}

/// "duplicate step id `x`", at the second occurrence, with a label on the first.
pub fn duplicate(code: Code, what: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(code, span, format!("duplicate {what} `{name}`"))
        .with_primary_label(format!("`{name}` is defined again here"))
        .with_label(first, format!("`{name}` is first defined here"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["a", "_a", "step_1", "A9"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "my step", "a-b", "é"] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert_eq!(sanitize("my step"), "my_step");
        assert_eq!(sanitize("1st"), "_1st");
    }

    #[test]
    fn field_names() {
        assert!(field_name_problem("class").is_some());
        assert!(field_name_problem("_x").is_some());
        assert!(field_name_problem("match").is_none());
        assert!(is_python_identifier("café"));
        assert!(!is_python_identifier("my field"));
    }
}
