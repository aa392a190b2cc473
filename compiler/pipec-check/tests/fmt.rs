//! `pipec fmt`'s printer on every `.pipe` file of the repository (examples, check
//! fixtures, fuzz regressions) that parses without errors: formatting twice gives what
//! formatting once gives, and the formatted file lowers to the same IR with the same
//! diagnostic codes as the original. `tests/fmt/messy.pipe`, badly formatted on purpose and
//! full of comments, is snapshotted formatted (`snapshots/fmt/`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod support;

use pipec_diagnostics::FileId;
use pipec_syntax::dsl::print::format_pipe;

/// Every `.pipe` file (and DSL fuzz regression), as (directory, relative path).
fn pipe_files() -> Vec<(std::path::PathBuf, String)> {
    let root = support::repo_root();
    let mut out = Vec::new();
    for dir in [
        "examples",
        "compiler/pipec-check/tests/fixtures",
        "compiler/pipec-check/tests/fmt",
    ] {
        let dir = root.join(dir);
        for rel in support::files_under(&dir) {
            if rel.ends_with(".pipe") {
                out.push((dir.clone(), rel));
            }
        }
    }
    let fuzz = root.join("fuzz/regressions/dsl");
    for rel in support::files_under(&fuzz) {
        out.push((fuzz.clone(), rel));
    }
    out
}

#[test]
fn fmt_is_idempotent_and_keeps_the_ir_of_every_pipe_file() {
    let mut formatted = 0;
    for (dir, rel) in pipe_files() {
        let bytes = std::fs::read(dir.join(&rel)).unwrap();
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            continue;
        };
        let Ok(once) = format_pipe(FileId(0), &text) else {
            continue;
        };
        formatted += 1;
        let twice = format_pipe(FileId(0), &once)
            .unwrap_or_else(|d| panic!("{rel}: the formatted file does not parse: {d:#?}\n{once}"));
        support::assert_same(&format!("{rel}: fmt twice vs once"), &once, &twice);
        // Lowered as the fuzz regressions are, under a `.pipe` name.
        let name = if rel.ends_with(".pipe") {
            rel.clone()
        } else {
            format!("{rel}.pipe")
        };
        let mut loader = support::loader_for(&dir);
        let before = support::lower(&name, bytes, &mut loader);
        let mut loader = support::loader_for(&dir);
        loader.insert(&name, once.clone().into_bytes());
        let after = support::lower(&name, once.into_bytes(), &mut loader);
        assert_eq!(before.1, after.1, "{rel}: fmt changed the diagnostics");
        support::assert_same(
            &format!("{rel}: IR before vs after fmt"),
            before.0.as_deref().unwrap_or(""),
            after.0.as_deref().unwrap_or(""),
        );
    }
    assert!(formatted >= 10, "only {formatted} .pipe files formatted");
}

#[test]
fn a_badly_formatted_file_with_comments_formats_as_snapshotted() {
    let path = support::repo_root().join("compiler/pipec-check/tests/fmt/messy.pipe");
    let text = std::fs::read_to_string(path).unwrap();
    let formatted = format_pipe(FileId(0), &text).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(support::repo_root().join("snapshots/fmt"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("messy", formatted));
}
