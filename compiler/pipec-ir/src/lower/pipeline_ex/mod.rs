//! pipeline_ex `workflow:` lowering (being written).
use pipec_syntax::MapRef;
use crate::ir::Pipeline;
use super::Ctx;

/// Lower a pipeline_ex workflow.
pub fn lower(_ctx: &mut Ctx<'_>, _root: MapRef<'_>) -> Option<Pipeline> {
    None
}
