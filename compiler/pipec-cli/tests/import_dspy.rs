//! `pipec import-dspy` on the real binary with DSPy's real saved file
//! (`../shared/fixtures/dspy/saved_programs/two_step_cot_predict_bfs`): the demos land in
//! the steps (without `augmented`, keys that are not fields, or demos DSPy drops), the
//! result checks clean and prints its demos; `--write` rewrites the file; and every refusal
//! has an error fixture in `tests/import_dspy/` with its code and exit status 1.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::{pipec, repo_root, scratch};

const SAVED: &str = "../shared/fixtures/dspy/saved_programs/two_step_cot_predict_bfs/saved.json";
const PIPELINE: &str = "compiler/pipec-cli/tests/import_dspy/two_step.pipec.yaml";

#[test]
fn saved_demos_are_written_into_the_steps() {
    let out = pipec(&["import-dspy", SAVED, PIPELINE]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("step `rewrite`: 2 demos") && stderr.contains("step `answer`: 3 demos"),
        "{stderr}"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let original = std::fs::read_to_string(repo_root().join(PIPELINE)).unwrap();
    assert!(
        text.starts_with(&original[..original.find("steps:").unwrap()]),
        "the rest is kept as written"
    );
    assert!(!text.contains("augmented"));
    let dir = scratch("ok");
    let file = dir.join("two_step.pipec.yaml");
    std::fs::write(&file, &text).unwrap();
    let checked = pipec(&["check", file.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&checked.stdout).contains("0 errors, 0 warnings"));
    let prompt = pipec(&[
        "prompt",
        file.to_str().unwrap(),
        "--step",
        "answer",
        "--inputs",
        r#"{"question": "q", "query": "k"}"#,
    ]);
    let messages: serde_json::Value = serde_json::from_slice(&prompt.stdout).unwrap();
    // System, an incomplete demo (no query), two complete ones, the request.
    assert_eq!(messages.as_array().unwrap().len(), 8);

    // `--write` rewrites in place; a second import changes nothing.
    std::fs::write(&file, &original).unwrap();
    let out = pipec(&["import-dspy", SAVED, file.to_str().unwrap(), "--write"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let again = pipec(&["import-dspy", SAVED, file.to_str().unwrap()]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    std::fs::remove_dir_all(&dir).ok();
}

fn refused(saved: &str, pipeline: &str, code: &str) {
    let out = pipec(&["import-dspy", saved, pipeline]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "{code}: {stderr}"
    );
    assert!(out.stdout.is_empty());
}

fn fixture(name: &str) -> String {
    format!("compiler/pipec-cli/tests/import_dspy/{name}.saved.json")
}

#[test]
fn another_dspy_version_is_p0833() {
    refused(&fixture("version"), PIPELINE, "P0833");
}

#[test]
fn keys_that_match_no_step_are_p0834() {
    refused(&fixture("unknown_key"), PIPELINE, "P0834");
}

#[test]
fn a_different_field_count_is_p0835() {
    refused(&fixture("field_count"), PIPELINE, "P0835");
}

#[test]
fn a_different_field_order_is_p0836() {
    refused(&fixture("field_order"), PIPELINE, "P0836");
}

#[test]
fn a_file_that_is_not_a_saved_program_is_p0837() {
    refused(&fixture("not_saved"), PIPELINE, "P0837");
}

#[test]
fn dsl_files_are_not_edited_p0838() {
    refused(
        SAVED,
        "compiler/pipec-cli/tests/import_dspy/two_step.pipe",
        "P0838",
    );
}
