//! End-to-end tests of the `pipec` binary: exit statuses, output formats, colour policy,
//! directory walking, `explain` and `schema`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::{command, repo_root};

use std::path::Path;
use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `pipec ARGS` with the environment's colour settings (the colour policy is under test).
fn pipec(args: &[&str]) -> Output {
    command(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run pipec")
}

#[test]
fn every_example_checks_clean() {
    let out = pipec(&["check", "examples"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn errors_exit_1_and_json_follows_the_contract() {
    let fixture = "compiler/pipec-check/tests/fixtures/names/unknown_references.yaml";
    let out = pipec(&["check", fixture, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["files"], 1);
    assert!(doc["errors"].as_u64().unwrap() >= 1);
    let first = &doc["diagnostics"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "labels",
        "help",
    ];
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert!(first["code"].as_str().unwrap().starts_with('P'));
    assert_eq!(first["file"], fixture);
    assert!(first["line"].as_u64().unwrap() >= 1);
}

#[test]
fn warnings_alone_exit_0() {
    let out = pipec(&[
        "check",
        "../shared/corpus/pipeline_ex/examples/skills_example.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[P0102]"), "{}", stdout(&out));
}

#[test]
fn a_missing_path_exits_2() {
    let out = pipec(&["check", "no/such/file.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.yaml"));
}

#[test]
fn no_colour_when_not_a_terminal() {
    let out = pipec(&[
        "check",
        "compiler/pipec-check/tests/fixtures/names/forward_reference.yaml",
    ]);
    assert!(
        !stdout(&out).contains('\u{1b}'),
        "ANSI escapes in piped output"
    );
}

#[test]
fn explain_prints_docs_and_rejects_unknown_codes() {
    let out = pipec(&["explain", "P0202"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# P0202 unknown-step"));
    let by_name = pipec(&["explain", "unknown-step"]);
    assert_eq!(stdout(&by_name), stdout(&out));
    let bad = pipec(&["explain", "P0999"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn schema_is_a_json_schema_of_the_native_format() {
    let out = pipec(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(
        schema["$schema"]
            .as_str()
            .unwrap_or("")
            .contains("json-schema.org")
    );
    let props = schema["properties"].as_object().expect("properties");
    for key in [
        "pipec",
        "name",
        "inputs",
        "outputs",
        "types",
        "signatures",
        "models",
        "limits",
        "steps",
    ] {
        assert!(props.contains_key(key), "schema lacks `{key}`");
    }
}

#[test]
fn directories_are_walked_and_counted() {
    let out = pipec(&["check", "examples", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let on_disk = walk_count(&repo_root().join("examples"));
    assert_eq!(doc["files"].as_u64().unwrap(), on_disk);
}

fn walk_count(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                walk_count(&p)
            } else {
                u64::from(p.extension().is_some_and(|e| e == "yaml" || e == "pipe"))
            }
        })
        .sum()
}
