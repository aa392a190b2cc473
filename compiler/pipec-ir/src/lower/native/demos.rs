//! `demos:` on a `predict` or `chain_of_thought` step: a list of mappings from field names
//! to values, DSPy's few-shot examples. Lowering keeps each value as JSON text (as field
//! defaults are kept); whether the names are fields of the step's signature and whether the
//! values fit their types is checked once signatures are resolved (`pipec-check`'s demos
//! pass), since a named signature may be declared anywhere in the file.

use pipec_syntax::NodeRef;
use pipec_syntax::emit::to_json_compact;

use crate::ir::{Demo, DemoValue};
use crate::lower::Ctx;

/// The demos of a step; items that are not mappings are reported (P0104) and skipped.
pub fn demos(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Vec<Demo> {
    let Some(items) = ctx.seq(node, "`demos`") else {
        return Vec::new();
    };
    let mut demos = Vec::with_capacity(items.len());
    for item in items {
        let Some(map) = ctx.map(item, "a demo") else {
            continue;
        };
        let values = map
            .entries()
            .filter_map(|(key, value)| {
                let name = ctx.name(key, "a demo field name")?;
                Some(DemoValue {
                    name,
                    // Compact JSON in the order written (DSPy formats a dict in its key order).
                    json: to_json_compact(value),
                    span: value.span(),
                })
            })
            .collect();
        demos.push(Demo {
            span: map.span(),
            values,
        });
    }
    demos
}
