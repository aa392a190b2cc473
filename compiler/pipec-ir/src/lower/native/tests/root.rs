//! The root mapping: the full documented example, the format version, required keys,
//! unknown keys, names and duplicate ids.

use pipec_diagnostics::Code;

use super::{clean, lower, with_steps};
use crate::ir::{PredictModule, SignatureRef, StepKind, Type, TypeDefKind};

/// The example of `docs/native-format.md`, in full.
pub const EXAMPLE: &str = r#"pipec: 1
name: code_review
description: "Review code and plan a refactoring"
inputs:
  code: str
  language: {type: str, desc: "Programming language", default: "rust"}
outputs:
  plan: steps.plan.steps
  issues: {value: "steps.analyze.issues", type: "list[Issue]"}
types:
  Issue:
    desc: "One problem found"
    fields:
      title: str
      line: {type: int, desc: "1-based line", ge: 1}
      severity: Severity
  Severity: {enum: [low, medium, high]}
signatures:
  analyze: "code: str, language: str -> issues: list[Issue]"
  plan:
    instructions: "Turn issues into an ordered refactoring plan."
    inputs:
      issues: {type: "list[Issue]", desc: "Problems to fix"}
    outputs:
      steps: {type: "list[str]", desc: "Ordered steps", min_length: 1}
models:
  fast:
    provider: openai
    model: gpt-4o-mini
    max_tokens: 1024
    max_input_tokens: 8000
    temperature: 0.2
    price: {input_per_mtok: 0.15, output_per_mtok: 0.6}
limits: {max_llm_calls: 10, max_tokens: 200000, max_cost_usd: 0.5, timeout: 120, max_depth: 5}
defaults: {model: fast, timeout: 60, retry: 2}
steps:
  - id: analyze
    kind: predict
    description: "Find problems"
    signature: analyze
    with: {code: "{{ inputs.code }}", language: "{{ inputs.language }}"}
    retry: 3
    timeout: 30s
    cache: true
  - id: plan
    kind: chain_of_thought
    signature: plan
    with: {issues: "{{ steps.analyze.issues }}"}
    depends_on: [analyze]
  - id: each
    kind: map
    over: steps.analyze.issues
    as: issue
    max_items: 20
    max_parallel: 4
    steps:
      - id: fix
        kind: llm
        prompt: "Fix {{ issue.title }}"
  - id: route
    kind: branch
    cases:
      - when: "steps.analyze.issues | length > 3"
        steps:
          - {id: many, kind: set, vars: {count: "{{ steps.analyze.issues | length }}"}}
    default:
      - {id: few, kind: set, vars: {count: "0"}}
  - id: refine
    kind: loop
    until: "steps.check.ok"
    max_iterations: 3
    steps:
      - id: check
        kind: predict
        signature: "plan: list[str] -> ok: bool"
        with: {plan: "{{ steps.plan.steps }}"}
  - id: sub
    kind: pipeline
    file: summarize.pipec.yaml
    with: {text: "{{ inputs.code }}"}
"#;

