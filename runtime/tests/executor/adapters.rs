//! Predict steps go through the adapters: a reply the chat adapter cannot parse gets one
//! more call through the JSON adapter; a reply neither can parse is P0706 quoting it.

use pipec_diagnostics::Code;
use pipec_fake_provider::{Config, Rule};
use pipec_runtime::events::Event;
use serde_json::json;

use crate::common::{harness, only_error, program, run, server};

const PIPELINE: &str = "pipec: 1
name: t
models: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 200}}
defaults: {model: m}
steps:
  - {id: grade, kind: predict, signature: \"answer -> score: float, ok: bool\", with: {answer: yes}}
outputs: {score: steps.grade.score, ok: steps.grade.ok}
";

/// Only the chat adapter's prompt has the `[[ ## field ## ]]` structure right after this.
const CHAT_ONLY: &str = "filled in.\n\n[[ ## ";

#[tokio::test]
async fn an_unparseable_chat_reply_falls_back_to_the_json_adapter() {
    let server = server(Config {
        rules: vec![Rule {
            contains: CHAT_ONLY.into(),
            reply: Some("I think the score is high.".into()),
            ..Rule::default()
        }],
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let outcome = run(&program(PIPELINE), &h.config, "r", json!({}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["score"], json!(0.5));
    assert_eq!(outcome.outputs["ok"], json!(true));
    assert_eq!(server.stats().requests, 2);
    let adapters: Vec<String> = h
        .events
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::ModelCall { adapter, .. } => Some(adapter),
            _ => None,
        })
        .collect();
    assert_eq!(adapters, ["chat", "json"]);
}

#[tokio::test]
async fn a_reply_neither_adapter_parses_is_p0706() {
    let server = server(Config {
        rules: vec![Rule {
            contains: "Your output fields are".into(),
            reply: Some("no idea".into()),
            ..Rule::default()
        }],
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let failure = run(&program(PIPELINE), &h.config, "r", json!({}))
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0706);
    assert_eq!(error.step.as_deref(), Some("grade"));
    assert_eq!(error.notes.len(), 2);
    assert!(error.notes[0].contains("\"no idea\""), "{:?}", error.notes);
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn typed_values_are_read_from_the_reply() {
    let server = server(Config {
        rules: vec![Rule {
            contains: "Your output fields are".into(),
            reply: Some(
                "[[ ## score ## ]]\n0.25\n\n[[ ## ok ## ]]\nFalse\n\n[[ ## completed ## ]]".into(),
            ),
            ..Rule::default()
        }],
        ..Config::default()
    })
    .await;
    let h = harness(&server);
    let outcome = run(&program(PIPELINE), &h.config, "r", json!({}))
        .await
        .unwrap();
    assert_eq!(outcome.outputs["score"], json!(0.25));
    assert_eq!(outcome.outputs["ok"], json!(false));
}
