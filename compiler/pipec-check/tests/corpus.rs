//! The pipeline_ex corpus (`../shared/corpus/pipeline_ex`, 58 real files) through the whole
//! checker: every file pipeline_ex's own loader accepts checks with zero errors; of the
//! rejected ones, the six whose only fault is a plain-string prompt are accepted with P0108,
//! and the others get coded errors. The warnings pipec finds are pinned in a snapshot.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::render::{ColorChoice, render_human};

const STRING_PROMPT_ONLY: &[&str] = &[
    "examples/context_management_example.yaml",
    "examples/data_transform_example.yaml",
    "examples/hooks_example.yaml",
    "examples/mcp_server_example.yaml",
    "examples/memory_compaction_example.yaml",
    "examples/subagents_example.yaml",
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pipeline_ex")
}

/// `path → verdict` from the manifest table of SOURCE.md.
fn verdicts() -> BTreeMap<String, String> {
    let manifest =
        std::fs::read_to_string(corpus().join("SOURCE.md")).expect("SOURCE.md beside the corpus");
    manifest
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let path = cells.get(1)?;
            let verdict = cells.get(4)?;
            path.ends_with(".yaml")
                .then(|| ((*path).to_owned(), (*verdict).to_owned()))
        })
        .collect()
}

#[test]
fn corpus_files_check_as_pipeline_ex_loads_them() {
    let verdicts = verdicts();
    assert_eq!(verdicts.len(), 58, "the manifest lists 58 files");
    let mut failures = Vec::new();
    let mut report = String::new();
    for (path, verdict) in &verdicts {
        let bytes = std::fs::read(corpus().join(path)).expect("corpus file");
        let result = check(
            vec![InputFile {
                name: path.clone(),
                bytes,
            }],
            &mut MemoryLoader::new(),
        );
        let errors = result.error_count();
        let codes: Vec<&str> = result.diagnostics.iter().map(|d| d.code.as_str()).collect();
        let ok = if verdict == "accept" {
            errors == 0
        } else if STRING_PROMPT_ONLY.contains(&path.as_str()) {
            errors == 0 && codes.contains(&"P0108")
        } else {
            errors > 0
        };
        let rendered = render_human(&result.sources, &result.diagnostics, ColorChoice::Never);
        if !ok {
            failures.push(format!("{path} ({verdict}): {errors} errors\n{rendered}"));
        }
        let summary: Vec<String> = result
            .diagnostics
            .iter()
            .map(|d| {
                let line = result
                    .sources
                    .get(d.primary.span.file)
                    .map_or(0, |f| f.line_col(d.primary.span.start).line);
                format!(
                    "  {}:{line} {}[{}] {}",
                    path,
                    d.severity.as_str(),
                    d.code,
                    d.message
                )
            })
            .collect();
        report.push_str(&format!("{path} ({verdict})\n{}\n", summary.join("\n")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let mut settings = insta::Settings::clone_current();
    settings
        .set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots/corpus"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("pipeline_ex_corpus", report));
}
