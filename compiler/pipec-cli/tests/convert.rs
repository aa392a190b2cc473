//! `pipec convert` on the real binary: stdout and `-o`, every target, refusals (a file with
//! errors, a pipeline_ex file with P0800) and their exit statuses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::{pipec, scratch};

#[test]
fn converts_to_every_form_on_stdout_and_with_o() {
    let out = pipec(&["convert", "examples/code_review.pipec.yaml", "--to", "pipe"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // The YAML file's leading comment is kept, above the pipeline's doc comment.
    assert!(text.starts_with("// Code review:"), "{text}");
    assert!(text.contains("\n/// Find issues"), "{text}");
    assert!(
        text.contains("step analyze = predict analyze(code = inputs.code"),
        "{text}"
    );

    let out = pipec(&["convert", "examples/code_review.pipe", "--to", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["pipec"], 1);

    let dir = scratch("o");
    let target = dir.join("code_review.pipec.yaml");
    let out = pipec(&[
        "convert",
        "examples/code_review.pipe",
        "--to",
        "yaml",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    // The `.pipe` file's header comment is kept at the top.
    assert!(written.starts_with("# Code review:"), "{written}");
    assert!(written.contains("\npipec: 1\n"), "{written}");
    // The converted file checks clean.
    let out = pipec(&["check", target.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_file_with_errors_is_refused_with_its_diagnostics() {
    let out = pipec(&[
        "convert",
        "compiler/pipec-check/tests/fixtures/dsl/recovery.pipe",
        "--to",
        "yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[P0020]"), "{err}");
    assert!(
        err.contains("has errors; fix them before converting it"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_pipeline_ex_file_is_refused_with_p0800() {
    let out = pipec(&[
        "convert",
        "compiler/pipec-check/tests/fixtures/pipeline_ex/empty_bodies.yaml",
        "--to",
        "pipe",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[P0800]: `pipec convert` translates native pipelines"),
        "{err}"
    );
    assert!(err.contains("pipec migrate"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_problems_exit_2() {
    let out = pipec(&["convert", "no/such/file.yaml", "--to", "pipe"]);
    assert_eq!(out.status.code(), Some(2));
    let out = pipec(&["convert", "examples/code_review.pipe", "--to", "toml"]);
    assert_eq!(out.status.code(), Some(2));
}
