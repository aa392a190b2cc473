//! Fixture tests: every file under `tests/fixtures/` is checked, and its diagnostics must be
//! exactly the ones it declares. A fixture declares an expected diagnostic with a comment
//! on the line the diagnostic's primary span starts on:
//!
//! ```yaml
//!     model: fsat        # expect: P0210
//! # expect-next: P0101
//!     unknwon: 1
//! ```
//!
//! In `.pipe` files the markers are `// expect: P0020` and `// expect-next: P0020`. Files that
//! cannot hold comments (JSON, binary, invalid UTF-8) list `LINE CODE` pairs in a
//! sidecar `NAME.expect`. A directory whose name ends in `.multi` is one check of all its
//! files together (for `pipeline_file` calls between them). Each fixture's rendered human
//! output is also an insta snapshot under `snapshots/diagnostics/`, and a last test fails
//! when some diagnostic code has no fixture that triggers it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::Code;
use pipec_diagnostics::render::{ColorChoice, render_human};

/// Codes whose trigger cannot live in a fixture file, and the test that covers each.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "P0010",
        "tests/robustness.rs::a_file_over_the_size_limit_is_refused",
    ),
    // Run-time codes: `pipec check` never reports them; the runtime's and the CLI's tests
    // trigger each one.
    (
        "P0700",
        "runtime/tests/executor/inputs.rs::every_input_problem_is_reported_before_anything_runs",
    ),
    (
        "P0701",
        "runtime/tests/executor/inputs.rs::every_input_problem_is_reported_before_anything_runs",
    ),
    (
        "P0702",
        "runtime/tests/executor/inputs.rs::every_input_problem_is_reported_before_anything_runs",
    ),
    (
        "P0703",
        "runtime/tests/executor/reliability.rs::a_missing_api_key_is_p0703_naming_the_step",
    ),
    (
        "P0704",
        "runtime/tests/executor/reliability.rs::an_unreachable_provider_is_p0704_after_its_retries",
    ),
    (
        "P0705",
        "runtime/tests/executor/reliability.rs::a_4xx_is_never_retried",
    ),
    (
        "P0706",
        "runtime/tests/executor/adapters.rs::a_reply_neither_adapter_parses_is_p0706",
    ),
    (
        "P0707",
        "runtime/tests/executor/limits.rs::the_call_that_would_pass_max_llm_calls_is_not_made",
    ),
    (
        "P0708",
        "runtime/tests/executor/limits.rs::the_runs_time_limit_stops_it",
    ),
    (
        "P0709",
        "runtime/tests/executor/reliability.rs::a_step_that_times_out_on_every_attempt_is_p0709",
    ),
    (
        "P0710",
        "runtime/tests/executor/kinds.rs::an_expression_that_fails_at_run_time_is_p0710",
    ),
    (
        "P0711",
        "runtime/tests/executor/kinds.rs::react_steps_are_not_runnable_yet",
    ),
    (
        "P0712",
        "runtime/tests/executor/kinds.rs::a_model_calling_step_without_a_model_is_p0712_before_any_call",
    ),
    (
        "P0713",
        "runtime/tests/executor/durability.rs::resume_refuses_a_changed_pipeline_and_an_unknown_run",
    ),
    (
        "P0714",
        "runtime/tests/executor/durability.rs::resume_refuses_a_changed_pipeline_and_an_unknown_run",
    ),
    (
        "P0715",
        "runtime/tests/executor/durability.rs::a_checkpoint_that_cannot_be_written_stops_the_run",
    ),
    (
        "P0716",
        "runtime/tests/executor/kinds.rs::a_list_longer_than_max_items_stops_before_any_call",
    ),
    (
        "P0717",
        "compiler/pipec-cli/tests/run/durability.rs::ctrl_c_cancels_cleanly_and_the_run_resumes",
    ),
    // `pipec build --target dspy`'s refusals.
    (
        "P0832",
        "compiler/pipec-cli/tests/build_dspy.rs::what_dspy_cannot_express_is_refused_with_p0832",
    ),
    // `pipec import-dspy`'s refusals: an error fixture each in pipec-cli/tests/import_dspy/.
    (
        "P0833",
        "compiler/pipec-cli/tests/import_dspy.rs::another_dspy_version_is_p0833",
    ),
    (
        "P0834",
        "compiler/pipec-cli/tests/import_dspy.rs::keys_that_match_no_step_are_p0834",
    ),
    (
        "P0835",
        "compiler/pipec-cli/tests/import_dspy.rs::a_different_field_count_is_p0835",
    ),
    (
        "P0836",
        "compiler/pipec-cli/tests/import_dspy.rs::a_different_field_order_is_p0836",
    ),
    (
        "P0837",
        "compiler/pipec-cli/tests/import_dspy.rs::a_file_that_is_not_a_saved_program_is_p0837",
    ),
    (
        "P0838",
        "compiler/pipec-cli/tests/import_dspy.rs::dsl_files_are_not_edited_p0838",
    ),
    // `pipec prompt`'s refusals: its CLI tests trigger each one.
    (
        "P0718",
        "compiler/pipec-cli/tests/prompt.rs::unknown_and_non_predict_steps_are_refused_with_codes",
    ),
    (
        "P0719",
        "compiler/pipec-cli/tests/prompt.rs::inputs_are_validated_against_the_signature",
    ),
    (
        "P0720",
        "compiler/pipec-cli/tests/prompt.rs::a_signature_the_adapters_cannot_format_is_p0720",
    ),
    (
        "P0721",
        "runtime/tests/executor/pipeline_ex.rs::unsupported_agent_options_are_p0721_warnings_pointing_at_each_option",
    ),
    (
        "P0722",
        "runtime/tests/executor/pipeline_ex.rs::a_path_escaping_the_workspace_is_p0722_and_touches_nothing",
    ),
    (
        "P0723",
        "runtime/tests/executor/pipeline_ex.rs::a_file_operation_that_fails_is_p0723_with_pipeline_ex_s_reason",
    ),
    (
        "P0724",
        "runtime/tests/executor/pipeline_ex.rs::a_strict_extract_that_finds_nothing_is_p0724_listing_the_keys",
    ),
    // `pipec migrate`'s codes: its fixtures (`compiler/pipec-migrate/tests/fixtures/`,
    // one per code, `# expect:` markers as here) trigger each one.
    (
        "P0810",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0811",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0812",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0813",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0814",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0815",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0816",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0817",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0818",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0819",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0820",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0821",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0822",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0823",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0824",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0825",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0826",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    (
        "P0827",
        "compiler/pipec-migrate/tests/fixtures.rs::every_migrate_fixture_reports_what_it_declares",
    ),
    // `pipec convert`'s refusal of a pipeline_ex file: its CLI test triggers it.
    (
        "P0800",
        "compiler/pipec-cli/tests/convert.rs::a_pipeline_ex_file_is_refused_with_p0800",
    ),
    // Generated binaries (`pipec build`): the runtime's start-up check and typed inputs.
    (
        "P0850",
        "compiler/pipec-cli/tests/build/runtime_options.rs::a_crate_built_against_another_runtime_version_is_refused_with_p0850",
    ),
    (
        "P0851",
        "compiler/pipec-cli/tests/build/examples.rs::the_built_binary_runs_like_pipec_run",
    ),
    (
        "P0852",
        "compiler/pipec-cli/tests/build/examples.rs::the_built_binary_runs_like_pipec_run",
    ),
    (
        "P0870",
        "macros/ui-tests/tests/ui.rs (macros/tests/ui/include_missing_file.rs)",
    ),
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture: one file, or a `.multi` directory checked as a whole.
struct Fixture {
    name: String,
    files: Vec<PathBuf>,
}

fn discover() -> Vec<Fixture> {
    let mut out = Vec::new();
    let root = fixtures_dir();
    walk(&root, &root, &mut out);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Fixture>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            if rel.ends_with(".multi") {
                let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| !is_sidecar(p))
                    .collect();
                files.sort();
                out.push(Fixture { name: rel, files });
            } else {
                walk(root, &path, out);
            }
        } else if !is_sidecar(&path) {
            out.push(Fixture {
                name: rel,
                files: vec![path],
            });
        }
    }
}