#[test]
fn the_documented_example_is_clean() {
    let out = clean(EXAMPLE);
    let p = out.pipeline();
    assert_eq!(p.name.text, "code_review");
    assert_eq!(
        p.description.as_deref(),
        Some("Review code and plan a refactoring")
    );
    assert_eq!(p.inputs.len(), 2);
    assert_eq!(
        (p.inputs[0].ty.ty.clone(), p.inputs[0].has_default()),
        (Type::Str, false)
    );
    assert_eq!(p.inputs[1].desc.as_deref(), Some("Programming language"));
    assert!(p.inputs[1].has_default());
    assert_eq!(p.types.len(), 2);
    let TypeDefKind::Record(fields) = &p.types[0].kind else {
        panic!("a record")
    };
    assert_eq!(fields[1].constraints, vec![("ge".to_owned(), 1.0)]);
    assert_eq!(fields[2].ty.ty, Type::Named("Severity".into()));
    assert_eq!(out.at(fields[2].ty.span), "Severity");
    let TypeDefKind::Enum(values) = &p.types[1].kind else {
        panic!("an enum")
    };
    assert_eq!(
        values.iter().map(|v| v.text.as_str()).collect::<Vec<_>>(),
        ["low", "medium", "high"]
    );
    let analyze = p.signature("analyze").unwrap();
    assert_eq!(
        analyze.outputs[0].ty.ty,
        Type::List(Box::new(Type::Named("Issue".into())))
    );
    assert_eq!(out.at(analyze.outputs[0].ty.span), "list[Issue]");
    let plan = p.signature("plan").unwrap();
    assert_eq!(
        plan.instructions.as_deref(),
        Some("Turn issues into an ordered refactoring plan.")
    );
    assert_eq!(
        plan.outputs[0].constraints,
        vec![("min_length".to_owned(), 1.0)]
    );
    let fast = p.model("fast").unwrap();
    assert_eq!(
        (fast.provider.text.as_str(), fast.model.text.as_str()),
        ("openai", "gpt-4o-mini")
    );
    assert_eq!(
        (fast.max_tokens, fast.max_input_tokens, fast.temperature),
        (Some(1024), Some(8000), Some(0.2))
    );
    assert_eq!(fast.price.map(|p| p.output_per_mtok), Some(0.6));
    assert_eq!(p.limits.max_llm_calls.map(|l| l.value), Some(10));
    assert_eq!(p.limits.timeout_s.map(|l| l.value), Some(120.0));
    assert_eq!(out.at(p.limits.max_cost_usd.unwrap().span), "0.5");

    let analyze = out.step("analyze");
    assert_eq!((analyze.max_attempts, analyze.timeout_s), (4, Some(30.0)));
    assert_eq!(analyze.type_name.text, "predict");
    let StepKind::Predict {
        module,
        signature,
        with,
        ..
    } = &analyze.kind
    else {
        panic!("predict")
    };
    assert_eq!(*module, PredictModule::Predict);
    assert!(matches!(signature, SignatureRef::Named(n) if n.text == "analyze"));
    assert_eq!(
        with.iter()
            .map(|b| b.name.text.as_str())
            .collect::<Vec<_>>(),
        ["code", "language"]
    );
    // `plan` takes the defaults.
    let plan = out.step("plan");
    assert_eq!((plan.max_attempts, plan.timeout_s), (3, Some(60.0)));
    assert_eq!(plan.depends_on[0].text, "analyze");
    assert!(matches!(
        &plan.kind,
        StepKind::Predict {
            module: PredictModule::ChainOfThought,
            ..
        }
    ));
    // Nested steps are found and take the defaults too.
    assert_eq!(
        out.step("fix").model.as_ref().map(|m| m.text.as_str()),
        Some("fast")
    );
    assert_eq!(out.step("check").max_attempts, 3);
    assert!(matches!(out.step("sub").kind, StepKind::Pipeline { .. }));
}

#[test]
fn format_version() {
    let out =
        lower(&with_steps("  - {id: a, kind: llm, prompt: hi}\n").replace("pipec: 1", "pipec: 2"));
    assert_eq!(out.codes(), [(Code::P0111, 1)]);
    assert_eq!(out.at(out.diagnostics[0].primary.span), "2");
    assert!(
        out.pipeline.is_none(),
        "a version 2 file is not read by version 1's rules"
    );

    // Version 1 written as a string: reported, and read on.
    let out = lower(
        &with_steps("  - {id: a, kind: llm, prompt: hi}\n").replace("pipec: 1", "pipec: \"1\""),
    );
    assert_eq!(out.codes(), [(Code::P0111, 1)]);
    assert_eq!(
        out.one(Code::P0111).help.as_deref(),
        Some("write the version as a number: `pipec: 1`")
    );
    assert_eq!(out.pipeline().steps.len(), 1);

    let out = lower("pipec: [1]\nname: t\nsteps: []\n");
    assert_eq!(out.codes(), [(Code::P0111, 1)]);
}

#[test]
fn required_root_keys() {
    let out = lower("pipec: 1\nsteps:\n  - {id: a, kind: llm, prompt: hi}\n");
    assert_eq!(out.codes(), [(Code::P0103, 1)]);
    assert_eq!(out.diagnostics[0].message, "the pipeline is missing `name`");
    assert_eq!(out.pipeline().steps.len(), 1, "the rest is still lowered");

    let out = lower("pipec: 1\nname: t\n");
    assert_eq!(out.codes(), [(Code::P0103, 1)]);
    assert_eq!(
        out.diagnostics[0].message,
        "the pipeline is missing `steps`"
    );

    let out = lower("pipec: 1\nname: t\nsteps: []\n");
    assert_eq!(out.codes(), [(Code::P0112, 3)]);
    assert_eq!(out.diagnostics[0].message, "the pipeline has no steps");

    let out = lower("pipec: 1\nname: t\nsteps: {a: 1}\n");
    assert_eq!(out.codes(), [(Code::P0104, 3)]);
}

