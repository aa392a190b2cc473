//! What `pipec run` refuses and how: check errors (as `pipec check` shows them), inputs
//! that do not fit, a missing API key; and the events it writes.

use pipec_fake_provider::Config;
use serde_json::{Value, json};

use crate::common::{document, env, fake, pipec, scratch, stderr, stdout};

const ONE_STEP: &str = "pipec: 1
name: one
inputs: {n: int}
models: {c: {provider: anthropic, model: claude-x, max_tokens: 20}}
steps:
  - {id: write, kind: llm, model: c, prompt: \"Count to {{ inputs.n }}\"}
outputs: {text: steps.write}
";

#[test]
fn a_pipeline_with_errors_is_not_run() {
    let fake = fake(Config::default());
    let dir = scratch("check-errors");
    std::fs::write(dir.join("p.yaml"), ONE_STEP.replace("inputs.n", "inputs.m")).unwrap();
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--input", "n=3"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[P0204]: no input named `m`"), "{err}");
    assert!(err.contains("not running it"), "{err}");
    assert_eq!(fake.server.stats().requests, 0);
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--input", "n=3", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    // The same document as `pipec check --format json`.
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["errors"], json!(1));
    assert_eq!(report["diagnostics"][0]["code"], json!("P0204"));
}

#[test]
fn inputs_that_do_not_fit_are_coded_errors_naming_the_input() {
    let fake = fake(Config::default());
    let dir = scratch("inputs");
    std::fs::write(dir.join("p.yaml"), ONE_STEP).unwrap();
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--input", "n=three"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error[P0700]: input `n` is not a `int`"),
        "{err}"
    );
    assert!(err.contains("p.yaml:3:13"), "{err}");
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--format", "json"],
    );
    let doc = document(&out);
    assert_eq!(doc["status"], json!("failed"));
    assert_eq!(doc["errors"][0]["code"], json!("P0701"));
    assert_eq!(doc["errors"][0]["line"], json!(3));
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--inputs", "[1]"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(fake.server.stats().requests, 0);
}

#[test]
fn a_missing_api_key_names_the_step_and_keeps_the_run() {
    let fake = fake(Config::default());
    let dir = scratch("key");
    std::fs::write(dir.join("p.yaml"), ONE_STEP).unwrap();
    let env: Vec<(String, String)> = env(&fake.server)
        .into_iter()
        .filter(|(k, _)| k != "ANTHROPIC_API_KEY")
        .collect();
    let out = pipec(
        &dir,
        &env,
        &["run", "p.yaml", "--input", "n=3", "--run-id", "nokey"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error[P0703]: step `write`: no API key for provider `anthropic`"),
        "{err}"
    );
    assert!(err.contains("ANTHROPIC_API_KEY"), "{err}");
    assert!(
        err.contains("resume with `pipec run p.yaml --resume nokey"),
        "{err}"
    );
    assert!(!err.contains("test-key"));
    // With the key it resumes.
    let out = pipec(
        &dir,
        &crate::common::env(&fake.server),
        &["run", "p.yaml", "--resume", "nokey", "--format", "json"],
    );
    assert_eq!(
        document(&out)["status"],
        json!("succeeded"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn events_are_json_lines_with_every_steps_output() {
    let fake = fake(Config::default());
    let dir = scratch("events");
    std::fs::write(dir.join("p.yaml"), ONE_STEP).unwrap();
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--input", "n=3", "--events", "ev.jsonl"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("ev.jsonl")).unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "run_started",
            "step_started",
            "model_call",
            "step_finished",
            "run_finished"
        ]
    );
    assert_eq!(
        events[3]["output"],
        json!("This is a reply from pipec-fake-provider.")
    );
    assert_eq!(events[4]["summary"]["calls"], json!(1));
    // `--events -` writes them to stdout, before the outputs.
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "p.yaml", "--input", "n=3", "--events", "-"],
    );
    assert!(
        stdout(&out).starts_with("{\"event\":\"run_started\""),
        "{}",
        stdout(&out)
    );
    assert!(!text.contains("test-key"));
}