fn is_sidecar(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "expect")
}

/// `(file name, line, code)` triples a fixture declares.
fn expectations(fixture: &Fixture) -> BTreeSet<(String, u32, String)> {
    let mut out = BTreeSet::new();
    for file in &fixture.files {
        let name = display_name(fixture, file);
        let sidecar = PathBuf::from(format!("{}.expect", file.display()));
        if let Ok(text) = std::fs::read_to_string(&sidecar) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let (n, code) = line
                    .trim()
                    .split_once(' ')
                    .expect("sidecar lines are `LINE CODE`");
                out.insert((name.clone(), n.parse().unwrap(), code.trim().to_owned()));
            }
            continue;
        }
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        // `.pipe` files comment with `//`, YAML with `#`.
        let comment = if file.extension().is_some_and(|e| e == "pipe") {
            "//"
        } else {
            "#"
        };
        let (next_marker, here_marker) = (
            format!("{comment} expect-next:"),
            format!("{comment} expect:"),
        );
        for (i, line) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap();
            for (marker, target) in [
                (next_marker.as_str(), line_no + 1),
                (here_marker.as_str(), line_no),
            ] {
                if let Some(pos) = line.find(marker) {
                    for code in line[pos + marker.len()..]
                        .split([',', ' '])
                        .filter(|c| c.starts_with('P'))
                    {
                        out.insert((name.clone(), target, code.to_owned()));
                    }
                    break;
                }
            }
        }
    }
    out
}

