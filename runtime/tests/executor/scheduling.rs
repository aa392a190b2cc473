//! Independent steps run at the same time; dependent ones wait. Observed through the fake
//! server's latency and its count of requests in flight.

use std::time::{Duration, Instant};

use pipec_fake_provider::Config;
use serde_json::json;

use crate::common::{harness, program, run, server};

const HEADER: &str = "pipec: 1\nname: t\nmodels: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50}}\ndefaults: {model: m}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_independent_200ms_steps_take_about_200ms() {
    let server = server(Config {
        latency_ms: 200,
        ..Config::default()
    })
    .await;
    let program = program(&format!(
        "{HEADER}steps:\n  - {{id: a, kind: llm, prompt: first}}\n  - {{id: b, kind: llm, prompt: second}}\noutputs: {{a: steps.a, b: steps.b}}\n"
    ));
    let h = harness(&server);
    let started = Instant::now();
    let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    // One after the other would take at least 400 ms.
    assert!(
        elapsed < Duration::from_millis(400),
        "not parallel: {elapsed:?}"
    );
    assert_eq!(server.stats().max_in_flight, 2);
    assert_eq!(outcome.outputs.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_or_depends_on_makes_a_step_wait() {
    let server = server(Config {
        latency_ms: 200,
        ..Config::default()
    })
    .await;
    for second in [
        "{id: b, kind: llm, prompt: \"after {{ steps.a }}\"}",
        "{id: b, kind: llm, prompt: second, depends_on: [a]}",
    ] {
        let program = program(&format!(
            "{HEADER}steps:\n  - {{id: a, kind: llm, prompt: first}}\n  - {second}\noutputs: {{b: steps.b}}\n"
        ));
        let h = harness(&server);
        let started = Instant::now();
        run(&program, &h.config, "r", json!({})).await.unwrap();
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(400),
            "{second}: {elapsed:?}"
        );
    }
    assert_eq!(server.stats().max_in_flight, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diamond_runs_its_middle_in_parallel() {
    let server = server(Config {
        latency_ms: 150,
        ..Config::default()
    })
    .await;
    let program = program(&format!(
        "{HEADER}steps:
  - {{id: top, kind: llm, prompt: top}}
  - {{id: left, kind: llm, prompt: \"left {{{{ steps.top }}}}\"}}
  - {{id: right, kind: llm, prompt: \"right {{{{ steps.top }}}}\"}}
  - {{id: bottom, kind: llm, prompt: \"{{{{ steps.left }}}} {{{{ steps.right }}}}\"}}
outputs: {{bottom: steps.bottom}}
"
    ));
    let h = harness(&server);
    let started = Instant::now();
    run(&program, &h.config, "r", json!({})).await.unwrap();
    let elapsed = started.elapsed();
    // Three waves of 150 ms, not four.
    assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
    assert_eq!(server.stats().requests, 4);
    assert_eq!(server.stats().max_in_flight, 2);
}

/// A run is a `Send` future, so an embedder can drive it on any tokio worker.
#[test]
fn a_run_is_a_send_future() {
    fn assert_send<T: Send>(_: &T) {}
    let program = crate::common::program(&format!(
        "{HEADER}steps:\n  - {{id: a, kind: llm, prompt: first}}\noutputs: {{a: steps.a}}\n"
    ));
    let registry = pipec_runtime::providers::ProviderRegistry::new([(
        "OPENAI_BASE_URL",
        "http://127.0.0.1:9/v1",
    )]);
    let config = pipec_runtime::executor::RunConfig::new(std::sync::Arc::new(registry));
    let executor = pipec_runtime::executor::Executor::new(&program, config);
    let future = executor.run(crate::common::identity("r"), serde_json::Map::new());
    assert_send(&future);
}
