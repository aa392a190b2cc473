//! pipec's front-ends. YAML (through saphyr's spanned events), JSON (a small parser of our
//! own) and the pipec DSL (`.pipe`, [`dsl`]) all produce the same [`Document`]: a tree of
//! typed scalars, sequences and mappings with a byte [`Span`](pipec_diagnostics::Span) on
//! every node. The template and condition language (`grammar/expr.pest`) is parsed by
//! [`expr`].
//!
//! **Invariant:** front-ends never fail. They return whatever tree they could build plus
//! diagnostics, and they never panic, recurse without bound or allocate without bound on
//! any input (see [`limits`]).

pub mod convert;
pub mod dsl;
pub mod emit;
pub mod expr;
mod json;
pub mod limits;
mod node;
mod node_builder;
mod scalar_map;
mod yaml;

pub use dsl::parse_pipe;
pub use json::parse_json;
pub use node::{Document, Entry, MapRef, NodeId, NodeKind, NodeRef, ScalarStyle};
pub use scalar_map::{ScalarMapper, value_range_to_span};
pub use yaml::parse_yaml;

/// The YAML fast path and saphyr, separately, with a canonical dump of a result: for the
/// differential tests and the `yaml_fast` fuzz target. Not part of the API.
#[doc(hidden)]
pub mod yaml_paths {
    pub use crate::yaml::fast::dump;
    pub use crate::yaml::{parse_fast_only, parse_with_saphyr};
}

use pipec_diagnostics::{Diagnostic, FileId};

/// The source language of a file, chosen by the caller (usually from the extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// YAML 1.2.
    Yaml,
    /// JSON (RFC 8259).
    Json,
    /// The pipec DSL (`.pipe`).
    Pipe,
}

impl SourceFormat {
    /// The format a file name's extension selects: `.json` is JSON, `.pipe` the DSL, and
    /// anything else YAML.
    #[must_use]
    pub fn from_file_name(name: &str) -> SourceFormat {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            SourceFormat::Json
        } else if lower.ends_with(".pipe") {
            SourceFormat::Pipe
        } else {
            SourceFormat::Yaml
        }
    }
}

/// What a front-end returns: a document when one could be built, and every problem found.
#[derive(Debug)]
pub struct Parsed {
    /// The tree; `None` only when nothing usable could be read (syntax error before any
    /// node, empty file, limits exceeded).
    pub document: Option<Document>,
    /// Problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse a file's text in the given format.
#[must_use]
pub fn parse(file: FileId, text: &str, format: SourceFormat) -> Parsed {
    match format {
        SourceFormat::Yaml => parse_yaml(file, text),
        SourceFormat::Json => parse_json(file, text),
        SourceFormat::Pipe => parse_pipe(file, text),
    }
}
