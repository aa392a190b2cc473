//! The YAML fast path against saphyr, the reference reader: wherever the fast path reads
//! an input (rather than leaving it to saphyr), the document and diagnostics must be the same,
//! span for span. Run on every YAML file in the repository, on the `yaml_fast` fuzz target's
//! regressions, and on edge cases that pin down which inputs the fast path takes.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::path::Path;

use pipec_diagnostics::FileId;
use pipec_syntax::yaml_paths::{dump, parse_fast_only, parse_with_saphyr};
/// Whether the fast path took `text`; when it did, it must agree with saphyr exactly.
fn agrees(name: &str, text: &str) -> bool {
    let Some(fast) = parse_fast_only(FileId(0), text) else {
        return false;
    };
    let reference = parse_with_saphyr(FileId(0), text);
    assert_eq!(
        dump(&fast),
        dump(&reference),
        "fast path disagrees with saphyr on {name}"
    );
    true
}

#[test]
fn agrees_with_saphyr_on_every_file_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "compiler/pipec-check/tests/fixtures",
        "../shared/corpus",
    ] {
        common::yaml_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 80, "found only {} files", files.len());
    let mut taken = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if agrees(&path.display().to_string(), &text) {
            taken.push(path);
        }
    }
    // The fast path must actually carry the common case, or this test proves nothing.
    for path in &files {
        let examples = path.components().any(|c| c.as_os_str() == "examples")
            && !path.components().any(|c| c.as_os_str() == "shared");
        if examples {
            assert!(
                taken.contains(&path),
                "the fast path bailed on {}",
                path.display()
            );
        }
    }
    assert!(
        taken.len() * 3 >= files.len(),
        "fast path took only {} of {} files",
        taken.len(),
        files.len()
    );
}

/// Inputs the `yaml_fast` fuzz target found disagreeing, kept as regressions.
#[test]
fn agrees_with_saphyr_on_fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/yaml_fast");
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(!entries.is_empty(), "no regressions in {}", dir.display());
    for path in entries {
        let bytes = std::fs::read(&path).unwrap_or_default();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            agrees(&path.display().to_string(), text);
        }
    }
}

#[test]
fn agrees_with_saphyr_on_edge_cases() {
    // (text, whether the fast path reads it rather than leaving it to saphyr)
    let cases = [
        (
            "a: 1\nb:\n  c: x\n  d:\ne:\n- p\n- q: 1\n  r: \"s\"\nf: {g: h, i: [1, 2]}\nk:\n# c\nl: x # c\n",
            true,
        ),
        (
            "e:\n  - p\n  -   q: 1\n      r: 2\n  - \"x\" # c\nf:   v   \nz: [ ]\ny: {}\nw: [a, {b: c}, \"d\"]\n",
            true,
        ),
        ("- a\n- b: 1\n", true),
        (
            "a: 'it''s'\nb: \"tab\\tnew\\nline \\u00e9 \\x41\"\nc: -1\nd: -0.5\ne: .5\nf: ~\ng: null\nh: true\ni: 0x1F\nj: 1e3\n",
            true,
        ),
        ("a: 1\na: 2\n", true),
        ("\"quoted key\": 1\n'single': 2\n", true),
        ("a:   # comment only\n", true),
        ("a:\n", true),
        (
            "a: 1 #c\nb: 2#not a comment\nc: http://x.y/z\nd: \"x\" # y\n",
            true,
        ),
        ("a:\n    - b\n    - c\nd: e\n", true),
        ("- [a, b]\n- {c: d}\n- 'e'\n", true),
        (
            "steps:\n  - id: a\n    with: {x: \"{{ y }}\", z: '{{ w }}'}\n",
            true,
        ),
        ("a: {\"k\":1, 'j': [x, \"y\"]}\nm: [a, b, ]\n", true),
        ("a: x\n\n\n\nb: y", true),
        ("é: ü\nclé: \"valeur\"\n", true),
        // Left to saphyr: a trailing comma in a flow mapping, nested block sequences on
        // one line, block scalars, anchors, errors, multi-line flow, document markers,
        // a second root node, bad indentation, continued scalars, empty files.
        ("n: {a: 1, }\n", false),
        ("x:\n- - a\n", false),
        ("x: |\n  block\n", false),
        ("x: &a 1\ny: *a\n", false),
        ("x: a: b\n", false),
        ("x: 'unterminated\n", false),
        ("x: [a,\n  b]\n", false),
        ("---\na: 1\n", false),
        ("a: 1\n---\nb: 2\n", false),
        ("  a: 1\nb: 2\n", false),
        ("a:\n  - b\n  c: 1\n", false),
        ("a: b\n  c\n", false),
        ("", false),
        ("# only a comment\n", false),
        ("a:\tb\n", false),
        ("a: b\r\n", false),
        ("a: \u{85}\n", false),
    ];
    for (case, taken) in cases {
        assert_eq!(agrees(case, case), taken, "{case:?}");
    }
}
