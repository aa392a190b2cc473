//! The Rust back-end on every example: the generated crate is snapshotted
//! (`snapshots/codegen/`, one snapshot per example, the embedded sources listed by path),
//! every generated Rust file parses, the crate embeds exactly the files the pipeline calls,
//! and 20 generations give the same bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pipec_check::{CheckResult, InputFile, MemoryLoader, check};
use pipec_codegen::{Options, RuntimeDep, generate};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Every example file (sub-pipelines included), by its path under `examples/`.
fn example_files() -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![examples_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "pipe") {
                let relative = path.strip_prefix(examples_dir()).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

fn checked(name: &str) -> CheckResult {
    let mut loader = MemoryLoader::new();
    for file in example_files() {
        loader.insert(
            &format!("examples/{file}"),
            std::fs::read(examples_dir().join(&file)).unwrap(),
        );
    }
    let input = InputFile {
        name: format!("examples/{name}"),
        bytes: std::fs::read(examples_dir().join(name)).unwrap(),
    };
    let result = check(vec![input], &mut loader);
    assert_eq!(result.error_count(), 0, "{name} has errors");
    result
}

fn options(lib: bool) -> Options {
    Options {
        pipec_version: "0.1.0".to_owned(),
        runtime: RuntimeDep::Version("0.1.0".to_owned()),
        lib,
    }
}

/// The crate as one text: each generated file in full, the embedded sources by path only
/// (they are the example files verbatim, which a test below checks).
fn render(files: &BTreeMap<String, String>) -> String {
    let mut text = String::new();
    for (path, contents) in files {
        if path.starts_with("pipeline/") {
            text.push_str(&format!(
                "=== {path} (embedded source, {} bytes)\n",
                contents.len()
            ));
        } else {
            text.push_str(&format!("=== {path}\n{contents}\n"));
        }
    }
    text
}

#[test]
fn every_example_generates_a_crate_matching_its_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings
        .set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots/codegen"));
    settings.set_prepend_module_to_snapshot(false);
    for name in example_files() {
        let files = generate(&checked(&name), &options(false)).unwrap();
        for (path, contents) in &files {
            if path.ends_with(".rs") {
                syn::parse_file(contents).unwrap_or_else(|e| panic!("{name}: {path}: {e}"));
            }
        }
        let snapshot = name.replace(['/', '.'], "_");
        settings.bind(|| insta::assert_snapshot!(snapshot, render(&files)));
    }
}

#[test]
fn generation_is_byte_identical_across_20_runs() {
    for name in example_files() {
        let checked = checked(&name);
        let first = generate(&checked, &options(false)).unwrap();
        for _ in 1..20 {
            assert_eq!(
                generate(&checked, &options(false)).unwrap(),
                first,
                "{name}"
            );
        }
        // A fresh check of the same bytes gives the same crate too.
        assert_eq!(
            generate(&self::checked(&name), &options(false)).unwrap(),
            first
        );
    }
}

#[test]
fn the_router_embeds_the_files_it_calls_verbatim_under_the_names_it_resolves() {
    let files = generate(&checked("router.pipec.yaml"), &options(false)).unwrap();
    let embedded: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("pipeline/"))
        .collect();
    assert_eq!(
        embedded,
        [
            "pipeline/router.pipec.yaml",
            "pipeline/router/bug_triage.pipec.yaml",
            "pipeline/router/feature_request.pipec.yaml"
        ]
    );
    for path in embedded {
        let source = examples_dir().join(path.trim_start_matches("pipeline/"));
        assert_eq!(
            files[path],
            std::fs::read_to_string(source).unwrap(),
            "{path}"
        );
    }
    assert!(files["src/pipeline.rs"].contains("\"router/bug_triage.pipec.yaml\""));
}

#[test]
fn a_library_crate_has_no_main_and_no_clap() {
    let files = generate(&checked("rag_qa.pipec.yaml"), &options(true)).unwrap();
    assert!(!files.contains_key("src/main.rs"));
    assert!(!files["Cargo.toml"].contains("clap"));
    assert!(files["src/lib.rs"].contains("pub use pipeline::"));
}

#[test]
fn the_manifest_records_the_version_and_the_runtime_source() {
    let checked = checked("code_review.pipec.yaml");
    let published = generate(&checked, &options(false)).unwrap();
    assert!(published["Cargo.toml"].contains("pipec-app = \"=0.1.0\""));
    assert!(published["Cargo.toml"].contains("[package.metadata.pipec]\nversion = \"0.1.0\""));
    assert!(published["src/pipeline.rs"].contains("pub const PIPEC_VERSION: &str = \"0.1.0\";"));
    let mut in_tree = options(false);
    in_tree.runtime = RuntimeDep::Path("/src/pipec/runtime/app".to_owned());
    let local = generate(&checked, &in_tree).unwrap();
    assert!(local["Cargo.toml"].contains("pipec-app = { path = \"/src/pipec/runtime/app\" }"));
}

/// `include_pipeline!`'s expansion is the `--lib` crate with its modules inline: the same
/// types file and pipeline file, differing only in where the sources and types are found.
#[test]
fn the_inline_library_is_the_library_crate_with_its_modules_inline() {
    for name in ["rag_qa.pipec.yaml", "router.pipec.yaml", "code_review.pipe"] {
        let checked = checked(name);
        let root = pipec_codegen::root(&checked).unwrap();
        let embedded = pipec_codegen::files::embedded(&checked);
        assert_eq!(embedded[0].source, format!("examples/{name}"));
        let files: Vec<(String, String)> = embedded
            .iter()
            .map(|f| (f.name.clone(), format!("/abs/{}", f.source)))
            .collect();
        let inline = pipec_codegen::pipeline::inline_lib(root, &files, "0.1.0");
        let crate_files = generate(&checked, &options(true)).unwrap();
        let module = |wanted: &str| {
            let file: syn::File = syn::parse2(inline.clone()).unwrap();
            let items = file
                .items
                .into_iter()
                .find_map(|item| match item {
                    syn::Item::Mod(m) if m.ident == wanted => m.content.map(|(_, items)| items),
                    _ => None,
                })
                .unwrap();
            let file: syn::File = syn::parse2(quote::quote!(#(#items)*)).unwrap();
            prettyplease::unparse(&file)
        };
        // The inner `//!` docs become the module's attributes; compare the items.
        let strip = |text: &str| {
            text.lines()
                .filter(|l| !l.starts_with("//!"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned()
        };
        assert_eq!(
            strip(&module("types")),
            strip(&crate_files["src/types.rs"]),
            "{name}"
        );
        let mut expected = strip(&crate_files["src/pipeline.rs"])
            .replace("use crate::types::", "use super::types::");
        for f in &embedded {
            expected = expected.replace(
                &format!("\"../{}\"", f.disk_path),
                &format!("\"/abs/{}\"", f.source),
            );
        }
        assert_eq!(strip(&module("pipeline")), expected, "{name}");
        assert!(inline.to_string().contains("pub use pipeline ::"), "{name}");
    }
}
