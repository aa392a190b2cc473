//! DSPy 3.4.1's `ChatAdapter` and `JSONAdapter` as pure functions: the messages DSPy
//! sends for a signature, demos and inputs, byte for byte ([`format()`]), and the output
//! values DSPy parses from a completion, value for value ([`parse()`]), including the
//! JSON fallback policy ([`fallback`]). No I/O, no async: the runtime, `pipec prompt`,
//! generated binaries and macros all call the same code.
//!
//! Inputs are plain data: a [`Signature`] of [`FieldSpec`]s typed with the IR's
//! [`pipec_ir::Type`], the declared records and enums ([`TypeDefs`]), and JSON
//! [`Value`]s that keep key order and the int/float distinction. [`from_ir`] builds them
//! from a checked pipeline.

pub mod custom_types;
pub mod fallback;
pub mod fits;
pub mod format;
pub mod from_ir;
pub mod kinds;
pub mod parse;
pub mod record;
pub mod schema;
pub mod signature;
pub mod text;
pub mod value;

pub use custom_types::{EnumDef, EnumMember, ModelDef, ModelField, TypeDef, TypeDefs};
pub use fallback::{CallError, call_with_fallback, fallback_adapter};
pub use format::{Adapter, FormatError, Message, Role, format};
pub use parse::{ParseError, Parsed, ParsedField, parse, parse_response};
pub use record::Record;
pub use signature::{Constraint, ConstraintKind, FieldSpec, Signature, parse_type};
pub use value::{Int, Map, Value};
