//! [`Secret`]: an API key that cannot be printed.
//!
//! `Debug` and `Display` print `[redacted]`, and the type has no `Serialize`, `PartialEq` or
//! `Deref`: the only way to the text is [`Secret::expose`], which the HTTP clients call when
//! they build an auth header (marked sensitive, so the HTTP stack does not print it either).

use std::fmt;
use std::sync::Arc;

/// What every redacted key prints as.
pub(crate) const REDACTED: &str = "[redacted]";

/// An API key. Cheap to clone; prints as `[redacted]`.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a key. Returns `None` for an empty or all-whitespace value, which is treated the
    /// same as a missing key.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Option<Self> {
        let value: String = value.into();
        if value.trim().is_empty() {
            None
        } else {
            Some(Self(Arc::from(value)))
        }
    }

    /// The key itself. Use it only to build a request header; never format it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the key replaced by `[redacted]`: for error messages
    /// that quote a server's reply, which may echo the key back.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        text.replace(&*self.0, REDACTED)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-test-0123456789abcdef";

    #[test]
    fn debug_and_display_never_show_the_key() {
        let secret = Secret::new(KEY).unwrap();
        for text in [
            format!("{secret:?}"),
            format!("{secret:#?}"),
            format!("{secret}"),
            format!("{:?}", Some(secret.clone())),
            format!("{:?}", vec![secret.clone()]),
        ] {
            assert!(!text.contains(KEY), "{text}");
            assert!(!text.contains("0123456789"), "{text}");
            assert!(text.contains(REDACTED), "{text}");
        }
        assert_eq!(secret.expose(), KEY);
    }

    #[test]
    fn empty_keys_are_missing_keys() {
        assert!(Secret::new("").is_none());
        assert!(Secret::new("  \n").is_none());
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let secret = Secret::new(KEY).unwrap();
        let text = format!("bad key {KEY}; you sent {KEY}!");
        assert_eq!(
            secret.redact(&text),
            "bad key [redacted]; you sent [redacted]!"
        );
    }
}
