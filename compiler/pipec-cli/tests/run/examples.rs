//! Every native example, in YAML and as `.pipe`, runs through `pipec run` against the fake
//! provider, once per wire format (the examples' providers rewritten to `openai`,
//! `anthropic`, `gemini`), and produces its declared outputs.

use std::path::Path;

use pipec_fake_provider::Config;
use serde_json::json;

use crate::common::{document, env, fake, pipec, repo_root, scratch, stderr};

/// Every example file with the inputs it is run with.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "code_review.pipec.yaml",
        r#"{"code": "fn main() { let x = 1; }"}"#,
    ),
    (
        "rag_qa.pipec.yaml",
        r#"{"question": "What is pipec?", "passages": ["pipec checks pipelines.", "It runs them too.", "Unrelated."]}"#,
    ),
    (
        "router.pipec.yaml",
        r#"{"ticket": "The app crashes when I log in."}"#,
    ),
    (
        "batch_summarize.pipec.yaml",
        r#"{"documents": ["First document.", "Second document.", "Third."]}"#,
    ),
    (
        "router/bug_triage.pipec.yaml",
        r#"{"report": "Crash on login."}"#,
    ),
    (
        "router/feature_request.pipec.yaml",
        r#"{"request": "Dark mode, please."}"#,
    ),
    (
        "code_review.pipe",
        r#"{"code": "fn main() { let x = 1; }"}"#,
    ),
    (
        "rag_qa.pipe",
        r#"{"question": "What is pipec?", "passages": ["pipec checks pipelines.", "It runs them too.", "Unrelated."]}"#,
    ),
    (
        "router.pipe",
        r#"{"ticket": "The app crashes when I log in."}"#,
    ),
    (
        "batch_summarize.pipe",
        r#"{"documents": ["First document.", "Second document.", "Third."]}"#,
    ),
    ("router/bug_triage.pipe", r#"{"report": "Crash on login."}"#),
    (
        "router/feature_request.pipe",
        r#"{"request": "Dark mode, please."}"#,
    ),
];

/// Copies `examples/` into `dir`, every provider set to `provider`.
fn copy_examples(dir: &Path, provider: &str) {
    let from = repo_root().join("examples");
    for (name, _) in EXAMPLES {
        let text = std::fs::read_to_string(from.join(name)).unwrap();
        // YAML names the provider with a key, the DSL as the model string's prefix.
        let text = text
            .replace("provider: openai", &format!("provider: {provider}"))
            .replace("provider: anthropic", &format!("provider: {provider}"))
            .replace("\"openai/", &format!("\"{provider}/"))
            .replace("\"anthropic/", &format!("\"{provider}/"));
        let target = dir.join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
}

#[test]
fn the_examples_list_is_every_example() {
    let mut found = Vec::new();
    let root = repo_root().join("examples");
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).unwrap() {
                let inner = inner.unwrap().path();
                found.push(
                    inner
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        } else {
            found.push(
                path.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    found.sort();
    let mut listed: Vec<String> = EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "add new examples to EXAMPLES with their inputs"
    );
}

#[test]
fn every_example_runs_in_every_wire_format() {
    let fake = fake(Config::default());
    for provider in ["openai", "anthropic", "gemini"] {
        let dir = scratch(&format!("examples-{provider}"));
        copy_examples(&dir, provider);
        fake.server.reset();
        let mut calls = 0;
        for (name, inputs) in EXAMPLES {
            let out = pipec(
                &dir,
                &env(&fake.server),
                &["run", name, "--inputs", inputs, "--format", "json"],
            );
            assert_eq!(
                out.status.code(),
                Some(0),
                "{provider} {name}: {}",
                stderr(&out)
            );
            let doc = document(&out);
            assert_eq!(
                doc["status"],
                json!("succeeded"),
                "{provider} {name}: {doc}"
            );
            let outputs = doc["outputs"].as_object().unwrap();
            assert!(!outputs.is_empty(), "{provider} {name}: {doc}");
            calls += doc["summary"]["calls"].as_u64().unwrap();
        }
        let stats = fake.server.stats();
        let by_format = match provider {
            "openai" => stats.by_format.openai,
            "anthropic" => stats.by_format.anthropic,
            _ => stats.by_format.gemini,
        };
        assert_eq!(by_format, stats.requests, "{provider}: {stats:?}");
        assert_eq!(
            stats.requests, calls,
            "{provider}: the summaries count every call"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn human_output_prints_each_output_and_a_summary() {
    let fake = fake(Config::default());
    let dir = scratch("human");
    copy_examples(&dir, "openai");
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "router.pipec.yaml", "--input", "ticket=It crashes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kind: bug\n"), "{text}");
    assert!(
        text.contains("handled: {\"severity\":\"low\",\"reproduction\":[\"example\"]}"),
        "{text}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("succeeded: 4 steps (0 skipped, 0 restored), 2 model calls"),
        "{err}"
    );
    assert!(dir.join(".pipec/runs.sqlite").exists());
    std::fs::remove_dir_all(&dir).ok();
}
