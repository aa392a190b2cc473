//! pipeline_ex (`workflow:`) files through the real `pipec run`, against the fake server:
//! corpus files in both wire formats (requests counted per format), the P0721 warnings, a
//! file operation escaping the workspace refused, and a failed run resumed without calling
//! its finished steps again.

use std::path::PathBuf;

use pipec_fake_provider::{Config, Rule};
use serde_json::json;

use crate::common::{document, env, fake, pipec, repo_root, requests_containing, scratch, stderr};

fn corpus(path: &str) -> PathBuf {
    repo_root().join("../shared/corpus/pipeline_ex").join(path)
}

/// Corpus files that run through, and their Anthropic and Gemini calls.
const CORPUS: &[(&str, u64, u64)] = &[
    ("examples/simple_test.yaml", 1, 1),
    ("test_simple_workflow.yaml", 1, 1),
    ("test/fixtures/workflows/complex_workflow.yaml", 2, 3),
    ("examples/claude_batch_example.yaml", 7, 0),
    ("examples/enhanced_features_showcase.yaml", 9, 1),
    ("gemini_only_workflow.yaml", 0, 2),
    ("test/fixtures/pipelines/test_nested_basic.yaml", 0, 0),
];

#[test]
fn corpus_files_run_through_pipec_run_in_both_wire_formats() {
    let fake = fake(Config::default());
    for (path, anthropic, gemini) in CORPUS {
        fake.server.reset();
        let dir = scratch("pex-corpus");
        let file = corpus(path);
        let out = pipec(
            &dir,
            &env(&fake.server),
            &["run", file.to_str().unwrap(), "--format", "json"],
        );
        assert_eq!(out.status.code(), Some(0), "{path}: {}", stderr(&out));
        let doc = document(&out);
        assert_eq!(doc["status"], json!("succeeded"), "{path}");
        assert!(!doc["outputs"].as_object().unwrap().is_empty(), "{path}");
        let stats = fake.server.stats();
        assert_eq!(
            (
                stats.by_format.anthropic,
                stats.by_format.gemini,
                stats.by_format.openai
            ),
            (*anthropic, *gemini, 0),
            "{path}"
        );
        assert_eq!(doc["summary"]["calls"], json!(anthropic + gemini), "{path}");
    }
}

#[test]
fn options_a_model_call_cannot_honour_are_warned_about_and_the_run_goes_on() {
    let fake = fake(Config::default());
    let dir = scratch("pex-warn");
    let file = corpus("test/fixtures/workflows/complex_workflow.yaml");
    let out = pipec(&dir, &env(&fake.server), &["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("warning[P0721]").count(), 2, "{err}");
    assert!(
        err.contains("step `implement_calculator`: `allowed_tools` is not honoured"),
        "{err}"
    );
    assert!(
        err.contains("allowed_tools: [\"Write\", \"Edit\", \"Read\"]"),
        "{err}"
    );
    // pipeline_ex's `output_to_file` wrote under the output directory.
    assert!(dir.join("complex_outputs/review.json").exists());
}

#[test]
fn a_file_operation_leaving_the_workspace_is_refused_with_p0722() {
    let fake = fake(Config::default());
    let dir = scratch("pex-escape");
    std::fs::write(dir.join("keep.txt"), "keep").unwrap();
    std::fs::write(
        dir.join("w.yaml"),
        "workflow:\n  name: w\n  steps:\n    - {name: wipe, type: file_ops, operation: delete, path: ../keep.txt}\n",
    )
    .unwrap();
    let out = pipec(&dir, &env(&fake.server), &["run", "w.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error[P0722]: step `wipe`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "keep"
    );
}

const CHAIN: &str = r#"workflow:
  name: chain
  steps:
    - name: first
      type: gemini
      prompt: [{type: static, content: "alpha"}]
    - name: second
      type: claude
      prompt: [{type: static, content: "beta"}, {type: previous_response, step: first, extract: content}]
    - name: third
      type: gemini
      prompt: [{type: static, content: "gamma"}]
"#;

#[test]
fn a_failed_pipeline_ex_run_resumes_with_no_finished_step_called_again() {
    let fake = fake(Config {
        rules: vec![Rule {
            contains: "gamma".into(),
            status: Some(400),
            message: Some("refused by the test".into()),
            ..Rule::default()
        }],
        ..Config::default()
    });
    let dir = scratch("pex-resume");
    std::fs::write(dir.join("w.yaml"), CHAIN).unwrap();
    let events = dir.join("events.jsonl");
    let out = pipec(
        &dir,
        &env(&fake.server),
        &[
            "run",
            "w.yaml",
            "--run-id",
            "pex1",
            "--events",
            events.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--resume pex1"), "{}", stderr(&out));
    let started: Vec<String> = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"step_started\""))
        .map(str::to_owned)
        .collect();
    assert_eq!(started.len(), 3, "{started:?}");

    fake.server.set_config(Config::default());
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "w.yaml", "--resume", "pex1", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = document(&out);
    assert_eq!(doc["outputs"]["third"]["success"], json!(true));
    assert_eq!(requests_containing(&fake.server, "alpha"), 1);
    assert_eq!(requests_containing(&fake.server, "beta"), 1);
    assert_eq!(requests_containing(&fake.server, "gamma"), 2);
    assert_eq!(doc["summary"]["restored"], json!(2));
}
