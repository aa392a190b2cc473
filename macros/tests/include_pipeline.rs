//! `include_pipeline!` on the examples: the expansion compiles (types, marker, `runner`,
//! `run`), and the typed function runs the pipeline against the fake provider server on
//! loopback, giving exactly what the JSON path of the same runner (the `pipec run` path)
//! gives, with the calls the pipeline makes counted at the server.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::sync::Arc;

use pipec_app::pipec_runtime::executor::RunConfig;
use pipec_app::pipec_runtime::providers::ProviderRegistry;
use pipec_fake_provider::{Config, FakeServer};

mod rag_qa {
    pipec_macros::include_pipeline!("../../examples/rag_qa.pipec.yaml");
}

/// A pipeline that calls two other files (its embedded sources are three files).
mod router {
    pipec_macros::include_pipeline!("../../examples/router.pipec.yaml");
}

/// The DSL form of an example.
mod code_review {
    pipec_macros::include_pipeline!("../../examples/code_review.pipe");
}

/// Providers that reach `server` for every wire format, as the environment would set them.
fn config(server: &FakeServer) -> RunConfig {
    let url = server.url();
    let vars: Vec<(String, String)> = vec![
        ("OPENAI_API_KEY".into(), "sk-test".into()),
        ("OPENAI_BASE_URL".into(), format!("{url}/v1")),
        ("ANTHROPIC_API_KEY".into(), "sk-test".into()),
        ("ANTHROPIC_BASE_URL".into(), url.clone()),
        ("GEMINI_API_KEY".into(), "sk-test".into()),
        ("GEMINI_BASE_URL".into(), url),
    ];
    let env = move |name: &str| {
        vars.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    RunConfig::new(Arc::new(ProviderRegistry::new(env)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_included_pipeline_runs_typed_against_the_fake_provider() {
    let server = FakeServer::start(Config::default()).await.unwrap();
    let runner = rag_qa::runner(config(&server)).unwrap();
    let inputs = rag_qa::types::RagQaInputs {
        question: "Where is the Eiffel Tower?".into(),
        passages: vec![
            "The Eiffel Tower is in Paris.".into(),
            "Bananas are yellow.".into(),
            "Paris is the capital of France.".into(),
        ],
    };
    let outputs: rag_qa::types::RagQaOutputs = rag_qa::run(&runner, &inputs).await.unwrap();
    // One grading call per passage, one answer: four model calls.
    assert_eq!(server.stats().requests, 4);
    server.reset();
    assert!(
        outputs.answer.as_str().is_some_and(|a| !a.is_empty()),
        "{outputs:?}"
    );
    assert!(outputs.citations.is_array(), "{outputs:?}");

    let json = serde_json::to_vec(&inputs).unwrap();
    let untyped = runner.run_text::<rag_qa::RagQa>(&json).await.unwrap();
    assert_eq!(untyped["status"], "succeeded", "{untyped}");
    assert_eq!(serde_json::to_value(&outputs).unwrap(), untyped["outputs"]);
    // The JSON path made the same four calls.
    assert_eq!(server.stats().requests, 4);
    assert_eq!(rag_qa::pipeline::PIPEC_VERSION, env!("CARGO_PKG_VERSION"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_included_pipeline_that_calls_files_embeds_and_runs_them() {
    let server = FakeServer::start(Config::default()).await.unwrap();
    let runner = router::runner(config(&server)).unwrap();
    let inputs = router::types::TicketRouterInputs {
        ticket: "The app crashes when I click save.".into(),
    };
    let outputs = router::run(&runner, &inputs).await.unwrap();
    let json = serde_json::to_vec(&inputs).unwrap();
    let untyped = runner
        .run_text::<router::TicketRouter>(&json)
        .await
        .unwrap();
    assert_eq!(untyped["status"], "succeeded", "{untyped}");
    assert_eq!(serde_json::to_value(&outputs).unwrap(), untyped["outputs"]);
    assert!(server.stats().requests >= 2, "{:?}", server.stats());
    let names: Vec<&str> = <router::TicketRouter as pipec_app::Pipeline>::FILES
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(
        names,
        [
            "router.pipec.yaml",
            "router/bug_triage.pipec.yaml",
            "router/feature_request.pipec.yaml"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dsl_pipeline_is_included_like_yaml() {
    let server = FakeServer::start(Config::default()).await.unwrap();
    let runner = code_review::runner(config(&server)).unwrap();
    let inputs = code_review::types::CodeReviewInputs {
        code: "fn main() { let x = 1; }".into(),
        language: None,
    };
    let outputs = code_review::run(&runner, &inputs).await.unwrap();
    let json = serde_json::to_vec(&inputs).unwrap();
    let untyped = runner
        .run_text::<code_review::CodeReview>(&json)
        .await
        .unwrap();
    assert_eq!(untyped["status"], "succeeded", "{untyped}");
    assert_eq!(serde_json::to_value(&outputs).unwrap(), untyped["outputs"]);
    assert!(server.stats().requests >= 1);
}
