//! pipec's typed intermediate representation and the lowering of both YAML dialects
//! (pipeline_ex `workflow:` files and native `pipec: 1` files) into it.
//!
//! **Invariant:** after [`lower::lower_document`], nothing in the IR tells YAML from JSON;
//! only spans point back at the source. The [`Dialect`] is kept because the two dialects
//! resolve names differently (pipeline_ex conditions name steps without `steps.`), not
//! because of their syntax.

pub mod dspy;
pub mod ir;
pub mod lower;
pub mod normalize;
pub mod surface;

pub use ir::*;
pub use surface::json_schema;
