//! pydantic's `ValidationError`: one line per problem, with where it is, what was
//! expected, and the input.

use std::fmt;

use crate::parse::object::Obj;

/// A failed validation of a whole value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The type that was expected, in DSPy's notation.
    pub title: String,
    /// The problems.
    pub errors: Vec<LineError>,
}

/// One problem, at a location inside the value.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    /// The path to it (list indexes, dict keys, field names), outermost first.
    pub loc: Vec<String>,
    /// pydantic's error type (`int_parsing`, `missing`, ...).
    pub kind: &'static str,
    /// What was expected.
    pub message: String,
    /// `repr` of the input.
    pub input: String,
    /// The input's Python type.
    pub input_type: &'static str,
}

impl LineError {
    /// A problem with `obj` itself.
    #[must_use]
    pub fn new(kind: &'static str, message: impl Into<String>, obj: &Obj) -> LineError {
        LineError {
            loc: Vec::new(),
            kind,
            message: message.into(),
            input: obj.python_repr(),
            input_type: obj.type_name(),
        }
    }

    /// The same problem, one level further in (`at` is a field name, an index, a key).
    #[must_use]
    pub fn inside(mut self, at: impl Into<String>) -> LineError {
        self.loc.insert(0, at.into());
        self
    }
}

/// Put `errors` one level further in.
#[must_use]
pub fn inside(errors: Vec<LineError>, at: &str) -> Vec<LineError> {
    errors.into_iter().map(|e| e.inside(at)).collect()
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        let plural = if count == 1 { "" } else { "s" };
        write!(f, "{count} validation error{plural} for {}", self.title)?;
        for error in &self.errors {
            if !error.loc.is_empty() {
                write!(f, "\n{}", error.loc.join("."))?;
            }
            write!(
                f,
                "\n  {} [type={}, input_value={}, input_type={}]",
                error.message, error.kind, error.input, error.input_type
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}
