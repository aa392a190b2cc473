//! `pipec fmt` on the real binary: rewriting in place, `--check` listing what would change,
//! directories searched for `.pipe`, files with syntax errors left alone, exit statuses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::pipec;

use std::path::PathBuf;

const MESSY: &str =
    "pipeline  p   // the pipe\ninput x:str\nstep a=llm \"Hi {{ inputs.x }}\"\noutput y=steps.a\n";
const TIDY: &str = "pipeline p  // the pipe\ninput x: str\nstep a = llm \"Hi {{ inputs.x }}\"\noutput y = steps.a\n";

fn scratch(name: &str) -> PathBuf {
    let dir = common::scratch(name);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    dir
}

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

#[test]
fn each_command_has_its_own_help() {
    let fmt = pipec(&["fmt", "--help"]);
    let fmt = String::from_utf8(fmt.stdout).unwrap();
    assert!(fmt.starts_with("Format `.pipe` files in place"), "{fmt}");
    assert!(fmt.contains("pipec fmt --check pipelines/"), "{fmt}");
    let convert = pipec(&["convert", "--help"]);
    let convert = String::from_utf8(convert.stdout).unwrap();
    assert!(
        convert.starts_with("Convert a native pipeline between YAML, JSON and the `.pipe` DSL"),
        "{convert}"
    );
    assert!(!convert.contains("pipec fmt"), "{convert}");
}
