//! Writing a [`Document`](crate::Document) back out as text: canonical YAML and pretty JSON.
//!
//! `pipec convert` and `pipec migrate` build or reshape a document and print it with these.
//! The output reads back to the same values (a test round-trips every example, fixture and
//! corpus file through both); styles are chosen for readability, not copied from the input:
//! block collections, plain scalars where they read back as the same value, `|` blocks for
//! multi-line text, double quotes otherwise. YAML output can keep the source's comments
//! (`comments.rs` places them).

mod comments;
mod json;
mod yaml;

pub use comments::SourceComment;
pub use json::{to_json, to_json_compact};
pub use yaml::{to_yaml, to_yaml_with_comments};
