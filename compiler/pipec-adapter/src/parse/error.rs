//! [`ParseError`]: DSPy's `AdapterParseError`, by cause.

use std::fmt;

use crate::format::Adapter;

/// Why a completion could not be parsed. DSPy raises `AdapterParseError` in every
/// case, which is what makes the ChatAdapter fall back to the JSONAdapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The model returned no text at all (raised by DSPy's call path before `parse`).
    EmptyResponse {
        /// The adapter.
        adapter: Adapter,
    },
    /// The JSONAdapter found no JSON object in the completion.
    NotAnObject {
        /// The adapter.
        adapter: Adapter,
    },
    /// A field's value could not be read as its type.
    Field {
        /// The adapter.
        adapter: Adapter,
        /// The output field.
        field: String,
        /// Its text as found (the JSON value as Python prints it, for the JSONAdapter).
        text: String,
        /// Why (pydantic's message, or DSPy's for an enum).
        message: String,
    },
    /// Some outputs are missing and have neither a default nor an optional type.
    MissingFields {
        /// The adapter.
        adapter: Adapter,
        /// The signature's outputs.
        expected: Vec<String>,
        /// The outputs that were found.
        parsed: Vec<String>,
    },
}

impl ParseError {
    /// The adapter that failed.
    #[must_use]
    pub fn adapter(&self) -> Adapter {
        match self {
            ParseError::EmptyResponse { adapter }
            | ParseError::NotAnObject { adapter }
            | ParseError::Field { adapter, .. }
            | ParseError::MissingFields { adapter, .. } => *adapter,
        }
    }

    /// The field that could not be parsed, for [`ParseError::Field`].
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        match self {
            ParseError::Field { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The outputs missing from the completion, for [`ParseError::MissingFields`].
    #[must_use]
    pub fn missing(&self) -> Vec<&str> {
        match self {
            ParseError::MissingFields {
                expected, parsed, ..
            } => expected
                .iter()
                .filter(|e| !parsed.contains(e))
                .map(String::as_str)
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.adapter().name();
        match self {
            ParseError::EmptyResponse { .. } => {
                write!(f, "{name}: the model returned an empty response")
            }
            ParseError::NotAnObject { .. } => {
                write!(f, "{name}: the model's response holds no JSON object")
            }
            ParseError::Field {
                field,
                text,
                message,
                ..
            } => write!(
                f,
                "{name}: output `{field}` could not be parsed from {text:?}: {message}"
            ),
            ParseError::MissingFields { expected, .. } => {
                let missing = self.missing();
                write!(
                    f,
                    "{name}: the model's response lacks output{} {} (expected: {})",
                    if missing.len() == 1 { "" } else { "s" },
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    expected.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}
