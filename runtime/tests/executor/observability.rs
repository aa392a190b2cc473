//! Events tell what happened, in order, with every step's output; the summary adds up; the
//! response cache answers repeated requests without calls.

use std::sync::Arc;

use pipec_fake_provider::Config;
use pipec_runtime::cache::MemoryCache;
use pipec_runtime::events::Event;
use serde_json::json;

use crate::common::{harness, program, run, server};

const PIPELINE: &str = "pipec: 1
name: t
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50, price: {input_per_mtok: 1, output_per_mtok: 2}}}
defaults: {model: m}
steps:
  - {id: a, kind: llm, prompt: hello}
  - {id: b, kind: set, vars: {said: \"{{ steps.a }}\"}}
outputs: {said: steps.b.said}
";

#[tokio::test]
async fn events_follow_the_run_and_the_summary_adds_up() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    let outcome = run(&program(PIPELINE), &h.config, "r", json!({}))
        .await
        .unwrap();
    let names: Vec<String> = h
        .events
        .events()
        .iter()
        .map(|e| {
            let value = serde_json::to_value(e).unwrap();
            let step = value.get("step").and_then(|s| s.as_str()).unwrap_or("");
            format!("{} {step}", value["event"].as_str().unwrap())
                .trim()
                .to_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "run_started",
            "step_started a",
            "model_call a",
            "step_finished a",
            "step_started b",
            "step_finished b",
            "run_finished"
        ]
    );
    let events = h.events.events();
    let Some(Event::StepFinished { output, .. }) = events.get(5) else {
        panic!("{events:?}")
    };
    assert_eq!(
        output,
        &json!({"said": "This is a reply from pipec-fake-provider."})
    );
    let Some(Event::ModelCall {
        input_tokens,
        output_tokens,
        cost_usd,
        ..
    }) = events.get(2)
    else {
        panic!("{events:?}")
    };
    // The fake counts four characters a token and reports it; the summary uses the report.
    assert_eq!(*output_tokens, 11);
    assert_eq!(outcome.summary.input_tokens, *input_tokens);
    assert_eq!(outcome.summary.output_tokens, 11);
    assert!((outcome.summary.cost_usd - cost_usd).abs() < 1e-12);
    assert_eq!((outcome.summary.steps, outcome.summary.calls), (2, 1));
}

#[tokio::test]
async fn the_cache_answers_a_repeated_request() {
    let server = server(Config::default()).await;
    let mut h = harness(&server);
    h.config.cache = Some(Arc::new(MemoryCache::default()));
    let program = program(PIPELINE);
    let first = run(&program, &h.config, "r1", json!({})).await.unwrap();
    let second = run(&program, &h.config, "r2", json!({})).await.unwrap();
    assert_eq!(first.outputs, second.outputs);
    assert_eq!(server.stats().requests, 1);
    assert_eq!((second.summary.calls, second.summary.cache_hits), (0, 1));
}
