//! Unit tests of the pipeline_ex lowering: small workflows through the real YAML front-end
//! and [`crate::lower::lower_document`], asserting on the IR shape and on the codes, lines
//! and severities of what is reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use pipec_diagnostics::{Diagnostic, FileId, Severity, SourceFile};
use pipec_syntax::expr::{ExprKind, Segment, TemplatePart};

use crate::ir::{Condition, LoopCondition, Pipeline, PipelineSource, PromptPart, Step, StepKind};

/// Lower `text`; the YAML itself must be clean.
fn lower(text: &str) -> (Option<Pipeline>, Vec<Diagnostic>) {
    let parsed = pipec_syntax::parse_yaml(FileId(0), text);
    assert!(
        parsed.diagnostics.is_empty(),
        "YAML problems: {:?}",
        parsed.diagnostics
    );
    let doc = parsed.document.expect("a document");
    let lowered = crate::lower::lower_document(&doc, text);
    (lowered.pipeline, lowered.diagnostics.into_sorted())
}

/// `(code, line)` of every diagnostic.
fn codes(text: &str) -> Vec<(&'static str, u32)> {
    let file = SourceFile::new("t", text);
    lower(text)
        .1
        .iter()
        .map(|d| (d.code.info().id, file.line_col(d.primary.span.start).line))
        .collect()
}

/// The pipeline, asserting that nothing at all was reported.
fn clean(text: &str) -> Pipeline {
    let (pipeline, diagnostics) = lower(text);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        diagnostics
            .iter()
            .map(|d| (d.code, &d.message))
            .collect::<Vec<_>>()
    );
    pipeline.expect("a pipeline")
}

fn one(text: &str, code: &str) -> Diagnostic {
    let (_, diagnostics) = lower(text);
    let hits: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code.info().id == code)
        .cloned()
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one {code}: {:#?}",
        diagnostics
            .iter()
            .map(|d| (d.code, &d.message))
            .collect::<Vec<_>>()
    );
    hits.into_iter().next().unwrap()
}

fn snippet(text: &str, range: std::ops::Range<u32>) -> &str {
    &text[range.start as usize..range.end as usize]
}

fn workflow(steps: &str) -> String {
    format!("workflow:\n  name: t\n  steps:\n{steps}")
}

const GEMINI_STEP: &str = "    - name: ask\n      type: gemini\n      prompt:\n        - type: static\n          content: \"Hi\"\n";

