//! Signatures: DSPy strings (with errors pointing inside the string), the structured form,
//! and a step's inline signature.

use pipec_diagnostics::Code;

use super::{clean, lower};
use crate::ir::{SignatureRef, StepKind, Type};

fn file(signatures: &str) -> String {
    format!(
        "pipec: 1\nname: t\ntypes:\n  Issue: {{enum: [a]}}\nsignatures:\n{signatures}steps:\n  - {{id: a, kind: llm, prompt: hi}}\n"
    )
}

#[test]
fn string_signatures() {
    let out = clean(&file(
        "  qa: \"question, ctx: list[str] -> answer: str, issues: list[Issue]\"\n  bare: q -> a\n",
    ));
    let qa = out.pipeline().signature("qa").unwrap();
    assert_eq!(qa.instructions, None);
    let inputs: Vec<(&str, String)> = qa
        .inputs
        .iter()
        .map(|f| (f.name.text.as_str(), f.ty.ty.display()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("question", "str".to_owned()),
            ("ctx", "list[str]".to_owned())
        ]
    );
    assert_eq!(out.at(qa.inputs[0].name.span), "question");
    assert_eq!(
        out.at(qa.inputs[0].ty.span),
        "question",
        "an untyped field's type points at its name"
    );
    assert_eq!(out.at(qa.inputs[1].ty.span), "list[str]");
    assert_eq!(out.at(qa.outputs[1].ty.span), "list[Issue]");
    assert_eq!(
        out.at(qa.span),
        "\"question, ctx: list[str] -> answer: str, issues: list[Issue]\""
    );
    let bare = out.pipeline().signature("bare").unwrap();
    assert_eq!((bare.inputs.len(), bare.outputs.len()), (1, 1));
}

#[test]
fn arrow_errors_are_p0113() {
    let out = lower(&file(
        "  none: \"code: str, issues: list[str]\"\n  two: \"a -> b -> c\"\n",
    ));
    assert_eq!(out.codes(), [(Code::P0113, 6), (Code::P0113, 7)]);
    assert_eq!(
        out.diagnostics[0].message,
        "invalid signature: it must contain exactly one `->`"
    );
    assert_eq!(
        out.at(out.diagnostics[0].primary.span),
        "code: str, issues: list[str]"
    );
    let two = &out.diagnostics[1];
    assert_eq!(out.at(two.primary.span), "->");
    assert_eq!(
        two.primary.span.start,
        out.text.find("-> c").unwrap() as u32,
        "the second arrow"
    );
    assert_eq!(out.at(two.labels[0].span), "->");
}

#[test]
fn errors_inside_signature_strings() {
    let out = lower(&file(
        "  a: \"x: integr -> y\"
  b: \"x: list[int -> y\"
  c: \"my field -> y\"
  d: \"x -> x\"
  e: \"x: Optional[int, str] -> y\"
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0114, 6),
            (Code::P0113, 7),
            (Code::P0113, 8),
            (Code::P0117, 9),
            (Code::P0114, 10)
        ]
    );
    let at = |i: usize| out.at(out.diagnostics[i].primary.span);
    assert_eq!(at(0), "integr");
    assert_eq!(at(1), "[");
    assert_eq!(
        out.diagnostics[1].message,
        "invalid signature: '[' was never closed"
    );
    assert_eq!(
        at(2),
        "field",
        "the name after `my`, where a `,` is missing"
    );
    assert_eq!(at(3), "x");
    assert_eq!(
        out.diagnostics[3].primary.span.start,
        out.text.find("-> x").unwrap() as u32 + 3,
        "the second `x`"
    );
    assert_eq!(
        out.diagnostics[3].help.as_deref(),
        Some("DSPy requires input and output fields to have distinct names")
    );
    assert_eq!(at(4), "Optional[int, str]");
    assert_eq!(
        out.diagnostics[4].message,
        "`Optional` takes exactly one type argument"
    );
}

/// Blocked on pipec-syntax: the YAML front-end gives a block scalar a span that starts at
/// its first content line, while `ScalarMapper` (and `NodeRef::span`'s documentation) expect
/// it to include the `>-` header, so the mapper skips the first content line.
#[test]
fn spans_inside_block_scalars() {
    let text = "pipec: 1\nname: t\nsignatures:\n  s: >-\n    question: str,\n    context: lisst[str]\n    -> answer\nsteps:\n  - {id: a, kind: llm, prompt: hi}\n";
    let out = lower(text);
    assert_eq!(out.codes(), [(Code::P0114, 6)]);
    assert_eq!(out.at(out.diagnostics[0].primary.span), "lisst");
}

#[test]
fn structured_signatures() {
    let out = lower(&file(
        "  plan:
    instructions: Plan it.
    inputs:
      issues: {type: \"list[Issue]\", desc: Problems}
      text: str
    outputs:
      steps: {type: \"list[str]\", min_length: 1}
      text: str
  nooutputs:
    inputs: {a: str}
  typo:
    output: {a: str}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0117, 13),
            (Code::P0103, 15),
            (Code::P0101, 17),
            (Code::P0103, 17)
        ]
    );
    assert_eq!(out.diagnostics[0].message, "duplicate field `text`");
    assert_eq!(
        out.diagnostics[1].message,
        "signature `nooutputs` is missing `outputs`"
    );
    assert_eq!(
        out.diagnostics[2].help.as_deref(),
        Some("did you mean `outputs`?")
    );
    let plan = out.pipeline().signature("plan").unwrap();
    assert_eq!(plan.inputs[0].desc.as_deref(), Some("Problems"));
    assert_eq!(
        plan.outputs[0].constraints,
        vec![("min_length".to_owned(), 1.0)]
    );
    assert_eq!(
        out.at(plan.span).lines().next(),
        Some("instructions: Plan it.")
    );
}

#[test]
fn step_signatures_by_name_or_inline() {
    let text = "pipec: 1
name: t
signatures:
  qa: q -> a
steps:
  - {id: named, kind: predict, signature: qa}
  - {id: inline, kind: predict, signature: \"q: str -> a: int\"}
  - id: structured
    kind: predict
    signature: {instructions: Do it., outputs: {a: bool}}
  - {id: noarrow, kind: predict, signature: \"q: str, a: int\"}
  - {id: nosig, kind: predict}
";
    let out = lower(text);
    assert_eq!(out.codes(), [(Code::P0113, 11), (Code::P0103, 12)]);
    assert_eq!(
        out.diagnostics[1].message,
        "step `nosig` is missing `signature`"
    );
    let signature = |id: &str| match &out.step(id).kind {
        StepKind::Predict { signature, .. } => signature.clone(),
        other => panic!("{other:?}"),
    };
    assert!(matches!(signature("named"), SignatureRef::Named(n) if n.text == "qa"));
    let SignatureRef::Inline(inline) = signature("inline") else {
        panic!()
    };
    assert_eq!(
        inline.name.text, "inline",
        "an inline signature is named after its step"
    );
    assert_eq!(inline.outputs[0].ty.ty, Type::Int);
    let SignatureRef::Inline(structured) = signature("structured") else {
        panic!()
    };
    assert_eq!(structured.instructions.as_deref(), Some("Do it."));
    assert!(matches!(signature("noarrow"), SignatureRef::Inline(_)));
    assert!(
        out.pipeline().steps.iter().all(|s| s.id.text != "nosig"),
        "a predict step without a signature is left out"
    );
}
