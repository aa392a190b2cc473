//! Checkpoints: a failed run resumes without calling its finished steps again (counted on
//! the server), a changed pipeline is refused, a replay re-runs from a step with the
//! earlier steps restored, and runs survive in the SQLite file across store instances.

use std::sync::Arc;

use pipec_diagnostics::Code;
use pipec_fake_provider::{Config, Rule};
use pipec_runtime::checkpoint::{CheckpointStore, RunStatus, SqliteStore};
use pipec_runtime::executor::Executor;
use serde_json::json;

use crate::common::{harness, identity, only_error, program, requests_containing, run, server};

const CHAIN: &str = "pipec: 1
name: chain
inputs: {topic: str}
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50}}
defaults: {model: m}
steps:
  - {id: a, kind: llm, prompt: \"alpha {{ inputs.topic }}\"}
  - {id: b, kind: llm, prompt: \"beta {{ steps.a }}\"}
  - {id: c, kind: llm, prompt: \"gamma {{ steps.b }}\"}
outputs: {a: steps.a, c: steps.c}
";

fn refuse(needle: &str) -> Config {
    Config {
        rules: vec![Rule {
            contains: needle.into(),
            status: Some(400),
            message: Some("refused by the test".into()),
            ..Rule::default()
        }],
        ..Config::default()
    }
}

#[tokio::test]
async fn resume_after_a_failure_calls_only_the_unfinished_steps() {
    let server = server(refuse("gamma")).await;
    let program = program(CHAIN);
    let h = harness(&server);
    let failure = run(&program, &h.config, "r1", json!({"topic": "t"}))
        .await
        .unwrap_err();
    assert_eq!(only_error(&failure).step.as_deref(), Some("c"));
    assert_eq!(failure.run_id.as_deref(), Some("r1"));
    assert_eq!(
        h.store.load("r1").unwrap().unwrap().0.status,
        RunStatus::Failed
    );
    assert_eq!(server.stats().requests, 3);

    server.set_config(Config::default());
    let outcome = Executor::new(&program, h.config.clone())
        .resume("r1", "hash")
        .await
        .unwrap();
    assert_eq!(outcome.run_id, "r1");
    // Only `c` was called again.
    assert_eq!(server.stats().requests, 4);
    assert_eq!(requests_containing(&server, "alpha"), 1);
    assert_eq!(requests_containing(&server, "beta"), 1);
    assert_eq!(requests_containing(&server, "gamma"), 2);
    assert_eq!(outcome.summary.restored, 2);
    assert_eq!(
        h.store.load("r1").unwrap().unwrap().0.status,
        RunStatus::Succeeded
    );

    // The same outputs as a clean run.
    let clean = run(&program, &h.config, "r2", json!({"topic": "t"}))
        .await
        .unwrap();
    assert_eq!(clean.outputs, outcome.outputs);
}

#[tokio::test]
async fn resume_refuses_a_changed_pipeline_and_an_unknown_run() {
    let server = server(refuse("gamma")).await;
    let program = program(CHAIN);
    let h = harness(&server);
    run(&program, &h.config, "r1", json!({"topic": "t"}))
        .await
        .unwrap_err();
    let executor = Executor::new(&program, h.config.clone());
    let changed = executor.resume("r1", "another hash").await.unwrap_err();
    assert_eq!(only_error(&changed).code, Code::P0714);
    let unknown = executor.resume("nope", "hash").await.unwrap_err();
    assert_eq!(only_error(&unknown).code, Code::P0713);
}

#[tokio::test]
async fn resume_of_a_map_reruns_only_the_failed_items() {
    let server = server(refuse("item c")).await;
    let program = program(
        "pipec: 1
name: m
inputs: {xs: \"list[str]\"}
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50}}
defaults: {model: m}
steps:
  - id: each
    kind: map
    over: inputs.xs
    max_items: 4
    max_parallel: 1
    steps:
      - {id: ask, kind: llm, prompt: \"item {{ item }}\"}
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
    assert_eq!(only_error(&failure).step.as_deref(), Some("each[2]/ask"));
    server.set_config(Config::default());
    let outcome = Executor::new(&program, h.config.clone())
        .resume("r", "hash")
        .await
        .unwrap();
    assert_eq!(outcome.outputs["all"].as_array().unwrap().len(), 4);
    assert_eq!(requests_containing(&server, "item a"), 1);
    assert_eq!(requests_containing(&server, "item b"), 1);
    assert_eq!(requests_containing(&server, "item c"), 2);
    assert_eq!(requests_containing(&server, "item d"), 1);
}

#[tokio::test]
async fn replay_reruns_from_a_step_with_the_earlier_state() {
    let server = server(Config::default()).await;
    let program = program(CHAIN);
    let h = harness(&server);
    let first = run(&program, &h.config, "r1", json!({"topic": "t"}))
        .await
        .unwrap();
    let replayed = Executor::new(&program, h.config.clone())
        .replay("r1", "b", identity("r2"))
        .await
        .unwrap();
    assert_eq!(replayed.outputs, first.outputs);
    assert_eq!(replayed.summary.restored, 1);
    assert_eq!(requests_containing(&server, "alpha"), 1);
    assert_eq!(requests_containing(&server, "beta"), 2);
    assert_eq!(requests_containing(&server, "gamma"), 2);
    let (run, steps) = h.store.load("r2").unwrap().unwrap();
    assert_eq!(run.parent.as_deref(), Some("r1"));
    assert_eq!(run.inputs, json!({"topic": "t"}));
    assert_eq!(steps.len(), 3);
    let unknown = Executor::new(&program, h.config.clone())
        .replay("r1", "zeta", identity("r3"))
        .await
        .unwrap_err();
    assert_eq!(only_error(&unknown).code, Code::P0713);
}

#[tokio::test]
async fn a_sqlite_checkpoint_outlives_its_store() {
    let dir = std::env::temp_dir().join(format!(
        "pipec-exec-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("runs.sqlite");
    let server = server(refuse("gamma")).await;
    let program = program(CHAIN);
    let mut h = harness(&server);
    h.config.store = Some(Arc::new(SqliteStore::open(&path).unwrap()));
    run(&program, &h.config, "r1", json!({"topic": "t"}))
        .await
        .unwrap_err();
    server.set_config(Config::default());
    // A new store on the same file, as a new process would open it.
    h.config.store = Some(Arc::new(SqliteStore::open(&path).unwrap()));
    let executor = Executor::new(&program, h.config.clone());
    let outcome = executor.resume("r1", "hash").await.unwrap();
    assert_eq!(outcome.summary.restored, 2);
    assert_eq!(server.stats().requests, 4);
    std::fs::remove_dir_all(&dir).ok();
}

/// A store that refuses to save after `allowed` steps.
struct FullDisk {
    inner: pipec_runtime::checkpoint::MemoryStore,
    allowed: std::sync::atomic::AtomicUsize,
}

impl CheckpointStore for FullDisk {
    fn create_run(
        &self,
        run: &pipec_runtime::checkpoint::RunRecord,
    ) -> Result<(), pipec_runtime::checkpoint::StoreError> {
        self.inner.create_run(run)
    }
    fn save_step(
        &self,
        run_id: &str,
        key: &str,
        status: &str,
        result: &serde_json::Value,
    ) -> Result<(), pipec_runtime::checkpoint::StoreError> {
        use std::sync::atomic::Ordering;
        if self
            .allowed
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_err()
        {
            return Err(pipec_runtime::checkpoint::StoreError::new(
                "database or disk is full",
            ));
        }
        self.inner.save_step(run_id, key, status, result)
    }
    fn finish_run(
        &self,
        run_id: &str,
        status: RunStatus,
        outputs: Option<&serde_json::Value>,
        error: Option<&serde_json::Value>,
    ) -> Result<(), pipec_runtime::checkpoint::StoreError> {
        self.inner.finish_run(run_id, status, outputs, error)
    }
    fn load(
        &self,
        run_id: &str,
    ) -> Result<
        Option<(
            pipec_runtime::checkpoint::RunRecord,
            Vec<pipec_runtime::checkpoint::StepRecord>,
        )>,
        pipec_runtime::checkpoint::StoreError,
    > {
        self.inner.load(run_id)
    }
}

#[tokio::test]
async fn a_checkpoint_that_cannot_be_written_stops_the_run() {
    let server = server(Config::default()).await;
    let program = program(CHAIN);
    let mut h = harness(&server);
    let store = Arc::new(FullDisk {
        inner: pipec_runtime::checkpoint::MemoryStore::new(),
        allowed: std::sync::atomic::AtomicUsize::new(1),
    });
    h.config.store = Some(store.clone());
    let failure = run(&program, &h.config, "r", json!({"topic": "t"}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0715);
    assert_eq!(error.step.as_deref(), Some("b"));
    // `c` never started: its step could not be resumed from a checkpoint that was not saved.
    assert_eq!(requests_containing(&server, "gamma"), 0);
    assert_eq!(store.load("r").unwrap().unwrap().1.len(), 1);
}
