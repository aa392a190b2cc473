//! `pipec build --target dspy` on the real binary: every example's project is
//! snapshotted file by file (`snapshots/dspy/`), is the same from the `.pipe` twin and on
//! a second build (deterministic), and compiles with `python3 -m py_compile`; refusals are
//! P0832 with exit 1, and `--target rust` is refused with exit 2 in this build.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::{pipec, repo_root, scratch};

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Build `file` into a fresh directory and read every file back.
fn build(file: &str, name: &str) -> BTreeMap<String, String> {
    let dir = scratch(name);
    let out = pipec(&[
        "build",
        file,
        "--target",
        "dspy",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.insert(name, std::fs::read_to_string(&path).unwrap());
    }
    let py: Vec<PathBuf> = files
        .keys()
        .filter(|n| n.ends_with(".py"))
        .map(|n| dir.join(n))
        .collect();
    let compiled = Command::new("python3")
        .args(["-m", "py_compile"])
        .args(&py)
        .output()
        .expect("python3");
    assert!(
        compiled.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
    files
}

const EXAMPLES: &[&str] = &["batch_summarize", "code_review", "rag_qa", "router"];

#[test]
fn every_example_builds_deterministically_and_matches_its_snapshots() {
    let support =
        std::fs::read_to_string(repo_root().join("python/pipec_dspy/support.py")).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(repo_root().join("snapshots/dspy"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for example in EXAMPLES {
            let yaml = build(&format!("examples/{example}.pipec.yaml"), example);
            let again = build(&format!("examples/{example}.pipec.yaml"), example);
            assert_eq!(yaml, again, "{example}: two builds differ");
            let dsl = build(&format!("examples/{example}.pipe"), example);
            assert_eq!(yaml, dsl, "{example}: the .pipe twin builds differently");
            assert_eq!(
                yaml["pipec_support.py"], support,
                "the shared helpers are copied as they are"
            );
            for (name, text) in &yaml {
                if name == "pipec_support.py" {
                    continue;
                }
                insta::assert_snapshot!(format!("{example}__{}", name.replace('.', "_")), text);
            }
        }
    });
}

#[test]
fn what_dspy_cannot_express_is_refused_with_p0832() {
    let dir = scratch("refused");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("qa.pipec.yaml");
    std::fs::write(
        &file,
        "pipec: 1\nname: qa\ninputs: {question: str}\nsteps:\n  - id: forward\n    kind: predict\n    signature: \"question: str -> answer: str\"\n    with: {question: \"{{ inputs.question }}\"}\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = pipec(&[
        "build",
        file.to_str().unwrap(),
        "--target",
        "dspy",
        "-o",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("error[P0832]: step id `forward` cannot name an attribute of a DSPy module"),
        "{stderr}"
    );
    assert!(
        !out_dir.exists(),
        "nothing is written when the build is refused"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_rust_back_ends_cargo_flags_are_refused_with_the_dspy_target() {
    for flag in ["--lib", "--release", "--no-compile", "--offline"] {
        let out = pipec(&[
            "build",
            "examples/rag_qa.pipec.yaml",
            "--target",
            "dspy",
            flag,
        ]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error: `{flag}` is an option of `--target rust`")),
            "{flag}: {stderr}"
        );
    }
}
