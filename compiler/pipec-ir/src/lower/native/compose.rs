//! Composition: `pipeline` steps (another file by path, or a native pipeline written
//! inline) and `set` steps (variables).

use pipec_syntax::MapRef;

use super::bindings::bindings;
use super::steps::{exclusive, missing};
use crate::ir::{Name, PipelineSource, StepKind};
use crate::lower::Ctx;

/// `pipeline`: exactly one of `file` and `pipeline`, and `with` for the callee's inputs.
/// Without a source the step is left out.
pub fn pipeline(ctx: &mut Ctx<'_>, map: MapRef<'_>, id: &Name) -> Option<StepKind> {
    let inputs = map
        .get("with")
        .map(|n| bindings(ctx, n, "`with`", None))
        .unwrap_or_default();
    let source = match (map.get("file"), map.get("pipeline")) {
        (Some(file), other) => {
            if other.is_some() {
                exclusive(ctx, map, ["file", "pipeline"], id);
            }
            ctx.str(file, "`file`")
                .map(|path| PipelineSource::File(Name::new(path, file.span())))
        }
        (None, Some(node)) => {
            let inline = ctx.map(node, "`pipeline`")?;
            Some(PipelineSource::Inline(Box::new(super::lower_pipeline(
                ctx,
                inline,
                Some(id),
            ))))
        }
        (None, None) => {
            missing(
                ctx,
                map,
                "file",
                id,
                "name the pipeline file to call (`file: summarize.pipec.yaml`), or write it inline under `pipeline:`",
            );
            None
        }
    };
    Some(StepKind::Pipeline {
        source: source?,
        inputs,
    })
}

/// `set`: `vars`, a mapping of variable names to templates.
pub fn set(ctx: &mut Ctx<'_>, map: MapRef<'_>, id: &Name) -> StepKind {
    let vars = match map.get("vars") {
        Some(node) => bindings(ctx, node, "`vars`", Some("variable name")),
        None => {
            missing(
                ctx,
                map,
                "vars",
                id,
                "give the variables to set, such as `vars: {attempt: \"{{ 1 }}\"}`",
            );
            Vec::new()
        }
    };
    StepKind::Set { vars }
}