fn display_name(fixture: &Fixture, file: &Path) -> String {
    if fixture.files.len() == 1 && !fixture.name.ends_with(".multi") {
        fixture.name.clone()
    } else {
        format!(
            "{}/{}",
            fixture.name,
            file.file_name().unwrap().to_string_lossy()
        )
    }
}

fn run(fixture: &Fixture) -> (BTreeSet<(String, u32, String)>, String) {
    let mut loader = MemoryLoader::new();
    let mut inputs = Vec::new();
    for file in &fixture.files {
        let name = display_name(fixture, file);
        let bytes = std::fs::read(file).unwrap();
        loader.insert(&name, bytes.clone());
        inputs.push(InputFile { name, bytes });
    }
    let result = check(inputs, &mut loader);
    let mut seen = BTreeSet::new();
    for d in &result.diagnostics {
        let file = result.sources.get(d.primary.span.file).unwrap();
        let line = file.line_col(d.primary.span.start).line;
        seen.insert((file.name().to_owned(), line, d.code.as_str().to_owned()));
    }
    (
        seen,
        render_human(&result.sources, &result.diagnostics, ColorChoice::Never),
    )
}

#[test]
fn fixtures_report_exactly_their_expected_diagnostics() {
    let mut failures = Vec::new();
    for fixture in discover() {
        let expected = expectations(&fixture);
        let (seen, rendered) = run(&fixture);
        if expected != seen {
            let missing: Vec<_> = expected.difference(&seen).collect();
            let unexpected: Vec<_> = seen.difference(&expected).collect();
            failures.push(format!(
                "{}:\n  missing:    {missing:?}\n  unexpected: {unexpected:?}\n{}",
                fixture.name,
                rendered
                    .lines()
                    .map(|l| format!("    | {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn rendered_diagnostics_match_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots/diagnostics"),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for fixture in discover() {
            let (_, rendered) = run(&fixture);
            let name = fixture.name.replace(['/', '.'], "_");
            insta::assert_snapshot!(name, rendered);
        }
    });
}

#[test]
fn every_code_has_a_fixture() {
    let mut triggered = BTreeSet::new();
    for fixture in discover() {
        for (_, _, code) in run(&fixture).0 {
            triggered.insert(code);
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !triggered.contains(*c) && !COVERED_ELSEWHERE.iter().any(|(k, _)| k == c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no fixture triggering them: {missing:?}"
    );
}
