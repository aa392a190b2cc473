//! Lowering: a spanned [`Document`] into a [`Pipeline`]. The root key picks the dialect:
//! `pipec:` is the native format ([`native`]), `workflow:` is pipeline_ex ([`pipeline_ex`]).
//! Structure checks (unknown, missing and mistyped keys, duplicate ids, invalid values) are
//! reported here, while the tree is at hand; everything that needs the whole IR is a pass
//! in `pipec-check`.
//!
//! **Invariant:** lowering never fails. It returns the best pipeline it could build, with
//! unusable parts left out and reported, so later passes still check the rest.

mod ctx;
pub mod native;
pub mod pipeline_ex;

pub use ctx::{Ctx, KeyPolicy};

use pipec_diagnostics::{Code, Diagnostic, Diagnostics};
use pipec_syntax::Document;

use crate::ir::Pipeline;

/// What lowering returns.
#[derive(Debug)]
pub struct Lowered {
    /// The pipeline, unless the document is not a pipeline at all.
    pub pipeline: Option<Pipeline>,
    /// Everything reported.
    pub diagnostics: Diagnostics,
}

/// Lower one document. `source` is the file's full text (used to map expression spans).
#[must_use]
pub fn lower_document(doc: &Document, source: &str) -> Lowered {
    let mut ctx = Ctx::new(doc.file(), source, crate::Dialect::Native);
    let root = doc.root();
    let pipeline = match root.as_map() {
        None => {
            ctx.push(
                Diagnostic::new(Code::P0100, root.span(), "this file is not a pipeline")
                    .with_primary_label(format!("expected a mapping with `pipec: 1` or `workflow:`, found {}", root.kind_name()))
                    .with_help("start a native pipeline with `pipec: 1`, or a pipeline_ex one with `workflow:`"),
            );
            None
        }
        Some(map) if map.contains("pipec") => native::lower(&mut ctx, map),
        Some(map) if map.contains("workflow") => {
            ctx.dialect = crate::Dialect::PipelineEx;
            pipeline_ex::lower(&mut ctx, map)
        }
        Some(map) => {
            ctx.push(not_a_pipeline(map));
            None
        }
    };
    Lowered {
        pipeline,
        diagnostics: ctx.into_diagnostics(),
    }
}

/// P0100 with a help text fitted to what the file looks like.
fn not_a_pipeline(map: pipec_syntax::MapRef<'_>) -> Diagnostic {
    let first_key = map.entries().next().map_or(map.span(), |(k, _)| k.span());
    let base = Diagnostic::new(Code::P0100, first_key, "this file is not a pipeline");
    if map.contains("steps") {
        base.with_primary_label("top-level `steps` without a `workflow:` or `pipec:` root")
            .with_note("pipeline_ex's loader rejects this flat shape (\"missing 'workflow' section\"); `mix pipeline.generate` writes it")
            .with_help("indent `name` and `steps` under a `workflow:` key, or add `pipec: 1` to write a native pipeline")
    } else if map.contains("input") || map.contains("expected_output") {
        base.with_primary_label(
            "this looks like a test specification (`input`/`expected_output`), not a pipeline",
        )
        .with_help("keep test specifications out of the paths given to `pipec check`")
    } else {
        let keys: Vec<String> = map
            .entries()
            .filter_map(|(k, _)| k.scalar_text().map(|t| format!("`{t}`")))
            .take(5)
            .collect();
        base.with_primary_label(format!(
            "found top-level keys {}, but neither `pipec` nor `workflow`",
            keys.join(", ")
        ))
        .with_help("start a native pipeline with `pipec: 1`, or a pipeline_ex one with `workflow:`")
    }
}

pub use ctx::kind_error;
