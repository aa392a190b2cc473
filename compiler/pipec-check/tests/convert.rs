//! `pipec convert` round trips: for every example and every native check fixture that
//! checks without errors, converting it to each of YAML, JSON and `.pipe` and back gives
//! the same IR (spans removed) and the same diagnostic codes at every stage: A, A → B and
//! A → B → A all lower alike. Snapshots of each example converted to each form are under
//! `snapshots/convert/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod support;

use std::path::Path;

use pipec_diagnostics::FileId;
use pipec_ir::Pipeline;
use pipec_syntax::SourceFormat;
use pipec_syntax::convert::Target;

/// Convert as `pipec convert` does (JSON from the checked IR).
fn convert(text: &str, format: SourceFormat, to: Target, ir: &Pipeline) -> Option<String> {
    pipec_ir::normalize::convert(FileId(0), text, format, to, ir)
}

const TARGETS: [(Target, &str); 3] = [
    (Target::Yaml, ".pipec.yaml"),
    (Target::Json, ".pipec.json"),
    (Target::Pipe, ".pipe"),
];

/// `name` without its form's extension.
fn stem(name: &str) -> &str {
    [
        ".pipec.yaml",
        ".pipec.json",
        ".yaml",
        ".yml",
        ".json",
        ".pipe",
    ]
    .iter()
    .find_map(|ext| name.strip_suffix(ext))
    .unwrap_or(name)
}

fn target_of(name: &str) -> Target {
    match SourceFormat::from_file_name(name) {
        SourceFormat::Yaml => Target::Yaml,
        SourceFormat::Json => Target::Json,
        SourceFormat::Pipe => Target::Pipe,
    }
}

/// Check every round trip of `dir/rel`; false when it is not a clean native file.
fn round_trips(dir: &Path, rel: &str) -> bool {
    let bytes = std::fs::read(dir.join(rel)).unwrap();
    let Ok(text) = String::from_utf8(bytes.clone()) else {
        return false;
    };
    let mut loader = support::loader_for(dir);
    let (ir, codes) = support::lower(rel, bytes, &mut loader);
    let errors = codes.iter().any(|c| is_error(c));
    let codes = checker_codes(codes);
    let Some(ir) = ir else {
        return false;
    };
    let native = ir.contains("dialect: Native");
    if !native || errors {
        return false;
    }
    let format = SourceFormat::from_file_name(rel);
    let pipeline = support::pipeline(
        rel,
        text.clone().into_bytes(),
        &mut support::loader_for(dir),
    )
    .unwrap();
    for (target, ext) in TARGETS {
        let there = convert(&text, format, target, &pipeline)
            .unwrap_or_else(|| panic!("{rel} does not convert to {ext}"));
        let there_name = format!("{}{ext}", stem(rel));
        let mut loader = support::loader_for(dir);
        let (there_ir, there_codes) =
            support::lower(&there_name, there.clone().into_bytes(), &mut loader);
        let context = format!("{rel} → {there_name}\n{there}");
        assert_eq!(codes, checker_codes(there_codes), "{context}");
        support::assert_same(&context, &ir, there_ir.as_deref().unwrap_or(""));
        let there_pipeline = support::pipeline(
            &there_name,
            there.clone().into_bytes(),
            &mut support::loader_for(dir),
        )
        .unwrap();
        let back = convert(
            &there,
            SourceFormat::from_file_name(&there_name),
            target_of(rel),
            &there_pipeline,
        )
        .unwrap_or_else(|| panic!("{there_name} does not convert back"));
        let mut loader = support::loader_for(dir);
        let (back_ir, back_codes) = support::lower(rel, back.clone().into_bytes(), &mut loader);
        let context = format!("{rel} → {there_name} → back\n{back}");
        assert_eq!(codes, checker_codes(back_codes), "{context}");
        support::assert_same(&context, &ir, back_ir.as_deref().unwrap_or(""));
    }
    true
}

/// The codes of the checks proper: a form's own syntax warnings (P00xx, such as the DSL's
/// dangling doc comment P0027) are about its text, not the pipeline.
fn checker_codes(codes: Vec<String>) -> Vec<String> {
    codes
        .into_iter()
        .filter(|c| !c.starts_with("P00"))
        .collect()
}

fn is_error(code: &str) -> bool {
    pipec_diagnostics::Code::parse(code)
        .is_some_and(|c| c.severity() == pipec_diagnostics::Severity::Error)
}

#[test]
fn every_example_round_trips_through_every_form() {
    let dir = support::repo_root().join("examples");
    let mut done = 0;
    for rel in support::files_under(&dir) {
        if rel.ends_with(".md") {
            continue;
        }
        assert!(
            round_trips(&dir, &rel),
            "{rel} is not a clean native example"
        );
        done += 1;
    }
    assert!(done >= 10, "only {done} examples");
}

