//! One problem found in a signature or type string, as a byte range of the string.

use std::ops::Range;

use pipec_diagnostics::Code;

/// One problem in a signature or type string. Ranges are byte offsets into the parsed
/// text plus the caller's base offset.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureError {
    /// P0113 (the string does not parse), P0114 (a type DSPy cannot use) or P0117 (an
    /// input and an output of the same name).
    pub code: Code,
    /// Where.
    pub range: Range<usize>,
    /// The message.
    pub message: String,
    /// The primary label.
    pub label: String,
    /// A secondary place (the first `->`, the first field of a duplicate name).
    pub related: Option<Box<(Range<usize>, String)>>,
    /// How to fix it.
    pub help: Option<String>,
}

impl SignatureError {
    /// A P0113: the string is not a signature DSPy can parse.
    pub(crate) fn syntax(
        range: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SignatureError {
        SignatureError {
            code: Code::P0113,
            range,
            message: format!("invalid signature: {}", message.into()),
            label: label.into(),
            related: None,
            help: None,
        }
    }

    /// A P0114: a type DSPy (or pipec) cannot use.
    pub(crate) fn ty(
        range: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SignatureError {
        SignatureError {
            code: Code::P0114,
            range,
            message: message.into(),
            label: label.into(),
            related: None,
            help: None,
        }
    }

    /// The same error with help.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> SignatureError {
        self.help = Some(help.into());
        self
    }

    /// The same error with a secondary label.
    pub(crate) fn with_related(mut self, range: Range<usize>, label: impl Into<String>) -> Self {
        self.related = Some(Box::new((range, label.into())));
        self
    }

    /// The same error moved by `base` bytes.
    pub(crate) fn shifted(mut self, base: usize) -> SignatureError {
        self.range = self.range.start + base..self.range.end + base;
        if let Some(related) = &mut self.related {
            related.0 = related.0.start + base..related.0.end + base;
        }
        self
    }
}
