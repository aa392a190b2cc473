//! [`Record`]: a Rust struct that stands for a declared record (a pydantic model in DSPy).
//! `#[pipec_macros::record]` implements it; a `#[pipec_macros::signature]` struct whose
//! field names such a struct collects the definitions through it, so its prompts carry the
//! record's JSON schema exactly as a pipeline's `types:` entry does.

use crate::custom_types::TypeDefs;

/// A struct declared as a record type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pipec record type",
    label = "a signature field of this type needs `#[pipec_macros::record]` on `{Self}`",
    note = "signature fields take String, integers, f32/f64, bool, Vec<T>, Option<T>, HashMap/BTreeMap<String, T> and structs declared with `#[pipec_macros::record]`"
)]
pub trait Record {
    /// The record's name in prompts and schemas (the struct's name).
    const NAME: &'static str;

    /// Adds this record's definition to `defs`, then those of the records its fields name
    /// (each once, so recursive records terminate).
    fn declare(defs: &mut TypeDefs);
}
