//! pipec's proc-macros. `signature!("question: str -> answer: str")` reads a DSPy
//! signature string at compile time with pipec's own DSPy 3.4.1 parser
//! (`pipec_ir::dspy::parse_signature`, the one native lowering uses) and expands to the
//! `pipec_adapter::Signature` value that `pipec_adapter::format` renders, so prompts are
//! DSPy-exact. A string DSPy would reject is a compile error carrying pipec's code,
//! message, label, help and the column in the string.
//!
//! The expansion names `::pipec_adapter` and `::pipec_ir`: a crate using the macro
//! depends on both.

mod signature_string;
mod type_tokens;

use proc_macro::TokenStream;

/// A DSPy signature string read at compile time, as a `pipec_adapter::Signature`
/// (instructions `None`, DSPy's default; fields without descriptions), exactly as a
/// native pipeline's `signature: "..."` string lowers.
#[proc_macro]
pub fn signature(input: TokenStream) -> TokenStream {
    signature_string::expand(input.into()).into()
}
