//! What pipec's expression language *means* at run time: conditions (`when:`, loop
//! conditions, `where:` filters) and templates (`"Fix {{ steps.a.title }}"`) evaluated over
//! JSON values. The checker decides statically whether an expression can be evaluated; this
//! crate evaluates it. It is pure (no I/O), so the runtime, `pipec prompt` and generated
//! binaries share one definition of the language.
//!
//! The semantics are documented in `docs/native-format.md` ("Expression semantics"):
//! Python-like truthiness, numeric equality across ints and floats, true division, and the
//! built-in functions of [`functions::FUNCTIONS`], each usable as `f(x, ...)` or as a
//! filter `x | f(...)`.

mod error;
mod eval;
pub mod functions;
mod render;
mod scope;
mod value;

pub use error::EvalError;
pub use eval::{eval, eval_condition};
pub use render::{render, render_text};
pub use scope::{MapScope, Scope};
pub use value::{is_truthy, to_text, values_equal};

pub use serde_json::Value;
