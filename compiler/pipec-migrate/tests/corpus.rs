//! Every `accept` file of the pipeline_ex corpus (`../shared/corpus/pipeline_ex`) through
//! `pipec migrate`: the native file it becomes checks with zero errors, and both the
//! migrated YAML and the migrate warnings are pinned in snapshots (`snapshots/migrate/`).
//! The only warning the native check may give is P0600 (a result nothing reads) for a
//! loop body step other than the body's last: pipeline_ex keeps such results (its Claude
//! steps write files with tools), a native loop keeps only the last step's; the warning is
//! true, and it is pinned in the snapshot too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pipeline_ex")
}

/// The files SOURCE.md marks `accept`.
fn accepted() -> Vec<String> {
    let manifest = std::fs::read_to_string(corpus().join("SOURCE.md")).expect("SOURCE.md");
    manifest
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let path = cells.get(1)?;
            (path.ends_with(".yaml") && *cells.get(4)? == "accept").then(|| (*path).to_owned())
        })
        .collect()
}

fn snapshot_name(path: &str) -> String {
    path.trim_end_matches(".yaml").replace('/', "__")
}

#[test]
fn every_accepted_corpus_file_migrates_to_a_clean_native_file() {
    let files = accepted();
    assert_eq!(files.len(), 45, "SOURCE.md accepts 45 files");
    let mut failures = Vec::new();
    let mut settings = insta::Settings::clone_current();
    settings
        .set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots/migrate"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for path in &files {
        let text = std::fs::read_to_string(corpus().join(path)).expect("corpus file");
        let m = common::migrate_text(path, &text);
        let unexpected = m
            .output
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() != "P0600" || d.is_error());
        if unexpected {
            failures.push(format!(
                "{path}:\n{}\n{}",
                common::output_diagnostics(&m),
                m.yaml
            ));
        }
        let again = common::migrate_text(path, &text);
        assert_eq!(m.yaml, again.yaml, "{path}: migrating twice differs");
        settings.bind(|| {
            insta::assert_snapshot!(snapshot_name(path), m.yaml);
            let checked = common::output_diagnostics(&m);
            insta::assert_snapshot!(
                format!("{}.warnings", snapshot_name(path)),
                format!(
                    "{}\n-- pipec check of the migrated file --\n{checked}",
                    m.warnings
                )
            );
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The rejected files that pipec still checks without errors (plain-string prompts, P0108)
/// and the checker's pipeline_ex fixtures without errors migrate to files without errors
/// too: more shapes (data_transform joins, hooks, MCP servers, nested loops) than the
/// accepted files hold.
#[test]
fn every_error_free_pipeline_ex_file_migrates_without_errors() {
    let mut files: Vec<(String, String)> = Vec::new();
    for path in [
        "examples/data_transform_example.yaml",
        "examples/hooks_example.yaml",
        "examples/mcp_server_example.yaml",
        "examples/context_management_example.yaml",
        "examples/memory_compaction_example.yaml",
        "examples/subagents_example.yaml",
    ] {
        files.push((
            path.to_owned(),
            std::fs::read_to_string(corpus().join(path)).unwrap(),
        ));
    }
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../pipec-check/tests/fixtures/pipeline_ex");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    let mut migrated = 0;
    let mut failures = Vec::new();
    for (name, text) in &files {
        let Some(m) = common::try_migrate(name, text) else {
            continue;
        };
        migrated += 1;
        if m.output.error_count() > 0 {
            failures.push(format!(
                "{name}:\n{}\n{}",
                common::output_diagnostics(&m),
                m.yaml
            ));
        }
    }
    assert!(migrated >= 6, "only {migrated} files migrated");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
