//! `demos:` on a `predict` or `chain_of_thought` step: a list of mappings from field names
//! to values, DSPy's few-shot examples. Lowering keeps each value as JSON text (as field
//! defaults are kept); whether the names are fields of the step's signature and whether the
//! values fit their types is checked once signatures are resolved (`pipec-check`'s demos
//! pass), since a named signature may be declared anywhere in the file.

use pipec_syntax::{NodeKind, NodeRef};

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
                    json: json_text(value),
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

/// A node as JSON text with mapping keys in the order written (DSPy formats a dict value
/// in its key order); keys that are not strings are written as their scalar text.
fn json_text(node: NodeRef<'_>) -> String {
    let mut out = String::new();
    // Nesting is bounded by the parser's depth limit (`pipec_syntax::limits`).
    write_json(node, &mut out);
    out
}

fn write_json(node: NodeRef<'_>, out: &mut String) {
    match node.kind() {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        NodeKind::Int(i) => out.push_str(&i.to_string()),
        NodeKind::Float(f) => match serde_json::Number::from_f64(f) {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str("null"),
        },
        NodeKind::Str(s, _) => push_string(s, out),
        NodeKind::Seq(_) => {
            out.push('[');
            for (i, item) in node.as_seq().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(item, out);
            }
            out.push(']');
        }
        NodeKind::Map(_) => {
            out.push('{');
            for (i, (key, value)) in node
                .as_map()
                .into_iter()
                .flat_map(|m| m.entries())
                .enumerate()
            {
                if i > 0 {
                    out.push_str(", ");
                }
                push_string(&key.scalar_text().unwrap_or_default(), out);
                out.push_str(": ");
                write_json(value, out);
            }
            out.push('}');
        }
    }
}

fn push_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::Value::String(text.to_owned()).to_string());
}
