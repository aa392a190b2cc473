//! `pipec fmt` on the real binary: rewriting in place, `--check` listing what would change,
//! directories searched for `.pipe`, files with syntax errors left alone, exit statuses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pipec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .env("NO_COLOR", "1")
        .output()
        .expect("run pipec")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pipec-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    dir
}

const MESSY: &str =
    "pipeline  p   // the pipe\ninput x:str\nstep a=llm \"Hi {{ inputs.x }}\"\noutput y=steps.a\n";
const TIDY: &str = "pipeline p  // the pipe\ninput x: str\nstep a = llm \"Hi {{ inputs.x }}\"\noutput y = steps.a\n";

#[test]
fn check_lists_what_would_change_and_fmt_rewrites_it() {
    let dir = scratch("check");
    let messy = dir.join("sub/messy.pipe");
    let tidy = dir.join("tidy.pipe");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    std::fs::write(dir.join("other.yaml"), "not: [a pipe").unwrap();

    let out = pipec(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(listed.trim(), messy.to_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        MESSY,
        "--check changes nothing"
    );

    let out = pipec(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(std::fs::read_to_string(&tidy).unwrap(), TIDY);

    let out = pipec(&[
        "fmt",
        "--check",
        messy.to_str().unwrap(),
        tidy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_file_with_syntax_errors_is_not_rewritten() {
    let dir = scratch("errors");
    let broken = dir.join("broken.pipe");
    let text = "pipeline p\nstep a = llm \"unclosed\nstep b =\n";
    std::fs::write(&broken, text).unwrap();
    let out = pipec(&["fmt", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("error[P00"), "{report}");
    assert!(report.contains("error"), "{report}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
}

#[test]
fn no_pipe_files_is_a_usage_error() {
    let dir = scratch("none");
    let out = pipec(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = pipec(&["fmt", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
}
