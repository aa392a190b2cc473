//! Signatures: DSPy signature strings (`"question: str, ctx: list[str] -> answer: str"`)
//! and the structured form (`instructions`, `inputs`, `outputs`).
//!
//! A string is read by [`crate::dspy::parse_signature`], exactly as DSPy 3.4.1's
//! `dspy.Signature(string)` reads it; this module maps its ranges into the file (through
//! the scalar mapper, so escapes and folded lines keep exact spans) and builds the IR.
//!
//! The IR holds what DSPy would end up with, so that writing a default out changes
//! nothing: instructions are kept as `inspect.cleandoc` leaves them, and `None` when they
//! are DSPy's default (or empty, which DSPy reads as the default); a field description that
//! is DSPy's placeholder `${name}` is no description, as in DSPy. `pipec convert --to json`
//! writes both defaults out, and the file it writes lowers to the same IR.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeRef, ScalarMapper, ScalarStyle};

use super::fields::{FieldNames, field_list};
use super::keys::SIGNATURE;
use super::types::TypeScope;
use crate::dspy::instructions::{cleandoc, default_instructions};
use crate::dspy::{DspyField, parse_signature};
use crate::ir::{Field, Name, Signature, TypeRef};
use crate::lower::{Ctx, KeyPolicy, kind_error};

/// A signature definition node (a `signatures:` entry or a step's inline `signature:`): a
/// DSPy string or the structured mapping. `name` is the entry's key or the step id.
pub fn signature_node(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    name: Name,
    scope: &TypeScope<'_>,
) -> Option<Signature> {
    if let Some(text) = node.as_str() {
        return Some(signature_string(ctx, node, text, name, scope));
    }
    if let Some(map) = node.as_map() {
        return Some(structured(ctx, map, name, scope));
    }
    ctx.push(kind_error(
        node,
        "a signature",
        "a string such as `question -> answer` or a mapping with `inputs` and `outputs`",
    ));
    None
}

/// Lower a signature string node.
pub fn signature_string(
    ctx: &mut Ctx<'_>,
    node: NodeRef<'_>,
    text: &str,
    name: Name,
    scope: &TypeScope<'_>,
) -> Signature {
    let mapper = ScalarMapper::new(
        ctx.source,
        node.span(),
        node.style().unwrap_or(ScalarStyle::Plain),
        text,
    );
    let (parsed, errors) = parse_signature(text, 0, None, scope.declared());
    for error in errors {
        let mut diagnostic = Diagnostic::new(error.code, mapper.map(error.range), error.message)
            .with_primary_label(error.label);
        if let Some((range, label)) = error.related.map(|r| *r) {
            diagnostic = diagnostic.with_label(mapper.map(range), label);
        }
        ctx.push(diagnostic.with_help_opt(error.help));
    }
    let field = |f: DspyField| {
        let name_span = mapper.map(f.name_range.clone());
        let type_span = f.type_range.map_or(name_span, |range| mapper.map(range));
        Field {
            name: Name::new(f.name, name_span),
            ty: TypeRef {
                ty: f.ty,
                span: type_span,
            },
            desc: None,
            constraints: Vec::new(),
            default: None,
        }
    };
    Signature {
        name,
        instructions: None,
        inputs: parsed.inputs.into_iter().map(field).collect(),
        outputs: parsed.outputs.into_iter().map(field).collect(),
        span: node.span(),
    }
}

/// The structured form: `instructions`, ordered `inputs` and `outputs`.
fn structured(ctx: &mut Ctx<'_>, map: MapRef<'_>, name: Name, scope: &TypeScope<'_>) -> Signature {
    ctx.check_keys(
        map,
        SIGNATURE,
        KeyPolicy::Error,
        &format!("signature `{}`", name.text),
    );
    let instructions = map
        .get("instructions")
        .and_then(|n| ctx.str(n, "`instructions`"))
        .map(str::to_owned);
    let mut seen = FieldNames::new();
    let inputs = map
        .get("inputs")
        .map(|n| field_list(ctx, n, scope, "`inputs`", &mut seen))
        .unwrap_or_default();
    let outputs = match map.get("outputs") {
        Some(n) => field_list(ctx, n, scope, "`outputs`", &mut seen),
        None => {
            ctx.push(
                Diagnostic::new(Code::P0103, crate::lower::ctx::header_span(map), format!("signature `{}` is missing `outputs`", name.text))
                    .with_primary_label("`outputs` is required here")
                    .with_help("add `outputs:` mapping each output field to its type, such as `outputs: {answer: str}`"),
            );
            Vec::new()
        }
    };
    // The default is built only to compare with given instructions.
    let instructions = instructions.map(|text| cleandoc(&text)).filter(|text| {
        !text.is_empty()
            && *text
                != default_instructions(
                    inputs.iter().map(|f| f.name.text.as_str()),
                    outputs.iter().map(|f| f.name.text.as_str()),
                )
    });
    Signature {
        name,
        instructions,
        inputs: inputs.into_iter().map(without_placeholder_desc).collect(),
        outputs: outputs.into_iter().map(without_placeholder_desc).collect(),
        span: map.span(),
    }
}

/// A field whose description is DSPy's placeholder `${name}` has none.
fn without_placeholder_desc(mut field: Field) -> Field {
    if field
        .desc
        .as_deref()
        .is_some_and(|desc| desc == format!("${{{}}}", field.name.text))
    {
        field.desc = None;
    }
    field
}
