//! `pipec migrate` on the real binary: YAML to stdout by default, `-o` and
//! `--format json`, warnings on stderr, the written file checks clean with `pipec check`,
//! and the refusals (a file with errors, a native file) exit 1 with nothing written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::{pipec, scratch};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const FIX_BUG: &str = "../shared/corpus/pipeline_ex/workflows/fix_bug.yaml";

/// A scratch directory for this test, emptied first.

#[test]
fn yaml_goes_to_stdout_and_warnings_to_stderr() {
    let out = pipec(&["migrate", FIX_BUG]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.starts_with("pipec: 1\nname: fix_bug\n"), "{yaml}");
    assert!(yaml.contains("provider: anthropic"), "{yaml}");
    assert!(yaml.contains("{{ steps.analyze_error }}"), "{yaml}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("warning[P0811]"), "{stderr}");
    assert!(stderr.contains("fix_bug.yaml:25:9"), "{stderr}");
    assert!(
        stderr.ends_with(
            "migrated ../shared/corpus/pipeline_ex/workflows/fix_bug.yaml: 5 warnings\n"
        ),
        "{stderr}"
    );
    // Byte-deterministic.
    assert_eq!(pipec(&["migrate", FIX_BUG]).stdout, out.stdout);
}

#[test]
fn the_written_file_checks_clean_in_yaml_and_json() {
    let dir = scratch("written");
    for (format, name) in [
        ("yaml", "fix_bug.pipec.yaml"),
        ("json", "fix_bug.pipec.json"),
    ] {
        let target = dir.join(name);
        let target_arg = target.to_str().unwrap();
        let out = pipec(&["migrate", FIX_BUG, "-o", target_arg, "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "nothing on stdout with -o");
        let written = std::fs::read_to_string(&target).unwrap();
        if format == "json" {
            let doc: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
            assert_eq!(doc["pipec"], 1);
        }
        let check = pipec(&["check", target_arg]);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
        assert!(
            text(&check.stdout).contains("0 errors, 0 warnings"),
            "{}",
            text(&check.stdout)
        );
    }
}

#[test]
fn a_file_with_errors_is_refused_and_nothing_is_written() {
    let dir = scratch("refused");
    let broken = dir.join("broken.yaml");
    std::fs::write(
        &broken,
        "workflow:\n  name: broken\n  steps:\n    - name: a\n      type: claude\n      prompt:\n        - {type: previous_response, step: nowhere}\n",
    )
    .unwrap();
    let target = dir.join("out.pipec.yaml");
    let out = pipec(&[
        "migrate",
        broken.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[P0202]"), "{stderr}");
    assert!(
        stderr.contains("has errors; fix them before migrating"),
        "{stderr}"
    );
    assert!(!target.exists());
}

#[test]
fn a_native_file_is_p0810() {
    let out = pipec(&["migrate", "examples/code_review.pipec.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("error[P0810]"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_file_is_a_usage_problem() {
    let out = pipec(&["migrate", "no/such/file.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