#[test]
fn every_clean_native_fixture_round_trips_through_every_form() {
    let dir = support::repo_root().join("compiler/pipec-check/tests/fixtures");
    let mut done = 0;
    for rel in support::files_under(&dir) {
        if rel.ends_with(".expect") || rel.ends_with(".snap") {
            continue;
        }
        if round_trips(&dir, &rel) {
            done += 1;
        }
    }
    eprintln!("{done} clean native fixtures round-trip");
    assert!(done >= 5, "only {done} clean native fixtures");
}

#[test]
fn snapshots_of_every_example_in_every_form() {
    let dir = support::repo_root().join("examples");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(support::repo_root().join("snapshots/convert"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for rel in support::files_under(&dir) {
            if !rel.ends_with(".pipec.yaml") {
                continue;
            }
            let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
            let pipeline = support::pipeline(
                &rel,
                text.clone().into_bytes(),
                &mut support::loader_for(&dir),
            )
            .unwrap();
            for (target, ext) in TARGETS {
                let out = convert(&text, SourceFormat::Yaml, target, &pipeline).unwrap();
                let name = format!("{}{}", stem(&rel).replace('/', "__"), ext.replace('.', "_"));
                insta::assert_snapshot!(name, out);
            }
        }
    });
}

/// The comments of a YAML file: `(prefix-free text)` of each `# ...` that is not inside a
/// string of `commented.pipec.yaml` (whose lines with quotes or a block's text hold none).
fn yaml_comment_texts(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.contains('"') && !line.contains("Review"))
        .filter_map(|line| {
            line.find(" #")
                .map(|i| i + 1)
                .or(line.starts_with('#').then_some(0))
                .map(|at| &line[at + 1..])
        })
        .collect()
}

/// `commented.pipec.yaml`, its text and checked IR.
fn commented() -> (std::path::PathBuf, String, Pipeline) {
    let dir = support::repo_root().join("compiler/pipec-check/tests/convert");
    assert!(round_trips(&dir, "commented.pipec.yaml"));
    let text = std::fs::read_to_string(dir.join("commented.pipec.yaml")).unwrap();
    let pipeline = support::pipeline(
        "commented.pipec.yaml",
        text.clone().into_bytes(),
        &mut support::loader_for(&dir),
    )
    .unwrap();
    (dir, text, pipeline)
}

fn convert_snapshot(name: &str, out: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(support::repo_root().join("snapshots/convert"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, out));
}

#[test]
fn yaml_comments_are_kept_in_the_pipe_form() {
    let (_, text, pipeline) = commented();
    let out = convert(&text, SourceFormat::Yaml, Target::Pipe, &pipeline).unwrap();
    // Every comment of the YAML file is in the `.pipe` file; `#` inside strings is text.
    for comment in yaml_comment_texts(&text) {
        assert!(
            out.contains(&format!("//{comment}")),
            "lost `{comment}`:\n{out}"
        );
    }
    convert_snapshot("commented_pipe", &out);
}

#[test]
fn comments_are_kept_in_the_yaml_form_from_yaml_and_from_pipe() {
    let (dir, text, pipeline) = commented();
    let yaml = convert(&text, SourceFormat::Yaml, Target::Yaml, &pipeline).unwrap();
    let pipe = convert(&text, SourceFormat::Yaml, Target::Pipe, &pipeline).unwrap();
    let pipe_pipeline = support::pipeline(
        "commented.pipe",
        pipe.clone().into_bytes(),
        &mut support::loader_for(&dir),
    )
    .unwrap();
    let from_pipe = convert(&pipe, SourceFormat::Pipe, Target::Yaml, &pipe_pipeline).unwrap();
    for (form, out) in [("yaml", &yaml), ("pipe → yaml", &from_pipe)] {
        for comment in yaml_comment_texts(&text) {
            let kept = format!("#{comment}");
            assert!(out.contains(&kept), "{form}: lost `{comment}`:\n{out}");
            assert_eq!(
                out.matches(&kept).count(),
                1,
                "{form}: `{comment}` twice:\n{out}"
            );
        }
        // The output is YAML that converts to itself: the comments stay where they went.
        let again = support::pipeline(
            "again.pipec.yaml",
            out.clone().into_bytes(),
            &mut support::loader_for(&dir),
        )
        .unwrap();
        let twice = convert(out, SourceFormat::Yaml, Target::Yaml, &again).unwrap();
        assert_eq!(&twice, out, "{form}: converting again moved something");
    }
    convert_snapshot("commented_yaml", &yaml);
    convert_snapshot("commented_pipe_yaml", &from_pipe);
}
