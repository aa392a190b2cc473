//! pipeline_ex (`workflow:`) files through the real `pipec run`, against the fake server:
//! corpus files in both wire formats (requests counted per format), the P0721 warnings, a
//! file operation escaping the workspace refused, and a failed run resumed without calling
//! its finished steps again.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use pipec_fake_provider::{Config, Rule};
use serde_json::json;

use crate::common::{
    document, env, fake, pipec, pipec_command, repo_root, requests_containing, scratch, stderr,
};

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

/// Six model-calling steps in a chain, alternating providers, each prompt marked `step-N`.
fn chain_of_six() -> String {
    let mut yaml = String::from("workflow:\n  name: six\n  steps:\n");
    for n in 1..=6 {
        let ty = if n % 2 == 0 { "claude" } else { "gemini" };
        yaml.push_str(&format!(
            "    - name: s{n}\n      type: {ty}\n      prompt: [{{type: static, content: \"step-{n}\"}}]\n"
        ));
    }
    yaml
}

#[test]
fn a_pipeline_ex_run_killed_with_sigkill_resumes_without_calling_a_finished_step_again() {
    let fake = fake(Config {
        latency_ms: 250,
        ..Config::default()
    });
    let dir = scratch("pex-sigkill");
    std::fs::write(dir.join("six.yaml"), chain_of_six()).unwrap();
    let env = env(&fake.server);
    let mut child = pipec_command(
        &dir,
        &env,
        &[
            "run", "six.yaml", "--run-id", "killed", "--events", "ev.jsonl",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let finished = std::fs::read_to_string(dir.join("ev.jsonl"))
            .map(|t| t.matches("\"step_finished\"").count())
            .unwrap_or(0);
        if finished >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the run never finished two steps"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let db = rusqlite::Connection::open(dir.join(".pipec/runs.sqlite")).unwrap();
    let finished: Vec<String> = db
        .prepare("SELECT key FROM steps WHERE run_id = 'killed' ORDER BY seq")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(db);
    assert!(finished.len() >= 2 && finished.len() < 6, "{finished:?}");

    let out = pipec(
        &dir,
        &env,
        &["run", "six.yaml", "--resume", "killed", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let resumed = document(&out);
    assert_eq!(resumed["summary"]["restored"], json!(finished.len()));
    for key in &finished {
        let n = key.trim_start_matches('s');
        assert_eq!(
            requests_containing(&fake.server, &format!("step-{n}")),
            1,
            "finished step {key} was called again"
        );
    }
    let out = pipec(
        &dir,
        &env,
        &["run", "six.yaml", "--run-id", "clean", "--format", "json"],
    );
    assert_eq!(document(&out)["outputs"], resumed["outputs"]);
    std::fs::remove_dir_all(&dir).ok();
}
