//! `inputs`, `outputs`, `types` (records, enums, fields and their constraints) and the type
//! strings they use, with spans inside the strings.

use pipec_diagnostics::Code;

use super::{clean, lower};
use crate::ir::{Type, TypeDefKind};

const STEPS: &str = "steps:\n  - {id: a, kind: llm, prompt: hi}\n";

fn file(decls: &str) -> String {
    format!("pipec: 1\nname: t\n{decls}{STEPS}")
}

#[test]
fn input_forms_and_types() {
    let out = clean(&file(
        "inputs:
  a: str
  b: \"list[dict[str, int]]\"
  c: {type: \"Optional[float]\", desc: maybe}
  d: {desc: untyped, default: 3}
  e: \"Literal['x', \\\"y\\\"]\"
  f: int | None
",
    ));
    let inputs = &out.pipeline().inputs;
    let types: Vec<String> = inputs.iter().map(|p| p.ty.ty.display()).collect();
    assert_eq!(
        types,
        [
            "str",
            "list[dict[str, int]]",
            "Union[float, NoneType]",
            "str",
            "Literal['x', 'y']",
            "Union[int, NoneType]"
        ]
    );
    assert_eq!(out.at(inputs[1].ty.span), "list[dict[str, int]]");
    assert_eq!(out.at(inputs[2].ty.span), "Optional[float]");
    // An untyped input is `str`, pointing at its name.
    assert_eq!(out.at(inputs[3].ty.span), "d");
    assert!(inputs[3].has_default() && !inputs[2].has_default());
}

#[test]
fn unknown_types_point_inside_the_string() {
    let out = lower(&file(
        "inputs:\n  a: \"list[strr]\"\n  b: {type: \"dict[str, Isue]\"}\n  c: integer\ntypes:\n  Issue: {fields: {x: str}}\n",
    ));
    assert_eq!(
        out.codes(),
        [(Code::P0114, 4), (Code::P0114, 5), (Code::P0114, 6)]
    );
    let [a, b, c] = &out.diagnostics[..] else {
        panic!()
    };
    assert_eq!(
        (out.at(a.primary.span), a.message.as_str()),
        ("strr", "unknown type `strr`")
    );
    assert_eq!(a.help.as_deref(), Some("did you mean `str`?"));
    assert_eq!(out.at(b.primary.span), "Isue");
    assert_eq!(
        b.help.as_deref(),
        Some("did you mean `Issue`?"),
        "declared types are suggested"
    );
    assert_eq!(c.help.as_deref(), Some("pipec writes this type as `int`"));
    // The input keeps its place, typed `Any` so that nothing else reports it.
    assert_eq!(out.pipeline().inputs[0].ty.ty, Type::Any);
}

#[test]
fn malformed_type_strings_are_p0114_with_the_syntax_problem() {
    let out = lower(&file(
        "inputs:\n  a: \"list[int\"\n  b: \"Optional[int, str]\"\n  c: 42\n",
    ));
    assert_eq!(
        out.codes(),
        [(Code::P0114, 4), (Code::P0114, 5), (Code::P0104, 6)]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "malformed type: '[' was never closed"
    );
    assert_eq!(out.at(out.diagnostics[0].primary.span), "[");
    assert_eq!(
        out.diagnostics[1].message,
        "`Optional` takes exactly one type argument"
    );
}

#[test]
fn types_may_be_used_before_they_are_declared() {
    let out = clean(&file(
        "types:\n  Issue: {fields: {severity: Severity, tags: \"list[Tag]\"}}\n  Severity: {enum: [low, high]}\n  Tag: {enum: [a]}\n",
    ));
    let TypeDefKind::Record(fields) = &out.pipeline().types[0].kind else {
        panic!()
    };
    assert_eq!(fields[0].ty.ty, Type::Named("Severity".into()));
}

#[test]
fn type_declaration_rules() {
    let out = lower(&file(
        "types:
  Both: {fields: {a: str}, enum: [x]}
  Neither: {desc: nothing}
  Empty: {enum: []}
  Twice: {enum: [a, b, a]}
  str: {enum: [x]}
  Bad: {fields: {a: str}, descr: oops}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 4),
            (Code::P0103, 5),
            (Code::P0107, 6),
            (Code::P0117, 7),
            (Code::P0107, 8),
            (Code::P0101, 9)
        ]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "type `Both` has both `fields` and `enum`"
    );
    assert_eq!(out.at(out.diagnostics[0].primary.span), "enum");
    assert_eq!(
        out.diagnostics[1].message,
        "type `Neither` is missing `fields` or `enum`"
    );
    assert_eq!(out.diagnostics[3].message, "duplicate enum value `a`");
    assert_eq!(out.diagnostics[3].labels.len(), 1);
    assert_eq!(out.diagnostics[4].message, "invalid type name `str`");
    assert_eq!(
        out.diagnostics[5].help.as_deref(),
        Some("did you mean `desc`?")
    );
    let names: Vec<&str> = out
        .pipeline()
        .types
        .iter()
        .map(|t| t.name.text.as_str())
        .collect();
    assert_eq!(names, ["Twice", "str", "Bad"]);
}

#[test]
fn fields_constraints_and_defaults() {
    let out = lower(&file(
        "types:
  Item:
    fields:
      score: {type: float, le: 10, ge: -1.5, multiple_of: 0.5, default: 1}
      tags: {type: \"list[str]\", max_length: 3, min_length: 1, default: [a, {b: null}]}
      name: {desc: untyped}
      bad: {type: int, multiple_of: 0, gt: many, max_length: -1, descr: x}
      class: str
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 9),
            (Code::P0104, 9),
            (Code::P0107, 9),
            (Code::P0101, 9),
            (Code::P0107, 10)
        ]
    );
    assert_eq!(out.diagnostics[4].message, "invalid field name `class`");
    assert_eq!(
        out.diagnostics[4].help.as_deref(),
        Some("rename the field, for example to `class_`")
    );
    let TypeDefKind::Record(fields) = &out.pipeline().types[0].kind else {
        panic!()
    };
    assert_eq!(
        fields[0].constraints,
        vec![
            ("le".into(), 10.0),
            ("ge".into(), -1.5),
            ("multiple_of".into(), 0.5)
        ]
    );
    assert_eq!(fields[0].default.as_deref(), Some("1"));
    assert_eq!(
        fields[1].constraints,
        vec![("max_length".into(), 3.0), ("min_length".into(), 1.0)]
    );
    assert_eq!(fields[1].default.as_deref(), Some(r#"["a",{"b":null}]"#));
    assert_eq!(
        (fields[2].ty.ty.clone(), fields[2].desc.as_deref()),
        (Type::Str, Some("untyped"))
    );
}

/// Needs the expression parser.
#[test]
fn outputs() {
    let out = lower(&file(
        "outputs:\n  plan: steps.a\n  typed: {value: \"{{ steps.a }}\", type: str, desc: d}\n  bad: {type: str}\n",
    ));
    assert_eq!(out.codes(), [(Code::P0103, 6)]);
    assert_eq!(
        out.diagnostics[0].message,
        "output `bad` is missing `value`"
    );
    let outputs = &out.pipeline().outputs;
    assert_eq!(outputs.len(), 2);
    assert_eq!(
        outputs[1].ty.as_ref().map(|t| t.ty.clone()),
        Some(Type::Str)
    );
    assert_eq!(
        out.at(out.pipeline().span_of(&outputs[0].value.span)),
        "steps.a"
    );
}
