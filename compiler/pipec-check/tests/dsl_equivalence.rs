//! The DSL and YAML versions of every example lower to the same IR: each
//! `examples/**/NAME.pipe` is checked beside `NAME.pipec.yaml`, both must be clean, and
//! their pipelines must be equal once spans (the only thing that may differ) are removed.
//! A `.pipe` file calls `.pipe` sub-pipelines where the YAML calls `.pipec.yaml` ones, so
//! file paths are compared with that extension normalised.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::path::{Path, PathBuf};

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::render::{ColorChoice, render_human};
use support::without_spans;

mod support;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Every `.pipe` example, relative to `examples/`, sorted.
fn pipe_examples() -> Vec<String> {
    let mut out = Vec::new();
    let root = examples_dir();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "pipe") {
                let rel = path.strip_prefix(&root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Check one example with every other example file available to the loader; the span-free
/// rendering of its pipeline.
fn lowered(name: &str) -> String {
    let mut loader = MemoryLoader::new();
    let root = examples_dir();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                loader.insert(&rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let bytes = std::fs::read(root.join(name)).unwrap();
    let result = check(
        vec![InputFile {
            name: name.to_owned(),
            bytes,
        }],
        &mut loader,
    );
    assert!(
        result.diagnostics.is_empty(),
        "{name} does not check clean:\n{}",
        render_human(&result.sources, &result.diagnostics, ColorChoice::Never)
    );
    let pipeline = result
        .pipelines
        .first()
        .and_then(|(_, p)| p.as_ref())
        .unwrap();
    without_spans(&format!("{pipeline:#?}")).replace(".pipe\"", ".pipec.yaml\"")
}

#[test]
fn every_dsl_example_lowers_to_the_ir_of_its_yaml_twin() {
    let examples = pipe_examples();
    assert!(
        examples.len() >= 6,
        "only {} .pipe examples",
        examples.len()
    );
    for pipe in examples {
        let yaml = pipe.replace(".pipe", ".pipec.yaml");
        assert!(
            examples_dir().join(&yaml).exists(),
            "{pipe} has no YAML twin {yaml}"
        );
        let (from_dsl, from_yaml) = (lowered(&pipe), lowered(&yaml));
        if from_dsl != from_yaml {
            if let Ok(dir) = std::env::var("PIPEC_DSL_DUMP") {
                std::fs::write(format!("{dir}/dsl.txt"), &from_dsl).unwrap();
                std::fs::write(format!("{dir}/yaml.txt"), &from_yaml).unwrap();
            }
            let (a, b): (Vec<&str>, Vec<&str>) =
                (from_dsl.lines().collect(), from_yaml.lines().collect());
            let first = (0..a.len().max(b.len()))
                .find(|&i| a.get(i) != b.get(i))
                .unwrap_or(0);
            let context = |text: &str| {
                text.lines()
                    .skip(first.saturating_sub(8))
                    .take(16)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "{pipe} and {yaml} lower differently, from line {first}:\n--- dsl\n{}\n--- yaml\n{}",
                context(&from_dsl),
                context(&from_yaml)
            );
        }
    }
}

#[test]
fn the_normaliser_removes_spans_only() {
    let debug =
        "Name { text: \"a1..2\", span: Span { file: FileId(0), start: 3, end: 4 } } 10..20 x2";
    assert_eq!(
        without_spans(debug),
        "Name { text: \"a1..2\", span: _ } _ x2"
    );
}
