//! With 30% of requests failing (5xx, 429, hangs, truncated and garbage bodies, drawn from
//! a seeded generator), every run completes within its retry budget and gives the same
//! outputs as a run without faults.

use pipec_fake_provider::{Config, Fault};
use pipec_runtime::events::Event;
use serde_json::json;

use crate::common::{harness, program, run, server};

const PIPELINE: &str = "pipec: 1
name: faulty
inputs: {docs: \"list[str]\"}
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 200}}
defaults: {model: m, retry: 8, timeout: 500ms}
steps:
  - id: each
    kind: map
    over: inputs.docs
    max_items: 10
    max_parallel: 3
    steps:
      - {id: summarize, kind: predict, signature: \"doc -> summary, score: float\", with: {doc: \"{{ item }}\"}}
  - {id: merge, kind: chain_of_thought, signature: \"parts: list -> digest\", with: {parts: \"{{ steps.each }}\"}}
outputs: {digest: steps.merge.digest, parts: steps.each}
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_percent_faults_every_run_completes_within_its_retries() {
    let program = program(PIPELINE);
    let docs = json!({"docs": ["one", "two", "three", "four", "five"]});
    let clean_server = server(Config::default()).await;
    let expected = run(
        &program,
        &harness(&clean_server).config,
        "clean",
        docs.clone(),
    )
    .await
    .unwrap()
    .outputs;

    let server = server(Config {
        fault_rate: 0.3,
        seed: 42,
        faults: vec![
            Fault::ServerError,
            Fault::RateLimited,
            Fault::Hang,
            Fault::Truncated,
            Fault::Garbage,
        ],
        retry_after_secs: 0,
        hang_ms: 5_000,
        ..Config::default()
    })
    .await;
    let mut retries = 0;
    for n in 0..8 {
        let h = harness(&server);
        let outcome = run(&program, &h.config, &format!("r{n}"), docs.clone())
            .await
            .unwrap_or_else(|failure| panic!("run {n} failed: {:?}", failure.errors));
        assert_eq!(outcome.outputs, expected, "run {n}");
        retries += h
            .events
            .events()
            .iter()
            .filter(|e| matches!(e, Event::Retry { .. }))
            .count();
    }
    let stats = server.stats();
    assert!(stats.faults.total() >= 10, "{stats:?}");
    assert!(retries >= 10, "{retries} retries");
    // Every fault was retried: requests = 6 calls per run × 8 runs + the faults.
    assert_eq!(stats.requests, 48 + stats.faults.total(), "{stats:?}");
}