#[test]
fn minimal_workflow() {
    let text = workflow(GEMINI_STEP);
    let p = clean(&text);
    assert_eq!(p.name.text, "t");
    assert_eq!(p.dialect, crate::Dialect::PipelineEx);
    assert_eq!(p.steps.len(), 1);
    let step = &p.steps[0];
    assert_eq!(step.id.text, "ask");
    assert_eq!(step.type_name.text, "gemini");
    assert_eq!(step.max_attempts, 1);
    match &step.kind {
        StepKind::Llm {
            provider,
            prompt,
            calls,
        } => {
            assert_eq!(provider.as_deref(), Some("gemini"));
            assert_eq!(*calls, 1);
            assert!(matches!(prompt.as_slice(), [PromptPart::Text(_)]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn workflow_structure_errors() {
    assert_eq!(codes("workflow: 3\n"), vec![("P0100", 1)]);
    assert_eq!(
        codes("workflow:\n  steps: []\n"),
        vec![("P0103", 2), ("P0112", 2)]
    );
    assert_eq!(codes("workflow:\n  name: x\n"), vec![("P0103", 2)]);
    assert_eq!(
        codes("workflow:\n  name: x\n  steps: {a: 1}\n"),
        vec![("P0104", 3)]
    );
    // Other root keys are ignored by pipeline_ex.
    let text = format!("extra: 1\n{}", workflow(GEMINI_STEP));
    assert_eq!(codes(&text), vec![("P0102", 1)]);
}

#[test]
fn workflow_level_keys() {
    let text = "workflow:\n  name: t\n  version: 2\n  metadata: {a: 1}\n  hooks: {}\n  enable_skills: true\n  input: {x: 1}\n  global_vars: {a: 1, b: 2}\n  defaults:\n    output_dir: out\n    gemini_model: m\n    claude_model: c\n  steps:\n"
        .to_owned()
        + GEMINI_STEP;
    assert_eq!(
        codes(&text),
        vec![
            ("P0109", 5),
            ("P0109", 6),
            ("P0102", 7),
            ("P0109", 11),
            ("P0109", 12)
        ]
    );
    let hooks = one(&text, "P0102");
    assert!(hooks.help.unwrap().contains("inputs"));
    let (p, _) = lower(&text);
    let globals: Vec<_> = p.unwrap().globals.into_iter().map(|g| g.text).collect();
    assert_eq!(globals, ["a", "b"]);
}

#[test]
fn unknown_and_unimplemented_types() {
    let text = workflow(&format!(
        "{GEMINI_STEP}    - name: b\n      type: cluade\n    - name: c\n      type: switch\n    - name: d\n      type: gemini\n      prompt: []\n"
    ));
    assert_eq!(codes(&text), vec![("P0106", 10), ("P0115", 12)]);
    assert_eq!(
        one(&text, "P0106").help.as_deref(),
        Some("did you mean `claude`?")
    );
    let (p, _) = lower(&text);
    let ids: Vec<_> = p.unwrap().steps.iter().map(|s| s.id.text.clone()).collect();
    assert_eq!(ids, ["ask", "d"]);
}

#[test]
fn missing_name_and_type() {
    let text = workflow("    - type: gemini\n      prompt: []\n    - name: x\n");
    assert_eq!(codes(&text), vec![("P0103", 4), ("P0103", 6)]);
}

#[test]
fn options_typo_hint() {
    let text = workflow(
        "    - name: s\n      type: claude_smart\n      options: {max_turns: 2}\n      prompt: [{type: static, content: x}]\n",
    );
    let d = one(&text, "P0102");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        snippet(&text, d.primary.span.start..d.primary.span.end),
        "options"
    );
    assert!(d.help.unwrap().contains("claude_options"));
}

#[test]
fn misspelled_key_did_you_mean() {
    let text = workflow(
        "    - name: s\n      type: claude\n      claude_option: {}\n      prompt: [{type: static, content: x}]\n",
    );
    assert_eq!(
        one(&text, "P0102").help.as_deref(),
        Some("did you mean `claude_options`?")
    );
}

#[test]
fn string_prompt_is_a_warning() {
    let text = workflow("    - name: s\n      type: claude\n      prompt: |\n        Hello\n");
    // Only the code: the front-end's span of a block scalar starts at its first content
    // line rather than at the `|`.
    let found: Vec<_> = lower(&text)
        .1
        .iter()
        .map(|d| (d.code.info().id, d.severity))
        .collect();
    assert_eq!(found, vec![("P0108", Severity::Warning)]);
    let (p, _) = lower(&text);
    let p = p.unwrap();
    let StepKind::Llm { prompt, .. } = &p.steps[0].kind else {
        panic!()
    };
    let [PromptPart::Text(t)] = prompt.as_slice() else {
        panic!("{prompt:?}")
    };
    assert_eq!(t.template.parts, vec![TemplatePart::Text("Hello\n".into())]);
}

#[test]
fn prompt_parts() {
    let text = workflow(
        "    - name: a\n      type: gemini\n      prompt: [{type: static, content: x}]\n    - name: s\n      type: claude\n      prompt:\n        - {type: file, path: f.md, encoding: utf8}\n        - {type: previous_response, step: a, extract: x.y, extract_with: content_extractor}\n        - {type: session_context, session_id: s, include_last_n: 3}\n        - {type: statik, content: x}\n        - {type: static}\n",
    );
    assert_eq!(
        codes(&text),
        vec![
            ("P0109", 10),
            ("P0109", 11),
            ("P0110", 12),
            ("P0107", 13),
            ("P0103", 14)
        ]
    );
    assert_eq!(
        one(&text, "P0107").help.as_deref(),
        Some("did you mean `static`?")
    );
    let (p, _) = lower(&text);
    let p = p.unwrap();
    let StepKind::Llm { prompt, .. } = &p.steps[1].kind else {
        panic!()
    };
    assert!(matches!(&prompt[0], PromptPart::File(_)));
    match &prompt[1] {
        PromptPart::PreviousResponse { step, extract } => {
            assert_eq!(step.text, "a");
            assert_eq!(extract.as_ref().unwrap().text, "x.y");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(prompt.len(), 2);
}

#[test]
fn session_without_prompt() {
    let text = workflow(
        "    - name: s\n      type: claude_session\n      conversation:\n        - turn: 1\n",
    );
    assert_eq!(codes(&text), vec![("P0103", 4), ("P0109", 6)]);
}

#[test]
fn duplicate_names() {
    let text = workflow(&format!("{GEMINI_STEP}{GEMINI_STEP}"));
    let d = one(&text, "P0105");
    assert_eq!(
        SourceFile::new("t", text.as_str())
            .line_col(d.primary.span.start)
            .line,
        9
    );
    assert_eq!(d.labels.len(), 1);
    assert_eq!(
        SourceFile::new("t", text.as_str())
            .line_col(d.labels[0].span.start)
            .line,
        4
    );
    // Different levels do not clash.
    let text = workflow(&format!(
        "{GEMINI_STEP}    - name: loop\n      type: while_loop\n      condition: \"ask.done == false\"\n      steps:\n        - {{name: ask, type: gemini, prompt: []}}\n"
    ));
    assert!(codes(&text).is_empty(), "{:?}", codes(&text));
}

#[test]
fn set_variable() {
    let text = workflow(
        "    - name: v\n      type: set_variable\n      scope: global\n      variables:\n        a: \"{{ steps.x.y }}\"\n        n: 3\n        l: [1, \"b {{ c }}\"]\n",
    );
    let p = clean(&text);
    let StepKind::Set { vars } = &p.steps[0].kind else {
        panic!()
    };
    let names: Vec<_> = vars.iter().map(|b| b.name.text.as_str()).collect();
    assert_eq!(names, ["a", "n", "l"]);
    assert_eq!(
        vars[1].value.template.parts,
        vec![TemplatePart::Text("3".into())]
    );
    // A list becomes JSON text that keeps its hole, with a file span.
    let parts = &vars[2].value.template.parts;
    assert_eq!(parts[0], TemplatePart::Text("[1, \"b ".into()));
    let TemplatePart::Expr { span, .. } = &parts[1] else {
        panic!("{parts:?}")
    };
    assert_eq!(snippet(&text, span.clone()), "{{ c }}");
    assert_eq!(parts[2], TemplatePart::Text("\"]".into()));

    let text = workflow(
        "    - name: v\n      type: set_variable\n      variable: x\n      value: []\n      scope: galaxy\n",
    );
    assert_eq!(codes(&text), vec![("P0110", 6), ("P0107", 8)]);
    assert!(
        one(&text, "P0110")
            .help
            .unwrap()
            .contains("variables: {x: []}")
    );
}

#[test]
fn for_loop() {
    let text = workflow(
        "    - name: l\n      type: for_loop\n      iterator: item\n      data_source: \"gen:result.items\"\n      parallel: true\n      max_parallel: 20\n      steps:\n        - name: t\n          type: data_transform\n          input_source: gen\n",
    );
    assert_eq!(codes(&text), vec![("P0110", 9), ("P0116", 12)]);
    let (p, _) = lower(&text);
    let p = p.unwrap();
    let StepKind::Map {
        over,
        item,
        max_parallel,
        steps,
        max_items,
    } = &p.steps[0].kind
    else {
        panic!()
    };
    assert_eq!(item.text, "item");
    assert_eq!(*max_parallel, Some(10));
    assert_eq!(*max_items, None);
    assert_eq!(steps.len(), 1);
    let ExprKind::Path(path) = &over.as_ref().unwrap().kind else {
        panic!()
    };
    let names: Vec<_> = path.segments.iter().map(|s| s.name().unwrap()).collect();
    assert_eq!(names, ["gen", "result", "items"]);
    let spans: Vec<_> = path
        .segments
        .iter()
        .map(|s| snippet(&text, s.span()))
        .collect();
    assert_eq!(spans, ["gen", "result", "items"]);

    // Sequential by default; max_parallel alone has no effect.
    let text = workflow(
        "    - name: l\n      type: for_loop\n      iterator: item\n      data_source: xs\n      max_parallel: 3\n      steps: []\n",
    );
    // `max_parallel` without `parallel: true`, and the empty body.
    assert_eq!(codes(&text), vec![("P0110", 8), ("P0110", 9)]);
    let (p, _) = lower(&text);
    let StepKind::Map { max_parallel, .. } = &p.unwrap().steps[0].kind else {
        panic!()
    };
    assert_eq!(*max_parallel, Some(1));

    let text = workflow("    - name: l\n      type: for_loop\n");
    assert_eq!(codes(&text), vec![("P0103", 4), ("P0103", 4), ("P0103", 4)]);
}

#[test]
fn loop_sources_by_grammar() {
    let text = workflow(
        "    - name: l\n      type: for_loop\n      iterator: i\n      data_source: \"previous_response:gen:items\"\n      steps: []\n",
    );
    let d = one(&text, "P0201");
    assert_eq!(d.help.as_deref(), Some("write `gen:items`"));
    let text =
        workflow("    - name: t\n      type: data_transform\n      input_source: \"gen:items\"\n");
    assert_eq!(
        one(&text, "P0201").help.as_deref(),
        Some("write `previous_response:gen:items`")
    );
    let text = workflow(
        "    - name: t\n      type: data_transform\n      input_source: \"previous_response:gen:a.b\"\n",
    );
    let p = clean(&text);
    let StepKind::Transform { input, ops, .. } = &p.steps[0].kind else {
        panic!()
    };
    assert!(ops.is_empty());
    let ExprKind::Path(path) = &input.as_ref().unwrap().kind else {
        panic!()
    };
    assert_eq!(path.display(), "gen.a.b");
    let text =
        workflow("    - name: t\n      type: data_transform\n      input_source: \"a::b\"\n");
    assert_eq!(codes(&text), vec![("P0107", 6)]);
    let text = workflow(
        "    - name: t\n      type: data_transform\n      input_source: \"context:x.0\"\n",
    );
    let p = clean(&text);
    let StepKind::Transform { input, .. } = &p.steps[0].kind else {
        panic!()
    };
    let ExprKind::Path(path) = &input.as_ref().unwrap().kind else {
        panic!()
    };
    assert!(
        matches!(path.segments.as_slice(), [Segment::Field(c), Segment::Field(_), Segment::Index(0, _)] if c.name == "context")
    );
}

#[test]
fn while_loop() {
    let text = workflow(
        "    - name: w\n      type: while_loop\n      condition: \"a.score < 8\"\n      steps:\n        - name: a\n          type: gemini\n          prompt: [{type: static, content: x}]\n",
    );
    let p = clean(&text);
    let step: &Step = &p.steps[0];
    assert!(step.when.is_none());
    let StepKind::Loop {
        condition,
        max_iterations,
        steps,
    } = &step.kind
    else {
        panic!()
    };
    assert!(matches!(
        condition,
        Some(LoopCondition::While(Condition::Expr(_)))
    ));
    assert_eq!(max_iterations.unwrap().value, 100);
    assert!(max_iterations.unwrap().span.is_none());
    assert_eq!(steps.len(), 1);

    let text = workflow(
        "    - name: w\n      type: while_loop\n      condition: {and: [\"a\", \"b\"]}\n      max_iterations: 5000\n      timeout_seconds: 10\n      steps: []\n",
    );
    assert_eq!(
        codes(&text),
        vec![("P0104", 6), ("P0110", 7), ("P0109", 8), ("P0110", 9)]
    );
    let (p, _) = lower(&text);
    let StepKind::Loop { max_iterations, .. } = &p.unwrap().steps[0].kind else {
        panic!()
    };
    assert_eq!(max_iterations.unwrap().value, 1000);

    let text = workflow(
        "    - name: w\n      type: while_loop\n      condition: \"x\"\n      max_iterations: 0\n      steps: []\n",
    );
    assert_eq!(codes(&text), vec![("P0110", 7), ("P0110", 8)]);
}

#[test]
fn data_transform() {
    let text = workflow(
        "    - name: t\n      type: data_transform\n      input_source: \"previous_response:gen\"\n      operations:\n        - {operation: filter, field: status, condition: \"status == 'done'\"}\n        - {operation: join, left_field: uid, right_source: \"previous_response:users\", join_key: id}\n        - {operation: sort, field: total, order: descending}\n        - {operation: aggregate, field: total, function: mean}\n        - {operation: pivot}\n      output_format: json\n      lazy: {enabled: true}\n",
    );
    assert_eq!(
        codes(&text),
        vec![("P0110", 10), ("P0107", 11), ("P0107", 12)]
    );
    let (p, _) = lower(&text);
    let p = p.unwrap();
    let StepKind::Transform { ops, .. } = &p.steps[0].kind else {
        panic!()
    };
    let names: Vec<_> = ops.iter().map(|o| o.operation.text.as_str()).collect();
    assert_eq!(names, ["filter", "join", "sort", "aggregate"]);
    assert!(matches!(ops[0].condition, Some(Condition::Expr(_))));
    assert_eq!(ops[1].field.as_ref().unwrap().text, "uid");
    assert!(ops[1].source.is_some());
}

#[test]
fn data_transform_in_loop_is_not_allowed() {
    let text = workflow(
        "    - name: l\n      type: for_loop\n      iterator: i\n      data_source: xs\n      steps:\n        - {name: f, type: file_ops, operation: delete, path: x}\n        - {name: p, type: pipeline, pipeline_file: x.yaml}\n",
    );
    assert_eq!(codes(&text), vec![("P0116", 9), ("P0116", 10)]);
    assert_eq!(
        one(
            &text
                .replace("type: pipeline", "type: test_echo")
                .replace(", pipeline_file: x.yaml", ""),
            "P0116"
        )
        .severity,
        Severity::Warning
    );
}

#[test]
fn file_ops() {
    let text = workflow(
        "    - name: f\n      type: file_ops\n      operation: copy\n      source: a.txt\n      destination: \"out/{{ x }}.txt\"\n",
    );
    let p = clean(&text);
    let StepKind::FileOps { operation, paths } = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(operation.text, "copy");
    assert_eq!(paths.len(), 2);

    let text = workflow(
        "    - name: f\n      type: file_ops\n      operation: convert\n      source: a.xml\n      destination: a.json\n      format: xml_to_json\n      processor: upper\n",
    );
    assert_eq!(codes(&text), vec![("P0110", 9), ("P0102", 10)]);
    let text =
        workflow("    - name: f\n      type: file_ops\n      operation: copy\n      source: a\n");
    assert_eq!(codes(&text), vec![("P0103", 6)]);
    let text = workflow("    - name: f\n      type: file_ops\n      operation: zip\n");
    assert_eq!(codes(&text), vec![("P0107", 6)]);
}

#[test]
fn nested_pipelines() {
    let text = workflow(
        "    - name: n\n      type: pipeline\n      pipeline_file: ./sub.yaml\n      inputs:\n        a: \"{{ steps.x.y }}\"\n        b: 2\n      outputs: [r, {path: r.x, as: y}]\n      config: {max_depth: 3, timeout_seconds: 30}\n",
    );
    let p = clean(&text);
    let step = &p.steps[0];
    assert_eq!(step.timeout_s, Some(30.0));
    let StepKind::Pipeline { source, inputs } = &step.kind else {
        panic!()
    };
    assert!(matches!(source, PipelineSource::File(n) if n.text == "./sub.yaml"));
    assert_eq!(inputs.len(), 2);

    for inline in [
        "pipeline:\n        steps:\n",
        "pipeline:\n        workflow:\n          steps:\n  ",
    ] {
        let text = workflow(&format!(
            "    - name: n\n      type: pipeline\n      {inline}        - {{name: e, type: test_echo, value: x}}\n"
        ));
        let p = clean(&text);
        let StepKind::Pipeline {
            source: PipelineSource::Inline(sub),
            ..
        } = &p.steps[0].kind
        else {
            panic!()
        };
        assert_eq!(sub.name.text, "n");
        assert_eq!(sub.steps.len(), 1);
        assert!(matches!(
            sub.steps[0].kind,
            StepKind::Echo { value: Some(_) }
        ));
    }

    let text = workflow("    - name: n\n      type: pipeline\n      pipeline_ref: lib/x\n");
    assert_eq!(codes(&text), vec![("P0107", 6)]);
    let text = workflow("    - name: n\n      type: pipeline\n");
    assert_eq!(codes(&text), vec![("P0103", 4)]);
    let text = workflow("    - name: n\n      type: pipeline\n      pipeline: {name: x}\n");
    assert_eq!(codes(&text), vec![("P0103", 6)]);
}

#[test]
fn retries_and_timeouts() {
    let text = workflow(
        "    - name: r\n      type: claude_robust\n      prompt: [{type: static, content: x}]\n",
    );
    let p = clean(&text);
    assert_eq!(p.steps[0].max_attempts, 4);
    assert!(matches!(p.steps[0].kind, StepKind::Llm { calls: 4, .. }));

    let text = workflow(
        "    - name: r\n      type: claude_robust\n      retry_config: {max_retries: 1, fallback_action: cached_response}\n      claude_options: {timeout_ms: 5000, retry_config: {max_retries: 2, retry_on: [timeout]}}\n      prompt: [{type: static, content: x}]\n",
    );
    assert_eq!(codes(&text), vec![("P0110", 6)]);
    assert_eq!(
        one(&text, "P0110").help.as_deref(),
        Some("did you mean `use_cached_response`?")
    );
    let (p, _) = lower(&text);
    let step = &p.unwrap().steps[0];
    assert_eq!(step.max_attempts, 4);
    assert_eq!(step.timeout_s, Some(5.0));
    assert!(matches!(step.kind, StepKind::Llm { calls: 2, .. }));

    // ClaudeProvider (plain claude) does not forward timeout_ms.
    let text = workflow(
        "    - name: c\n      type: claude\n      claude_options: {timeout_ms: 5000, max_turns: 3}\n      prompt: [{type: static, content: x}]\n",
    );
    assert_eq!(codes(&text), vec![("P0110", 6)]);
    let (p, _) = lower(&text);
    assert_eq!(p.unwrap().steps[0].timeout_s, None);

    let text = workflow(
        "    - name: g\n      type: gemini\n      timeout_ms: 1500\n      prompt: [{type: static, content: x}]\n",
    );
    assert_eq!(clean(&text).steps[0].timeout_s, Some(1.5));
}

#[test]
fn claude_options_values() {
    let text = workflow(
        "    - name: c\n      type: claude_smart\n      preset: fast\n      claude_options:\n        max_turns: \"3\"\n        output_format: xml\n        permission_mode: accept_edits\n        print: false\n        async_streaming: true\n      prompt: [{type: static, content: x}]\n",
    );
    assert_eq!(
        codes(&text),
        vec![
            ("P0107", 6),
            ("P0104", 8),
            ("P0110", 9),
            ("P0102", 11),
            ("P0110", 12)
        ]
    );
}

#[test]
fn gemini_functions() {
    let text = "workflow:\n  name: t\n  gemini_functions:\n    analyze: {description: d, parameters: {type: object}}\n    broken: {parameters: 3}\n  steps:\n    - name: g\n      type: gemini\n      functions: [analyse, analyze]\n      token_budget: {max_output_tokens: 10, temperature: 0.5, max_input_tokens: 5}\n      prompt: [{type: static, content: x}]\n";
    assert_eq!(
        codes(text),
        vec![("P0103", 5), ("P0104", 5), ("P0107", 9), ("P0102", 10)]
    );
    assert_eq!(
        one(text, "P0107").help.as_deref(),
        Some("did you mean `analyze`?")
    );
}

#[test]
fn batches_and_parallel_tasks() {
    let text = workflow(
        "    - name: b\n      type: claude_batch\n      prompt: [{type: static, content: shared}]\n      batch_config: {max_parallel: 2}\n      tasks:\n        - {task_id: one, prompt: \"first\"}\n        - {file: a.md}\n        - {claude_options: {}}\n",
    );
    assert_eq!(codes(&text), vec![("P0103", 11)]);
    let (p, _) = lower(&text);
    let p = p.unwrap();
    let StepKind::Parallel { provider, tasks } = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(provider.as_deref(), Some("anthropic"));
    let ids: Vec<_> = tasks.iter().map(|t| t.id.text.as_str()).collect();
    assert_eq!(ids, ["one", "task_2", "task_3"]);
    assert_eq!(tasks[0].prompt.len(), 2);
    assert!(matches!(
        tasks[1].prompt.as_slice(),
        [PromptPart::Text(_), PromptPart::File(_)]
    ));

    let text = workflow("    - name: b\n      type: claude_batch\n");
    assert_eq!(codes(&text), vec![("P0103", 4)]);

    let text = workflow(
        "    - name: p\n      type: parallel_claude\n      parallel_tasks:\n        - id: a\n          prompt: [{type: static, content: x}]\n          claude_options: {max_turns: 2}\n        - prompt: [{type: static, content: y}]\n",
    );
    assert_eq!(codes(&text), vec![("P0103", 10)]);
    let (p, _) = lower(&text);
    let StepKind::Parallel { tasks, .. } = &p.unwrap().steps[0].kind else {
        panic!()
    };
    assert_eq!(tasks.len(), 1);
    let text = workflow("    - name: p\n      type: parallel_claude\n");
    assert_eq!(codes(&text), vec![("P0103", 4)]);
}

#[test]
fn echo_and_conditions() {
    let text = workflow(
        "    - name: e\n      type: test_echo\n      condition: \"a.ok == true\"\n      value: {k: \"{{ inputs.x }}\"}\n    - name: f\n      type: test_echo\n      condition: {or: [\"a.x > 1\", {not: \"a.y\"}]}\n      value: 42\n",
    );
    let p = clean(&text);
    assert!(matches!(p.steps[0].when, Some(Condition::Expr(_))));
    assert!(matches!(p.steps[1].when, Some(Condition::Any(..))));
    let StepKind::Echo { value: Some(value) } = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(
        value.template.parts[0],
        TemplatePart::Text("{\"k\": \"".into())
    );
    let StepKind::Echo { value: Some(value) } = &p.steps[1].kind else {
        panic!()
    };
    assert_eq!(value.template.parts, vec![TemplatePart::Text("42".into())]);
}

#[test]
fn output_schema_and_streaming() {
    let text = workflow(
        "    - name: s\n      type: claude\n      output_schema: {type: object}\n      streaming: {enabled: yes please}\n      prompt: [{type: static, content: x}]\n",
    );
    assert_eq!(codes(&text), vec![("P0109", 6), ("P0104", 7)]);
}
