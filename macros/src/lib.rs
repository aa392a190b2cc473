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
mod signature_struct;
mod type_tokens;

use proc_macro::TokenStream;

/// A DSPy signature string read at compile time, as a `pipec_adapter::Signature`
/// (instructions `None`, DSPy's default; fields without descriptions), exactly as a
/// native pipeline's `signature: "..."` string lowers.
#[proc_macro]
pub fn signature(input: TokenStream) -> TokenStream {
    signature_string::expand(input.into()).into()
}

/// A struct as a DSPy signature: the doc comment is the instructions, `#[input]` and
/// `#[output(desc = "...")]` mark the fields, and `Struct::signature()` returns the
/// `pipec_adapter::Signature`. Field types: `String` → `str`, integers → `int`, `f32`/`f64`
/// → `float`, `bool`, `Vec<T>` → `list[T]`, `Option<T>` → `Optional[T]`,
/// `HashMap`/`BTreeMap<String, T>` → `dict[str, T]`.
#[proc_macro_attribute]
pub fn signature_struct(args: TokenStream, item: TokenStream) -> TokenStream {
    signature_struct::expand(args.into(), item.into()).into()
}
