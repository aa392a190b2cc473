//! The normalized native form that `pipec convert --to json` writes: the file's document as
//! JSON, made explicit where the native format lets a writer be brief. Defined for users in
//! `docs/native-format.md` ("Converting between forms"):
//!
//! - every signature (a `signatures:` entry, or a step's own) is in the structured form,
//!   DSPy's defaults written out: `instructions` (the text DSPy uses: the given text through
//!   `inspect.cleandoc`, or DSPy's default), then `inputs` and `outputs` as ordered
//!   mappings of field name → `{type, desc, constraints..., default}`, the `type` rendered
//!   in DSPy's notation by [`crate::Type::display`] from the checked IR (so a DSPy string's
//!   fields come out typed, `str` where it wrote none) and `desc` DSPy's placeholder
//!   `${name}` where the field has no description;
//! - every input, output and field is a mapping: an input or field always has `type` (`str`
//!   when omitted), an output always has `value`;
//! - everything else is the document as written, in its order.
//!
//! Nothing here changes what the pipeline means: the normalized file lowers to the same IR
//! (tested on every example and clean fixture).

mod json;

use pipec_diagnostics::FileId;
use pipec_syntax::convert::Target;
use pipec_syntax::{Document, NodeKind, NodeRef, SourceFormat};

use crate::dspy::instructions::{default_instructions, instructions};
use crate::ir::{Field, Pipeline, Signature, SignatureRef, Step, StepKind};
pub use json::{J, pretty};

/// `pipec convert`: `text` (in `from`, checked clean, lowered to `pipeline`) in the form
/// `to`; JSON is the normalized form, YAML and `.pipe` come from
/// [`pipec_syntax::convert::convert`]. `None` when no document can be read.
#[must_use]
pub fn convert(
    file: FileId,
    text: &str,
    from: SourceFormat,
    to: Target,
    pipeline: &Pipeline,
) -> Option<String> {
    match to {
        Target::Json => {
            let document = pipec_syntax::parse(file, text, from).document?;
            Some(normalized_json(&document, pipeline))
        }
        Target::Yaml | Target::Pipe => pipec_syntax::convert::convert(file, text, from, to),
    }
}

/// The normalized JSON text of `doc`, whose checked IR is `pipeline`.
#[must_use]
pub fn normalized_json(doc: &Document, pipeline: &Pipeline) -> String {
    pretty(&pipeline_object(doc.root(), Some(pipeline)))
}

/// A pipeline mapping (the root, or an inline `pipeline:`), with the IR to expand its
/// signatures from when it is known.
fn pipeline_object(node: NodeRef<'_>, ir: Option<&Pipeline>) -> J {
    let Some(map) = node.as_map() else {
        return plain(node);
    };
    let mut out = Vec::new();
    for (key, value) in map.entries() {
        let key = text(key);
        let value = match key.as_str() {
            "inputs" => each(value, |_, v| field(v, "type")),
            "outputs" => each(value, |_, v| output(v)),
            "types" => each(value, |_, v| type_def(v)),
            "signatures" => each(value, |name, v| match ir.and_then(|p| p.signature(name)) {
                Some(sig) => expanded(sig),
                None => structured(v),
            }),
            "steps" => steps(value, ir),
            _ => plain(value),
        };
        out.push((key, value));
    }
    J::Object(out)
}

fn steps(node: NodeRef<'_>, ir: Option<&Pipeline>) -> J {
    J::Array(
        node.as_seq()
            .into_iter()
            .flatten()
            .map(|s| step(s, ir))
            .collect(),
    )
}

fn step(node: NodeRef<'_>, ir: Option<&Pipeline>) -> J {
    let Some(map) = node.as_map() else {
        return plain(node);
    };
    let id = map.get("id").map(text).unwrap_or_default();
    let ir_step = ir.and_then(|p| find_step(&p.steps, &id));
    let mut out = Vec::new();
    for (key, value) in map.entries() {
        let key = text(key);
        let value = match key.as_str() {
            "signature" => match ir_step.map(|s| &s.kind) {
                Some(StepKind::Predict {
                    signature: SignatureRef::Inline(sig),
                    ..
                }) => expanded(sig),
                _ if value.as_map().is_some() => structured(value),
                _ => plain(value),
            },
            "steps" | "default" => steps(value, ir),
            "cases" => J::Array(
                value
                    .as_seq()
                    .into_iter()
                    .flatten()
                    .map(|case| match case.as_map() {
                        Some(c) => J::Object(
                            c.entries()
                                .map(|(k, v)| {
                                    let k = text(k);
                                    let v = if k == "steps" { steps(v, ir) } else { plain(v) };
                                    (k, v)
                                })
                                .collect(),
                        ),
                        None => plain(case),
                    })
                    .collect(),
            ),
            // An inline pipeline has its own scope; its string signatures stay as written.
            "pipeline" => pipeline_object(value, None),
            _ => plain(value),
        };
        out.push((key, value));
    }
    J::Object(out)
}

