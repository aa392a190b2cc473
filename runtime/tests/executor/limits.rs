//! Run-time limits: a call that would pass `max_llm_calls`, `max_tokens` or `max_cost_usd`
//! is not made (the server never sees it), and the run stops with P0707 naming the limit;
//! `limits.timeout` stops the run with P0708.
//!
//! `pipec check` already refuses pipelines whose worst case passes a limit, so these
//! programs are built with the limit errors (P05xx) allowed: the runtime must hold the
//! limits on its own too (generated crates, prompts longer than `max_input_tokens`).

use std::time::{Duration, Instant};

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::Code;
use pipec_fake_provider::Config;
use pipec_runtime::checkpoint::CheckpointStore;
use pipec_runtime::executor::Program;
use serde_json::json;

use crate::common::{harness, only_error, run, server};

/// A program whose only errors, if any, are limit errors.
fn over_limits(yaml: &str) -> Program {
    let result = check(
        vec![InputFile {
            name: "main.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
        }],
        &mut MemoryLoader::new(),
    );
    let others: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && !d.code.as_str().starts_with("P05"))
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(others.is_empty(), "{others:?}");
    Program::new(result.pipelines[0].1.clone().unwrap())
}

#[tokio::test]
async fn the_call_that_would_pass_max_llm_calls_is_not_made() {
    let server = server(Config::default()).await;
    let program = over_limits(
        "pipec: 1
name: t
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 20}}
defaults: {model: m}
limits: {max_llm_calls: 2}
steps:
  - {id: a, kind: llm, prompt: one}
  - {id: b, kind: llm, prompt: \"two {{ steps.a }}\"}
  - {id: c, kind: llm, prompt: \"three {{ steps.b }}\"}
outputs: {c: steps.c}
",
    );
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({})).await.unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0707);
    assert_eq!(error.step.as_deref(), Some("c"));
    assert!(
        error.message.contains("`max_llm_calls: 2`"),
        "{}",
        error.message
    );
    assert!(
        error.notes[0].contains("2 calls made, 0 in flight; this one would be call 3"),
        "{:?}",
        error.notes
    );
    assert_eq!(server.stats().requests, 2);
    // The finished steps are kept.
    let keys: Vec<String> = h
        .store
        .load("r")
        .unwrap()
        .unwrap()
        .1
        .into_iter()
        .map(|s| s.key)
        .collect();
    assert_eq!(keys, ["a", "b"]);
}

#[tokio::test]
async fn concurrent_calls_reserve_the_budget_before_they_go() {
    let server = server(Config {
        latency_ms: 100,
        ..Config::default()
    })
    .await;
    let program = over_limits(
        "pipec: 1
name: t
inputs: {xs: \"list[str]\"}
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 20}}
defaults: {model: m}
limits: {max_llm_calls: 2}
steps:
  - id: each
    kind: map
    over: inputs.xs
    max_items: 4
    max_parallel: 4
    steps:
      - {id: ask, kind: llm, prompt: \"{{ item }}\"}
outputs: {all: steps.each}
",
    );
    let h = harness(&server);
    let failure = run(
        &program,
        &h.config,
        "r",
        json!({"xs": ["a", "b", "c", "d"]}),
    )
    .await
    .unwrap_err();
    assert_eq!(only_error(&failure).code, Code::P0707);
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn a_prompt_whose_worst_case_passes_max_tokens_is_not_sent() {
    let server = server(Config::default()).await;
    let program = over_limits(
        "pipec: 1
name: t
inputs: {doc: str}
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 100}}
defaults: {model: m}
limits: {max_tokens: 300}
steps:
  - {id: a, kind: llm, prompt: \"{{ inputs.doc }}\"}
outputs: {a: steps.a}
",
    );
    let h = harness(&server);
    let long = "word ".repeat(400);
    let failure = run(&program, &h.config, "r", json!({"doc": long}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0707);
    assert!(
        error.message.contains("`max_tokens: 300`"),
        "{}",
        error.message
    );
    assert!(
        error.notes[0].contains("up to 600 (500 estimated prompt tokens"),
        "{:?}",
        error.notes
    );
    assert_eq!(server.stats().requests, 0);
    // A short prompt fits.
    run(&program, &h.config, "r2", json!({"doc": "short"}))
        .await
        .unwrap();
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn a_call_whose_worst_case_cost_passes_max_cost_usd_is_not_sent() {
    let server = server(Config::default()).await;
    let program = over_limits(
        "pipec: 1
name: t
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 1000, price: {input_per_mtok: 1000, output_per_mtok: 1000}}}
defaults: {model: m}
limits: {max_cost_usd: 1.01}
steps:
  - {id: a, kind: llm, prompt: one}
  - {id: b, kind: llm, prompt: \"two {{ steps.a }}\"}
outputs: {b: steps.b}
",
    );
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({})).await.unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0707);
    assert!(
        error.message.contains("`max_cost_usd: 1.01`"),
        "{}",
        error.message
    );
    assert_eq!(error.step.as_deref(), Some("b"));
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn the_runs_time_limit_stops_it() {
    let server = server(Config {
        latency_ms: 5_000,
        ..Config::default()
    })
    .await;
    let program = over_limits(
        "pipec: 1
name: t
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 20}}
defaults: {model: m}
limits: {timeout: 300ms}
steps:
  - {id: a, kind: llm, prompt: one}
outputs: {a: steps.a}
",
    );
    let h = harness(&server);
    let started = Instant::now();
    let failure = run(&program, &h.config, "r", json!({})).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0708);
    assert!(error.message.contains("timeout: 0.3s"), "{}", error.message);
}
