//! [`Env`]: where providers read their settings, injectable so tests never touch the real
//! process environment.

/// A source of environment variables.
///
/// [`ProcessEnv`] reads the process environment; any `Fn(&str) -> Option<String>` and any
/// array of `(name, value)` pairs work too, which is what tests use.
pub trait Env {
    /// The value of `name`, or `None` when it is unset.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment (`std::env::var`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl<F: Fn(&str) -> Option<String>> Env for F {
    fn var(&self, name: &str) -> Option<String> {
        self(name)
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.as_slice().var(name)
    }
}

impl Env for [(&str, &str)] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    }
}

/// `name`'s value, with an empty or all-whitespace value treated as unset.
pub(crate) fn non_empty(env: &dyn Env, name: &str) -> Option<String> {
    env.var(name).filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_and_closures_are_environments() {
        let pairs = [("A", "1"), ("EMPTY", " ")];
        assert_eq!(pairs.var("A").as_deref(), Some("1"));
        assert_eq!(pairs.var("B"), None);
        assert_eq!(non_empty(&pairs, "EMPTY"), None);
        let closure = |name: &str| (name == "X").then(|| "y".to_owned());
        assert_eq!(closure.var("X").as_deref(), Some("y"));
        assert_eq!(non_empty(&closure, "Z"), None);
    }
}
