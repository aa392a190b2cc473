//! Documentation examples: every diagnostic page in `pipec-diagnostics/docs/` (what `pipec
//! explain` prints) shows a complete pipeline file as the first ```yaml block of its
//! `## Example` section, and checking that file alone, as `pipeline.yaml`, must report the
//! page's own code. A page whose example is a ```json block is checked as `pipeline.json`,
//! and one whose example is a ```pipe block (the DSL) as `pipeline.pipe`.
//! Pages whose example cannot stand alone (invalid UTF-8, binary data, a file over the size
//! limit, files that need other files) say so with `<!-- example: not standalone -->` and
//! are skipped. All failures are reported together, each with its page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::path::{Path, PathBuf};

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::Code;

/// The marker of a page whose example is an illustration, not a file to check.
const NOT_STANDALONE: &str = "<!-- example: not standalone -->";

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../pipec-diagnostics/docs")
}

/// Every page, as `(file name, text)`, sorted by name.
fn pages() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(docs_dir())
        .expect("the docs directory is readable")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The first fenced `yaml` (or `json`, or `pipe`) block of the `## Example` section, with the
/// file name to check it under.
fn example(page: &str) -> Result<(&'static str, String), String> {
    let mut lines = page
        .lines()
        .skip_while(|l| l.trim_end() != "## Example")
        .skip(1)
        .take_while(|l| !l.starts_with("## "));
    let name = loop {
        match lines.next().map(str::trim_end) {
            Some("```yaml") => break "pipeline.yaml",
            Some("```json") => break "pipeline.json",
            Some("```pipe") => break "pipeline.pipe",
            Some(_) => {}
            None => return Err("no ```yaml block under `## Example`".to_owned()),
        }
    };
    let mut text = String::new();
    for line in lines {
        if line.trim_end() == "```" {
            return Ok((name, text));
        }
        text.push_str(line);
        text.push('\n');
    }
    Err("the ```yaml block under `## Example` is not closed".to_owned())
}

/// Why the page's example does not show its code, if it does not.
fn failure(code: Code, page: &str) -> Option<String> {
    let (name, text) = match example(page) {
        Ok(found) => found,
        Err(why) => return Some(why),
    };
    let result = check(
        vec![InputFile {
            name: name.into(),
            bytes: text.into_bytes(),
        }],
        &mut MemoryLoader::new(),
    );
    if result.diagnostics.iter().any(|d| d.code == code) {
        return None;
    }
    let seen: Vec<String> = result
        .diagnostics
        .iter()
        .map(|d| format!("{} ({})", d.code, d.message))
        .collect();
    Some(if seen.is_empty() {
        format!("checking the example reports nothing, not {code}")
    } else {
        format!(
            "checking the example reports {}, not {code}",
            seen.join(", ")
        )
    })
}

#[test]
fn every_standalone_example_triggers_its_code() {
    let pages = pages();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, text) in &pages {
        let Some(code) = name.strip_suffix(".md").and_then(Code::parse) else {
            failures.push(format!("{name}: not named after a diagnostic code"));
            continue;
        };
        if text.contains(NOT_STANDALONE) {
            continue;
        }
        checked += 1;
        if let Some(why) = failure(code, text) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} page(s) with a broken example:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    assert_eq!(
        pages.len(),
        Code::ALL.len(),
        "every code has exactly one page"
    );
    assert!(
        checked * 2 > pages.len(),
        "most examples are standalone; only {checked} were checked"
    );
}
