//! [`FormatError`]: why the messages for a call cannot be built.

use std::fmt;

use crate::schema::SchemaError;

/// Why formatting failed. Each variant names the field; [`FormatError::dspy_exception`]
/// says what DSPy raises in the same situation.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError {
    /// An output's type has no JSON schema pipec can render.
    Schema {
        /// The output field.
        field: String,
        /// Why.
        error: SchemaError,
    },
    /// A list item in a `str` field that DSPy's `_format_blob` cannot handle: a number,
    /// bool or `None` (`TypeError: argument of type 'int' is not iterable`), or a list or
    /// dict holding exactly `"\n"`, `"«"` or `"»"` (`AttributeError`).
    ListItem {
        /// The field.
        field: String,
        /// The item's 0-based index.
        index: usize,
        /// The Python exception DSPy raises.
        exception: &'static str,
        /// Its message, as Python words it.
        message: String,
    },
    /// A `dspy.History` input that is not `{"messages": [{...}, ...]}`.
    History {
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A DSPy feature pipec does not model, or one DSPy itself fails on.
    Unsupported {
        /// The field (empty when it is not one field's).
        field: String,
        /// The Python exception DSPy raises, when it raises one (else empty).
        exception: &'static str,
        /// What and why.
        message: String,
    },
}

impl FormatError {
    /// The field the error is about (empty when none).
    #[must_use]
    pub fn field(&self) -> &str {
        match self {
            FormatError::Schema { field, .. }
            | FormatError::ListItem { field, .. }
            | FormatError::History { field, .. }
            | FormatError::Unsupported { field, .. } => field,
        }
    }

    /// The exception DSPy raises in the same case, when it raises one.
    #[must_use]
    pub fn dspy_exception(&self) -> Option<&'static str> {
        match self {
            FormatError::ListItem { exception, .. } => Some(exception),
            FormatError::Unsupported { exception, .. } if !exception.is_empty() => Some(exception),
            FormatError::History { .. } => Some("AttributeError"),
            FormatError::Schema {
                error: SchemaError::Unsupported(_),
                ..
            } => Some("PydanticInvalidForJsonSchema"),
            _ => None,
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Schema { field, error } => write!(f, "field `{field}`: {error}"),
            FormatError::ListItem {
                field,
                index,
                exception,
                message,
            } => write!(
                f,
                "field `{field}`: item {index} of the list cannot be shown in a `str` field \
                 (DSPy raises {exception}: {message}); pass strings, or type the field"
            ),
            FormatError::History { field, message } => {
                write!(f, "history field `{field}`: {message}")
            }
            FormatError::Unsupported { field, message, .. } if field.is_empty() => {
                f.write_str(message)
            }
            FormatError::Unsupported { field, message, .. } => {
                write!(f, "field `{field}`: {message}")
            }
        }
    }
}

impl std::error::Error for FormatError {}
