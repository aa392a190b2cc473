//! What each kind does with its own keys: react, llm (and the provider-bound types),
//! transform, branch, map, loop, pipeline and set.

use pipec_diagnostics::Code;

use super::{clean, lower, with_steps};
use crate::ir::{Bound, LoopCondition, PipelineSource, PredictModule, PromptPart, StepKind};

#[test]
fn react_steps() {
    let out = lower(&with_steps(
        "  - {id: a, kind: react, signature: \"q -> a\", tools: [search, calc]}
  - {id: b, kind: react, signature: \"q -> a\", tools: [search], max_iters: 5}
  - {id: c, kind: react, signature: \"q -> a\"}
  - {id: d, kind: react, signature: \"q -> a\", tools: [], max_iters: 0}
",
    ));
    assert_eq!(
        out.codes(),
        [(Code::P0103, 6), (Code::P0107, 7), (Code::P0107, 7)]
    );
    assert_eq!(out.diagnostics[0].message, "step `c` is missing `tools`");
    let module = |id: &str| match &out.step(id).kind {
        StepKind::Predict { module, .. } => module.clone(),
        other => panic!("{other:?}"),
    };
    let PredictModule::React { tools, max_iters } = module("a") else {
        panic!()
    };
    assert_eq!(
        (tools.len(), max_iters),
        (2, 20),
        "DSPy's default max_iters"
    );
    assert!(matches!(
        module("b"),
        PredictModule::React { max_iters: 5, .. }
    ));
}

#[test]
fn llm_prompts_and_messages() {
    let out = lower(&with_steps(
        "  - {id: a, kind: llm, prompt: \"Summarise {{ inputs.doc }}\", provider: anthropic, model_name: claude-x}
  - id: b
    kind: llm
    messages:
      - {role: system, content: Be brief.}
      - {role: user, content: \"{{ inputs.doc }}\"}
  - {id: c, kind: llm}
  - {id: d, kind: llm, prompt: p, messages: []}
  - {id: e, kind: llm, messages: [{role: robot, content: x}, {content: y}], provider: openia}
  - {id: f, kind: claude_smart, prompt: p}
  - {id: g, kind: gemini_instructor, prompt: p}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0103, 10),
            (Code::P0107, 11),
            (Code::P0107, 12),
            (Code::P0103, 12),
            (Code::P0107, 12)
        ]
    );
    assert_eq!(out.diagnostics[0].message, "step `c` is missing `prompt`");
    assert_eq!(
        out.diagnostics[1].message,
        "step `d` has both `prompt` and `messages`"
    );
    assert_eq!(out.at(out.diagnostics[1].primary.span), "messages");
    assert_eq!(out.at(out.diagnostics[1].labels[0].span), "prompt");
    assert_eq!(
        out.diagnostics[2].help.as_deref(),
        Some("expected one of `system`, `user` or `assistant`")
    );
    assert_eq!(
        out.diagnostics[4].help.as_deref(),
        Some("did you mean `openai`?")
    );
    let llm = |id: &str| match &out.step(id).kind {
        StepKind::Llm {
            provider,
            prompt,
            calls,
        } => (provider.clone(), prompt.clone(), *calls),
        other => panic!("{other:?}"),
    };
    let (provider, prompt, calls) = llm("a");
    assert_eq!(
        (provider.as_deref(), prompt.len(), calls),
        (Some("anthropic"), 1, 1)
    );
    let PromptPart::Text(text) = &prompt[0] else {
        panic!()
    };
    assert_eq!(out.at(text.span), "\"Summarise {{ inputs.doc }}\"");
    let (provider, prompt, _) = llm("b");
    assert_eq!(provider, None);
    let roles: Vec<&str> = prompt
        .iter()
        .map(|p| {
            if let PromptPart::Message { role, .. } = p {
                role.text.as_str()
            } else {
                "?"
            }
        })
        .collect();
    assert_eq!(roles, ["system", "user"]);
    assert_eq!(llm("f").0.as_deref(), Some("anthropic"));
    assert_eq!(llm("g").0.as_deref(), Some("gemini"));
    assert_eq!(out.step("f").type_name.text, "claude_smart");
}

/// Needs the expression parser (`input`, `where`).
#[test]
fn transform_steps() {
    let out = lower(&with_steps(
        "  - id: clean
    kind: transform
    input: \"{{ steps.fetch.items }}\"
    ops:
      - {op: filter, where: \"item.score > 3\"}
      - {op: map, field: title}
      - {op: sort, field: score, order: desc}
      - {op: take, count: 10}
      - {op: flatten}
  - id: bad
    kind: transform
    input: steps.fetch.items
    ops:
      - {op: filtr, where: x}
      - {op: take, order: asc}
      - {op: sort, order: up}
      - {field: x}
  - {id: none, kind: transform}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 17),
            (Code::P0103, 18),
            (Code::P0101, 18),
            (Code::P0107, 19),
            (Code::P0103, 20),
            (Code::P0103, 21),
            (Code::P0103, 21)
        ]
    );
    assert_eq!(
        out.diagnostics[0].help.as_deref(),
        Some("did you mean `filter`?")
    );
    assert_eq!(
        out.diagnostics[1].message,
        "`take` operation is missing `count`"
    );
    assert_eq!(
        out.diagnostics[2].message,
        "key `order` does not apply to `take` operations"
    );
    assert_eq!(
        out.diagnostics[2].help.as_deref(),
        Some("`order` is a key of `sort` operations")
    );
    let StepKind::Transform { input, ops, .. } = &out.step("clean").kind else {
        panic!()
    };
    assert!(input.is_some());
    let names: Vec<&str> = ops.iter().map(|o| o.operation.text.as_str()).collect();
    assert_eq!(names, ["filter", "map", "sort", "take", "flatten"]);
    assert!(ops[0].condition.is_some());
    assert_eq!(
        ops[1].field.as_ref().map(|f| f.text.as_str()),
        Some("title")
    );
}

/// Needs the expression parser (`when`).
#[test]
fn branch_steps() {
    let out = lower(&with_steps(
        "  - id: route
    kind: switch
    cases:
      - when: \"inputs.kind == 'bug'\"
        steps:
          - {id: bug, kind: llm, prompt: p}
      - steps:
          - {id: other, kind: llm, prompt: p}
      - {when: \"true\", steps: []}
    default:
      - {id: fallback, kind: llm, prompt: p}
  - {id: empty, kind: branch, cases: []}
  - {id: missing, kind: branch}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0103, 10),
            (Code::P0112, 12),
            (Code::P0107, 15),
            (Code::P0103, 16)
        ]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "case 2 of step `route` is missing `when`"
    );
    assert_eq!(
        out.diagnostics[1].message,
        "case 3 of step `route` has no steps"
    );
    let StepKind::Branch { cases, default } = &out.step("route").kind else {
        panic!()
    };
    assert_eq!((cases.len(), default.len()), (3, 1));
    assert_eq!(out.step("route").type_name.text, "switch");
    assert_eq!(out.step("fallback").id.text, "fallback");
}

/// Needs the expression parser (`over`).
#[test]
fn map_steps() {
    let out = lower(&with_steps(
        "  - id: each
    kind: map
    over: steps.analyze.issues
    as: issue
    max_items: 20
    max_parallel: 4
    steps:
      - {id: fix, kind: llm, prompt: \"{{ issue.title }}\"}
  - id: plain
    kind: map
    over: inputs.xs
    steps:
      - {id: p, kind: llm, prompt: p}
  - {id: bad, kind: map, as: \"my item\", max_items: 0, max_parallel: -2, steps: []}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0103, 17),
            (Code::P0107, 17),
            (Code::P0107, 17),
            (Code::P0107, 17),
            (Code::P0112, 17)
        ]
    );
    assert_eq!(out.diagnostics[0].message, "step `bad` is missing `over`");
    assert_eq!(out.diagnostics[4].message, "map step `bad` has no steps");
    let StepKind::Map {
        over,
        item,
        max_items,
        max_parallel,
        steps,
    } = &out.step("each").kind
    else {
        panic!()
    };
    assert!(over.is_some());
    assert_eq!((item.text.as_str(), out.at(item.span)), ("issue", "issue"));
    let Some(Bound {
        value: 20,
        span: Some(span),
    }) = max_items
    else {
        panic!("{max_items:?}")
    };
    assert_eq!(out.at(*span), "20");
    assert_eq!((*max_parallel, steps.len()), (Some(4), 1));
    // Without `as`, the variable is `item`, pointing at `over`; a missing `max_items` is
    // left for the limits pass.
    let StepKind::Map {
        item, max_items, ..
    } = &out.step("plain").kind
    else {
        panic!()
    };
    assert_eq!(
        (item.text.as_str(), out.at(item.span)),
        ("item", "inputs.xs")
    );
    assert_eq!(*max_items, None);
}

/// Needs the expression parser (`until`, `while`).
#[test]
fn loop_steps() {
    let out = lower(&with_steps(
        "  - id: refine
    kind: loop
    until: steps.check.ok
    max_iterations: 3
    steps:
      - {id: check, kind: llm, prompt: p}
  - {id: w, kind: loop, while: \"true\", steps: [{id: x, kind: llm, prompt: p}]}
  - {id: both, kind: loop, until: a, while: b, max_iterations: 0, steps: [{id: y, kind: llm, prompt: p}]}
  - {id: neither, kind: loop, steps: [{id: z, kind: llm, prompt: p}]}
  - {id: nobody, kind: loop, until: \"true\"}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 11),
            (Code::P0107, 11),
            (Code::P0103, 12),
            (Code::P0103, 13)
        ]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "step `both` has both `until` and `while`"
    );
    assert_eq!(
        out.diagnostics[3].message,
        "loop step `nobody` is missing `steps`"
    );
    let StepKind::Loop {
        condition,
        max_iterations,
        steps,
    } = &out.step("refine").kind
    else {
        panic!()
    };
    assert!(matches!(condition, Some(LoopCondition::Until(_))));
    assert_eq!(max_iterations.map(|b| b.value), Some(3));
    assert_eq!(steps.len(), 1);
    let StepKind::Loop {
        condition,
        max_iterations,
        ..
    } = &out.step("w").kind
    else {
        panic!()
    };
    assert!(matches!(condition, Some(LoopCondition::While(_))));
    assert_eq!(
        *max_iterations, None,
        "a missing bound is left for the limits pass"
    );
}

#[test]
fn pipeline_steps() {
    let out = lower(&with_steps(
        "  - {id: file, kind: pipeline, file: summarize.pipec.yaml, with: {text: \"{{ inputs.doc }}\"}}
  - id: inline
    kind: pipeline
    pipeline:
      name: inner
      inputs: {text: str}
      steps:
        - {id: s, kind: llm, prompt: p}
  - {id: both, kind: pipeline, file: a.yaml, pipeline: {steps: [{id: t, kind: llm, prompt: p}]}}
  - {id: neither, kind: pipeline}
  - {id: broken, kind: pipeline, pipeline: {pipec: 2, stepz: []}}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 12),
            (Code::P0103, 13),
            (Code::P0103, 14),
            (Code::P0111, 14),
            (Code::P0101, 14)
        ]
    );
    assert_eq!(
        out.diagnostics[4].message,
        "unknown key `stepz` in the inline pipeline of step `broken`"
    );
    let StepKind::Pipeline {
        source: PipelineSource::File(path),
        inputs,
    } = &out.step("file").kind
    else {
        panic!()
    };
    assert_eq!(
        (path.text.as_str(), inputs.len()),
        ("summarize.pipec.yaml", 1)
    );
    let StepKind::Pipeline {
        source: PipelineSource::Inline(inner),
        ..
    } = &out.step("inline").kind
    else {
        panic!()
    };
    assert_eq!(
        (
            inner.name.text.as_str(),
            inner.inputs.len(),
            inner.steps.len()
        ),
        ("inner", 1, 1)
    );
    assert!(
        out.pipeline().steps.iter().all(|s| s.id.text != "neither"),
        "a pipeline step without a source is left out"
    );
}

#[test]
fn set_steps() {
    let out = lower(&with_steps(
        "  - {id: vars, kind: set, vars: {attempt: \"{{ 1 }}\", label: done, n: 3}}
  - {id: bad, kind: set, vars: {\"my var\": 1}}
  - {id: none, kind: set}
",
    ));
    assert_eq!(out.codes(), [(Code::P0107, 5), (Code::P0103, 6)]);
    let StepKind::Set { vars } = &out.step("vars").kind else {
        panic!()
    };
    assert_eq!(
        vars.iter()
            .map(|b| b.name.text.as_str())
            .collect::<Vec<_>>(),
        ["attempt", "label", "n"]
    );
    assert_eq!(out.at(vars[2].value.span), "3");
}

#[test]
fn clean_llm_only_file() {
    let out = clean(&with_steps("  - {id: a, kind: llm, prompt: hi}\n"));
    assert_eq!(out.pipeline().steps.len(), 1);
}
