//! Native `pipec: 1` lowering (being written).
use pipec_syntax::MapRef;
use crate::ir::Pipeline;
use super::Ctx;

/// Lower a native pipeline.
pub fn lower(_ctx: &mut Ctx<'_>, _root: MapRef<'_>) -> Option<Pipeline> {
    None
}