#[test]
fn unknown_root_keys_suggest_the_nearest() {
    let out = lower(
        &with_steps("  - {id: a, kind: llm, prompt: hi}\n")
            .replace("name: t\n", "name: t\nsigantures: {}\nfoo: 1\n"),
    );
    assert_eq!(out.codes(), [(Code::P0101, 3), (Code::P0101, 4)]);
    assert_eq!(
        out.diagnostics[0].message,
        "unknown key `sigantures` in the pipeline"
    );
    assert_eq!(
        out.diagnostics[0].help.as_deref(),
        Some("did you mean `signatures`?")
    );
    assert!(
        out.diagnostics[1]
            .help
            .as_deref()
            .unwrap()
            .starts_with("expected one of `pipec`, `name`")
    );
}

#[test]
fn names_must_be_identifiers() {
    let text = r#"pipec: 1
name: t
inputs: {"my input": str}
types:
  1Issue: {enum: [a]}
signatures:
  "a-b": "x -> y"
models:
  "fast model": {provider: openai, model: m}
steps:
  - id: "my step"
    kind: llm
    prompt: hi
"#;
    let out = lower(text);
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 3),
            (Code::P0107, 5),
            (Code::P0107, 7),
            (Code::P0107, 9),
            (Code::P0107, 11)
        ]
    );
    let step = out.diagnostics.last().unwrap();
    assert_eq!(step.message, "invalid step id `my step`");
    assert_eq!(
        step.primary.message,
        "not an identifier: it contains a space"
    );
    assert_eq!(
        step.help.as_deref(),
        Some("use letters, digits and `_`, not starting with a digit, such as `my_step`")
    );
    assert_eq!(
        out.diagnostics[1].primary.message,
        "not an identifier: it starts with a digit"
    );
    // The entries are still lowered.
    assert_eq!(out.pipeline().steps.len(), 1);
    assert_eq!(out.pipeline().models.len(), 1);
}

#[test]
fn duplicate_ids_across_nested_bodies() {
    let out = lower(&with_steps(
        "  - {id: a, kind: llm, prompt: hi}
  - id: each
    kind: map
    over: inputs.xs
    max_items: 3
    steps:
      - {id: a, kind: llm, prompt: again}
  - {id: each, kind: llm, prompt: third}
",
    ));
    assert_eq!(out.codes(), [(Code::P0105, 10), (Code::P0105, 11)]);
    let first = &out.diagnostics[0];
    assert_eq!(first.message, "duplicate step id `a`");
    assert_eq!(first.labels.len(), 1);
    assert_eq!(out.at(first.labels[0].span), "a");
    assert_eq!(
        out.text[..first.labels[0].span.start as usize]
            .lines()
            .count(),
        4,
        "the label is on the first `a`"
    );
}

#[test]
fn inline_pipelines_have_their_own_id_scope() {
    let out = clean(&with_steps(
        "  - {id: a, kind: llm, prompt: hi}
  - id: sub
    kind: pipeline
    pipeline:
      steps:
        - {id: a, kind: llm, prompt: inner}
",
    ));
    let StepKind::Pipeline {
        source: crate::ir::PipelineSource::Inline(inner),
        ..
    } = &out.step("sub").kind
    else {
        panic!("inline")
    };
    assert_eq!(
        inner.name.text, "sub",
        "an inline pipeline is named after its step"
    );
    assert_eq!(inner.steps[0].id.text, "a");
}

/// The user documentation's examples: whole files and step or declaration snippets lower
/// without a diagnostic (snippets that show an error say so with its code and are skipped).
#[test]
fn the_documentation_examples_are_clean() {
    const DOC: &str = include_str!("../../../../../../docs/native-format.md");
    const ROOT_KEYS: &[&str] = &[
        "inputs:",
        "outputs:",
        "types:",
        "signatures:",
        "models:",
        "limits:",
        "defaults:",
    ];
    let mut checked = 0;
    for block in DOC.split("```").skip(1).step_by(2) {
        let (lang, body) = block.split_once('\n').unwrap();
        if body.contains("# P0") {
            continue;
        }
        let text = match lang {
            "json" => {
                let out = super::json::lower_json_text(body);
                assert!(out.diagnostics.is_empty(), "{body}\n{:#?}", out.diagnostics);
                checked += 1;
                continue;
            }
            "yaml" if body.starts_with("pipec: 1") => body.to_owned(),
            "yaml" if body.starts_with("  - ") => with_steps(body),
            "yaml" if ROOT_KEYS.iter().any(|k| body.starts_with(k)) => {
                // Snippets may use the `Issue` type of the complete example.
                let issue = if body.starts_with("types:") {
                    ""
                } else {
                    "types:\n  Issue: {enum: [a]}\n"
                };
                format!(
                    "pipec: 1\nname: t\n{issue}{body}steps:\n  - {{id: zz, kind: llm, prompt: p}}\n"
                )
            }
            _ => continue,
        };
        clean(&text);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} examples found");
}
