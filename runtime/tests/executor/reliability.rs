//! Retries (only on retryable failures), per-attempt timeouts, and the coded errors for a
//! missing key, an unreachable provider and a refused request, each naming the step.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pipec_diagnostics::Code;
use pipec_fake_provider::{Config, Fault, Rule};
use pipec_runtime::events::Event;
use pipec_runtime::executor::RunConfig;
use pipec_runtime::providers::ProviderRegistry;
use serde_json::json;

use crate::common::{harness, only_error, program, quick_retries, run, server};

fn pipeline(retry: u32, timeout: &str) -> String {
    format!(
        "pipec: 1
name: t
models: {{m: {{provider: openai, model: gpt-4o-mini, max_tokens: 50}}}}
defaults: {{model: m, retry: {retry}{timeout}}}
steps:
  - {{id: ask, kind: predict, signature: \"q -> a\", with: {{q: hello}}}}
outputs: {{a: steps.ask.a}}
"
    )
}

#[tokio::test]
async fn retryable_failures_are_retried_within_the_steps_budget() {
    let server = server(Config {
        plan: vec![Fault::ServerError, Fault::RateLimited, Fault::Ok],
        retry_after_secs: 0,
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let outcome = run(&program(&pipeline(2, "")), &h.config, "r", json!({}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["a"], json!("example a"));
    assert_eq!(server.stats().requests, 3);
    let retries: Vec<String> = h
        .events
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Retry {
                step,
                error,
                attempt,
                ..
            } => Some(format!("{step} {attempt} {error}")),
            _ => None,
        })
        .collect();
    assert_eq!(retries, ["ask 1 server_error", "ask 2 rate_limited"]);
    assert_eq!(outcome.summary.calls, 3);
}

#[tokio::test]
async fn a_failure_past_the_retry_budget_stops_the_run_naming_the_step() {
    let server = server(Config {
        plan: vec![Fault::ServerError, Fault::ServerError, Fault::Ok],
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let failure = run(&program(&pipeline(1, "")), &h.config, "r", json!({}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0705);
    assert_eq!(error.step.as_deref(), Some("ask"));
    assert!(
        error.message.contains("server_error (2 attempts)"),
        "{}",
        error.message
    );
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn a_4xx_is_never_retried() {
    let server = server(Config {
        rules: vec![Rule {
            contains: "hello".into(),
            status: Some(400),
            message: Some("bad model".into()),
            ..Rule::default()
        }],
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let failure = run(&program(&pipeline(3, "")), &h.config, "r", json!({}))
        .await
        .unwrap_err();
    assert_eq!(only_error(&failure).code, Code::P0705);
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn a_hanging_attempt_times_out_and_the_retry_succeeds() {
    let server = server(Config {
        plan: vec![Fault::Hang, Fault::Ok],
        hang_ms: 10_000,
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let started = Instant::now();
    run(
        &program(&pipeline(1, ", timeout: 300ms")),
        &h.config,
        "r",
        json!({}),
    )
    .await
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn a_step_that_times_out_on_every_attempt_is_p0709() {
    let server = server(Config {
        plan: vec![Fault::Hang, Fault::Hang],
        hang_ms: 10_000,
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let started = Instant::now();
    let failure = run(
        &program(&pipeline(1, ", timeout: 200ms")),
        &h.config,
        "r",
        json!({}),
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0709);
    assert_eq!(error.step.as_deref(), Some("ask"));
}

#[tokio::test]
async fn a_missing_api_key_is_p0703_naming_the_step() {
    let server = server(Config::default()).await;
    let url = server.url();
    let registry = ProviderRegistry::new(move |name: &str| {
        (name == "ANTHROPIC_BASE_URL").then(|| url.clone())
    });
    let mut config = RunConfig::new(Arc::new(registry));
    config.retry = quick_retries();
    let program = program(
        "pipec: 1\nname: t\nmodels: {c: {provider: anthropic, model: claude-x, max_tokens: 10}}\nsteps:\n  - {id: write, kind: llm, model: c, prompt: hi}\noutputs: {w: steps.write}\n",
    );
    let failure = run(&program, &config, "r", json!({})).await.unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0703);
    assert_eq!(error.step.as_deref(), Some("write"));
    assert!(
        error
            .help
            .as_deref()
            .unwrap_or("")
            .contains("ANTHROPIC_API_KEY"),
        "{error:?}"
    );
    assert_eq!(server.stats().requests, 0);
}

#[tokio::test]
async fn an_unreachable_provider_is_p0704_after_its_retries() {
    // Bind a port, then free it: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/v1");
    let registry =
        ProviderRegistry::new(move |name: &str| (name == "OPENAI_BASE_URL").then(|| base.clone()));
    let mut config = RunConfig::new(Arc::new(registry));
    config.retry = quick_retries();
    let failure = run(&program(&pipeline(2, "")), &config, "r", json!({}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0704);
    assert!(error.message.contains("3 attempts"), "{}", error.message);
}
