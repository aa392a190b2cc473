//! `name: template` mappings: a step's `with:` (signature inputs, sub-pipeline inputs) and
//! a `set` step's `vars:`.

use pipec_syntax::NodeRef;

use super::names::check_identifier;
use crate::ir::Binding;
use crate::lower::Ctx;

/// Lower a mapping of templates. `what` names it in messages (`` `with` ``); with
/// `identifiers`, each name must also be an identifier (`what_name` in the message).
pub fn bindings(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    what: &str,
    identifiers: Option<&str>,
) -> Vec<Binding> {
    let Some(map) = ctx.map(node, what) else {
        return Vec::new();
    };
    let mut bindings = Vec::with_capacity(map.len());
    for (key, value) in map.entries() {
        let Some(name) = ctx.name(key, "a name") else {
            continue;
        };
        if let Some(what_name) = identifiers {
            check_identifier(ctx, &name.text, name.span, what_name);
        }
        if let Some(value) = ctx.template(value, "a bound value") {
            bindings.push(Binding { name, value });
        }
    }
    bindings
}