/// The step `id` anywhere in `steps` (ids are unique in a pipeline).
fn find_step<'p>(steps: &'p [Step], id: &str) -> Option<&'p Step> {
    for step in steps {
        if step.id.text == id {
            return Some(step);
        }
        if let Some(found) = bodies(step).into_iter().find_map(|c| find_step(c, id)) {
            return Some(found);
        }
    }
    None
}

/// The step lists nested directly in a step.
fn bodies(step: &Step) -> Vec<&[Step]> {
    match &step.kind {
        StepKind::Branch { cases, default } => {
            let mut out: Vec<&[Step]> = cases.iter().map(|c| c.steps.as_slice()).collect();
            out.push(default);
            out
        }
        StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => vec![steps.as_slice()],
        _ => Vec::new(),
    }
}

/// A signature from the IR, structured, with DSPy's defaults written out.
fn expanded(sig: &Signature) -> J {
    let default = || {
        default_instructions(
            sig.inputs.iter().map(|f| f.name.text.as_str()),
            sig.outputs.iter().map(|f| f.name.text.as_str()),
        )
    };
    let mut out = vec![(
        "instructions".to_owned(),
        J::Str(instructions(sig.instructions.as_deref(), default)),
    )];
    let fields = |fields: &[Field]| {
        J::Object(
            fields
                .iter()
                .map(|f| (f.name.text.clone(), ir_field(f)))
                .collect(),
        )
    };
    out.push(("inputs".to_owned(), fields(&sig.inputs)));
    out.push(("outputs".to_owned(), fields(&sig.outputs)));
    J::Object(out)
}

fn ir_field(field: &Field) -> J {
    let desc = field
        .desc
        .clone()
        .unwrap_or_else(|| format!("${{{}}}", field.name.text));
    let mut out = vec![
        ("type".to_owned(), J::Str(field.ty.ty.display())),
        ("desc".to_owned(), J::Str(desc)),
    ];
    for (key, value) in &field.constraints {
        out.push((key.clone(), J::Number(number(*value))));
    }
    if let Some(default) = &field.default {
        out.push(("default".to_owned(), J::Number(default.clone())));
    }
    J::Object(out)
}

/// A number as JSON: whole numbers without a fraction (`min_length` takes only those).
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:?}")
    }
}

/// A structured signature from the document (when the IR has none to expand).
fn structured(node: NodeRef<'_>) -> J {
    let Some(map) = node.as_map() else {
        return plain(node);
    };
    J::Object(
        map.entries()
            .map(|(k, v)| {
                let k = text(k);
                let v = match k.as_str() {
                    "inputs" | "outputs" => each(v, |_, f| field(f, "type")),
                    _ => plain(v),
                };
                (k, v)
            })
            .collect(),
    )
}

/// A record or enum declaration, its fields as mappings.
fn type_def(node: NodeRef<'_>) -> J {
    let Some(map) = node.as_map() else {
        return plain(node);
    };
    J::Object(
        map.entries()
            .map(|(k, v)| {
                let k = text(k);
                let v = if k == "fields" {
                    each(v, |_, f| field(f, "type"))
                } else {
                    plain(v)
                };
                (k, v)
            })
            .collect(),
    )
}

/// An input or field as a mapping whose first key is `type`.
fn field(node: NodeRef<'_>, key: &str) -> J {
    match node.as_map() {
        Some(map) => {
            let mut out = Vec::new();
            if !map.contains(key) {
                out.push((key.to_owned(), J::Str("str".to_owned())));
            }
            out.extend(map.entries().map(|(k, v)| (text(k), plain(v))));
            J::Object(out)
        }
        None => J::Object(vec![(key.to_owned(), plain(node))]),
    }
}

/// An output as a mapping with `value`.
fn output(node: NodeRef<'_>) -> J {
    match node.as_map() {
        Some(_) => plain(node),
        None => J::Object(vec![("value".to_owned(), plain(node))]),
    }
}

/// Every entry of a mapping through `f`.
fn each(node: NodeRef<'_>, mut f: impl FnMut(&str, NodeRef<'_>) -> J) -> J {
    match node.as_map() {
        Some(map) => J::Object(
            map.entries()
                .map(|(k, v)| {
                    let k = text(k);
                    let v = f(&k, v);
                    (k, v)
                })
                .collect(),
        ),
        None => plain(node),
    }
}

fn text(node: NodeRef<'_>) -> String {
    node.scalar_text()
        .map(|t| t.into_owned())
        .unwrap_or_default()
}

/// A node as it is.
fn plain(node: NodeRef<'_>) -> J {
    match node.kind() {
        NodeKind::Null => J::Null,
        NodeKind::Bool(b) => J::Bool(b),
        NodeKind::Int(n) => J::Number(n.to_string()),
        NodeKind::Float(f) if f.is_finite() => J::Number(format!("{f:?}")),
        NodeKind::Float(f) => J::Str(f.to_string()),
        NodeKind::Str(s, _) => J::Str(s.to_owned()),
        NodeKind::Seq(_) => J::Array(node.as_seq().into_iter().flatten().map(plain).collect()),
        NodeKind::Map(_) => J::Object(
            node.as_map()
                .into_iter()
                .flat_map(|m| m.entries())
                .map(|(k, v)| (text(k), plain(v)))
                .collect(),
        ),
    }
}
