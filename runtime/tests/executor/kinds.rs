//! What each step kind does: map bounds and order, loops, branches, `when`, `set`,
//! `transform`, sub-pipelines (inline and by file), chain of thought.

use std::time::{Duration, Instant};

use pipec_diagnostics::Code;
use pipec_fake_provider::Config;
use serde_json::json;

use pipec_runtime::checkpoint::CheckpointStore;

use crate::common::{harness, only_error, program, program_of, run, server};

const HEADER: &str = "pipec: 1\nname: t\nmodels: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50}}\ndefaults: {model: m}\n";

fn map_pipeline(max_items: u32, max_parallel: u32) -> String {
    format!(
        "{HEADER}inputs: {{xs: \"list[str]\"}}
steps:
  - id: each
    kind: map
    over: inputs.xs
    as: x
    max_items: {max_items}
    max_parallel: {max_parallel}
    steps:
      - {{id: echo, kind: llm, prompt: \"item {{{{ x }}}} at {{{{ loop.index }}}}\"}}
outputs: {{all: steps.each}}
"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_runs_at_most_max_parallel_items_at_once_and_keeps_their_order() {
    let server = server(Config {
        latency_ms: 100,
        ..Config::default()
    })
    .await;
    let program = program(&map_pipeline(10, 2));
    let h = harness(&server);
    let started = Instant::now();
    let outcome = run(
        &program,
        &h.config,
        "r",
        json!({"xs": ["a", "b", "c", "d", "e", "f"]}),
    )
    .await
    .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    let stats = server.stats();
    assert_eq!(stats.requests, 6);
    assert_eq!(stats.max_in_flight, 2);
    assert_eq!(outcome.outputs["all"].as_array().unwrap().len(), 6);
    // Each item ran under its own key, in item order.
    let keys: Vec<String> = h
        .store
        .load("r")
        .unwrap()
        .unwrap()
        .1
        .into_iter()
        .map(|s| s.key)
        .filter(|k| k.starts_with("each["))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        (0..6)
            .map(|i| format!("each[{i}]/echo"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_list_longer_than_max_items_stops_before_any_call() {
    let server = server(Config::default()).await;
    let program = program(&map_pipeline(2, 2));
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({"xs": ["a", "b", "c"]}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0716);
    assert!(
        error.message.contains("3 items; `max_items` is 2"),
        "{}",
        error.message
    );
    assert_eq!(error.step.as_deref(), Some("each"));
    assert_eq!(server.stats().requests, 0);
}

const COUNTER: &str = "pipec: 1
name: counter
steps:
  - {id: init, kind: set, vars: {n: \"{{ 0 }}\"}}
  - id: count
    kind: loop
    CONDITION
    max_iterations: 4
    steps:
      - {id: bump, kind: set, vars: {n: \"{{ vars.n + 1 }}\", at: \"{{ loop.iteration }}\"}}
outputs: {n: steps.count.n, at: steps.count.at}
";

#[tokio::test]
async fn loops_stop_on_until_on_while_and_at_max_iterations() {
    let server = server(Config::default()).await;
    for (condition, n) in [
        ("until: \"vars.n >= 3\"", 3),
        ("while: \"vars.n < 2\"", 2),
        ("until: \"vars.n > 100\"", 4),
    ] {
        let program = program(&COUNTER.replace("CONDITION", condition));
        let h = harness(&server);
        let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
        assert_eq!(outcome.outputs["n"], json!(n), "{condition}");
        assert_eq!(outcome.outputs["at"], json!(n), "{condition}");
    }
}

#[tokio::test]
async fn a_branch_runs_the_first_case_that_holds_or_the_default() {
    let server = server(Config::default()).await;
    let program = program(
        "pipec: 1
name: sizes
inputs: {x: int}
steps:
  - id: route
    kind: branch
    cases:
      - when: \"inputs.x > 10\"
        steps: [{id: big, kind: set, vars: {size: big}}]
      - when: \"inputs.x > 5\"
        steps: [{id: mid, kind: set, vars: {size: medium}}]
    default: [{id: small, kind: set, vars: {size: small}}]
outputs: {size: steps.route.size}
",
    );
    let h = harness(&server);
    for (x, size) in [(20, "big"), (7, "medium"), (1, "small")] {
        let outcome = run(&program, &h.config, &format!("r{x}"), json!({"x": x}))
            .await
            .unwrap();
        assert_eq!(outcome.outputs["size"], json!(size));
    }
}

#[tokio::test]
async fn a_step_whose_when_is_false_is_skipped_with_a_null_result() {
    let server = server(Config::default()).await;
    let program = program(&format!(
        "{HEADER}inputs: {{flag: bool}}
steps:
  - {{id: ask, kind: llm, prompt: hello, when: inputs.flag}}
  - {{id: after, kind: set, vars: {{seen: \"{{{{ steps.ask }}}}\"}}}}
outputs: {{ask: steps.ask, seen: steps.after.seen}}
"
    ));
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({"flag": false}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["ask"], json!(null));
    assert_eq!(outcome.outputs["seen"], json!(null));
    assert_eq!(server.stats().requests, 0);
    let steps = h.store.load("r").unwrap().unwrap().1;
    assert_eq!(steps[0].key, "ask");
    assert_eq!(steps[0].status, "skipped");
    run(&program, &h.config, "r2", json!({"flag": true}))
        .await
        .unwrap();
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn an_output_through_a_skipped_step_is_null() {
    let server = server(Config::default()).await;
    let program = program(&format!(
        "{HEADER}inputs: {{flag: bool}}
steps:
  - {{id: plan, kind: predict, signature: \"q -> steps: list[str]\", with: {{q: hi}}, when: inputs.flag}}
outputs: {{plan: steps.plan.steps}}
"
    ));
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({"flag": false}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["plan"], json!(null));
    let outcome = run(&program, &h.config, "r2", json!({"flag": true}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["plan"], json!(["example"]));
}

#[tokio::test]
async fn transform_operations() {
    let server = server(Config::default()).await;
    let program = program(
        "pipec: 1
name: data
inputs:
  items: \"list[dict[str, Any]]\"
  extra: \"list[dict[str, Any]]\"
  nested: \"list[list[int]]\"
steps:
  - id: top
    kind: transform
    input: inputs.items
    ops:
      - {op: filter, where: \"item.score > 1\"}
      - {op: sort, field: score, order: desc}
      - {op: take, count: 2}
      - {op: map, field: name}
  - {id: groups, kind: transform, input: inputs.items, ops: [{op: group_by, field: kind}]}
  - {id: total, kind: transform, input: inputs.items, ops: [{op: aggregate, field: score, function: sum}]}
  - {id: mean, kind: transform, input: inputs.items, ops: [{op: aggregate, field: score, function: average}]}
  - {id: kinds, kind: transform, input: inputs.items, ops: [{op: pluck, field: kind}, {op: unique}]}
  - {id: joined, kind: transform, input: inputs.items, ops: [{op: join, source: inputs.extra, field: name}, {op: take, count: 1}]}
  - {id: flat, kind: transform, input: inputs.nested, ops: [{op: flatten}]}
outputs:
  top: steps.top
  groups: steps.groups
  total: steps.total
  mean: steps.mean
  kinds: steps.kinds
  joined: steps.joined
  flat: steps.flat
",
    );
    let h = harness(&server);
    let outcome = run(
        &program,
        &h.config,
        "r",
        json!({
            "items": [
                {"name": "a", "score": 1, "kind": "x"},
                {"name": "b", "score": 5, "kind": "y"},
                {"name": "c", "score": 3, "kind": "x"},
                {"name": "d", "score": 2, "kind": "y"}
            ],
            "extra": [{"name": "a", "tag": "first"}],
            "nested": [[1, 2], [3]]
        }),
    )
    .await
    .unwrap();
    let o = &outcome.outputs;
    assert_eq!(o["top"], json!(["b", "c"]));
    assert_eq!(o["groups"]["x"].as_array().unwrap().len(), 2);
    assert_eq!(o["total"], json!(11));
    assert_eq!(o["mean"], json!(2.75));
    assert_eq!(o["kinds"], json!(["x", "y"]));
    assert_eq!(
        o["joined"],
        json!([{"name": "a", "score": 1, "kind": "x", "tag": "first"}])
    );
    assert_eq!(o["flat"], json!([1, 2, 3]));
}

#[tokio::test]
async fn a_transform_on_something_else_than_a_list_is_p0716() {
    let server = server(Config::default()).await;
    let program = program(
        "pipec: 1\nname: bad\ninputs: {x: Any}\nsteps:\n  - {id: t, kind: transform, input: inputs.x, ops: [{op: take, count: 1}]}\noutputs: {t: steps.t}\n",
    );
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({"x": "text"}))
        .await
        .unwrap_err();
    assert_eq!(only_error(&failure).code, Code::P0716);
}

#[tokio::test]
async fn sub_pipelines_inline_and_by_file_run_with_their_own_models() {
    let server = server(Config::default()).await;
    let main = format!(
        "{HEADER}inputs: {{doc: str}}
steps:
  - id: inline
    kind: pipeline
    pipeline:
      inputs: {{text: str}}
      steps:
        - {{id: shorten, kind: set, vars: {{short: \"short {{{{ inputs.text }}}}\"}}}}
      outputs: {{short: steps.shorten.short}}
    with: {{text: \"{{{{ inputs.doc }}}}\"}}
  - id: called
    kind: pipeline
    file: sub/summarize.yaml
    with: {{text: \"{{{{ steps.inline.short }}}}\"}}
outputs: {{short: steps.inline.short, summary: steps.called.summary}}
"
    );
    let sub = "pipec: 1
name: summarize
inputs: {text: str, style: {type: str, default: terse}}
models: {own: {provider: anthropic, model: claude-x, max_tokens: 64}}
steps:
  - {id: s, kind: predict, model: own, signature: \"text, style -> summary\", with: {text: \"{{ inputs.text }}\", style: \"{{ inputs.style }}\"}}
outputs: {summary: steps.s.summary}
";
    let program = program_of(&[("main.yaml", &main), ("sub/summarize.yaml", sub)]);
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({"doc": "D"}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["short"], json!("short D"));
    assert_eq!(outcome.outputs["summary"], json!("example summary"));
    let stats = server.stats();
    assert_eq!((stats.requests, stats.by_format.anthropic), (1, 1));
    let keys: Vec<String> = h
        .store
        .load("r")
        .unwrap()
        .unwrap()
        .1
        .into_iter()
        .map(|s| s.key)
        .collect();
    assert!(keys.contains(&"called/s".to_owned()), "{keys:?}");
    assert!(keys.contains(&"inline/shorten".to_owned()), "{keys:?}");
}

#[tokio::test]
async fn chain_of_thought_adds_reasoning_first() {
    let server = server(Config::default()).await;
    let program = program(&format!(
        "{HEADER}steps:\n  - {{id: think, kind: chain_of_thought, signature: \"q -> a: int\", with: {{q: hi}}}}\noutputs: {{r: steps.think.reasoning, a: steps.think.a}}\n"
    ));
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
    assert_eq!(outcome.outputs["r"], json!("example reasoning"));
    assert_eq!(outcome.outputs["a"], json!(1));
    let request = &server.requests()[0];
    let system = request.body["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("1. `reasoning` (str)\n2. `a` (int)")
            || system.contains("1. `reasoning` (str): \n2. `a` (int)"),
        "{system}"
    );
    assert!(
        system.contains("Given the fields `q`, produce the fields `a`."),
        "{system}"
    );
}

#[tokio::test]
async fn react_steps_are_not_runnable_yet() {
    let server = server(Config::default()).await;
    let program = program(&format!(
        "{HEADER}steps:\n  - {{id: agent, kind: react, signature: \"q -> a\", with: {{q: hi}}, tools: [search]}}\noutputs: {{a: steps.agent.a}}\n"
    ));
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({})).await.unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0711);
    assert_eq!(error.step.as_deref(), Some("agent"));
}

#[tokio::test]
async fn an_expression_that_fails_at_run_time_is_p0710() {
    let server = server(Config::default()).await;
    let program = program(&format!(
        "{HEADER}inputs: {{results: \"list[str]\"}}\nsteps:\n  - {{id: answer, kind: llm, prompt: \"best: {{{{ inputs.results[0] }}}}\"}}\noutputs: {{a: steps.answer}}\n"
    ));
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({"results": []}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0710);
    assert_eq!(error.step.as_deref(), Some("answer"));
    assert!(
        error
            .message
            .contains("has 0 items; index 0 is out of range"),
        "{}",
        error.message
    );
    assert_eq!(server.stats().requests, 0);
}

#[tokio::test]
async fn a_model_calling_step_without_a_model_is_p0712_before_any_call() {
    let server = server(Config::default()).await;
    let program = program(
        "pipec: 1
name: t
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50}}
steps:
  - {id: first, kind: llm, model: m, prompt: one}
  - {id: second, kind: llm, prompt: \"two {{ steps.first }}\"}
outputs: {s: steps.second}
",
    );
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({})).await.unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0712);
    assert_eq!(error.step.as_deref(), Some("second"));
    assert_eq!(server.stats().requests, 0);
}
