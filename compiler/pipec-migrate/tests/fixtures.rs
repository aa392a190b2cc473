//! Migrate fixtures: each pipeline_ex file under `tests/fixtures/` declares the migrate
//! diagnostics it must produce with `# expect: P08xx` on the line where one starts (or
//! `# expect-next:` on the line before). The test migrates each file and requires exactly
//! those diagnostics, a migrated file that checks with no diagnostic at all, and pins the
//! migrated YAML and the rendered warnings in snapshots (`snapshots/migrate/fixtures/`).
//! Files under `fixtures/steps/` are the pipelines the fixtures call.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use std::path::{Path, PathBuf};

use pipec_check::MemoryLoader;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `(line, code)` pairs the file declares, 1-based lines.
fn expected(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (marker, offset) in [("# expect: ", 1), ("# expect-next: ", 2)] {
            if let Some(at) = line.find(marker) {
                for code in line[at + marker.len()..]
                    .split([',', ' '])
                    .filter(|c| !c.is_empty())
                {
                    out.push((i + offset, code.to_owned()));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_migrate_fixture_reports_what_it_declares() {
    let mut loader = MemoryLoader::new();
    for entry in std::fs::read_dir(fixtures().join("steps")).unwrap() {
        let path = entry.unwrap().path();
        let name = format!("steps/{}", path.file_name().unwrap().to_string_lossy());
        loader.insert(&name, std::fs::read(&path).unwrap());
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 14, "the fixtures are there");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots/migrate/fixtures"),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut failures = Vec::new();
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let m = common::migrate_with(&name, &text, &loader);
        let mut got: Vec<(usize, String)> = Vec::new();
        for d in &m.diagnostics {
            let file = m.source.sources.get(d.primary.span.file).unwrap();
            got.push((
                file.line_col(d.primary.span.start).line as usize,
                d.code.as_str().to_owned(),
            ));
        }
        got.sort();
        if got != expected(&text) {
            failures.push(format!(
                "{name}: expected {:?}, got {got:?}\n{}",
                expected(&text),
                m.warnings
            ));
        }
        if !m.output.diagnostics.is_empty() {
            failures.push(format!(
                "{name}: the migrated file has diagnostics\n{}\n{}",
                common::output_diagnostics(&m),
                m.yaml
            ));
        }
        let stem = name.trim_end_matches(".yaml").to_owned();
        settings.bind(|| {
            insta::assert_snapshot!(stem.clone(), m.yaml);
            insta::assert_snapshot!(format!("{stem}.warnings"), m.warnings);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
