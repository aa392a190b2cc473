//! pipec reads DSPy signature strings exactly as DSPy 3.4.1 does: every case of
//! `shared/fixtures/dspy/signatures.json` (what `dspy.Signature(signature, instructions)`
//! returned, or that it raised) must agree field by field, with no exceptions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::path::{Path, PathBuf};

use pipec_ir::dspy::{DspySignature, parse_signature};
use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/dspy/signatures.json")
}

/// Every disagreement between pipec and the recorded cases in `path`.
fn disagreements(path: &Path) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("valid JSON");
    let cases = json["cases"].as_array().expect("a `cases` array");
    let mut problems = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let signature = case["signature"].as_str().expect("a signature string");
        let instructions = case["instructions_arg"].as_str();
        let (parsed, errors) = parse_signature(signature, 0, instructions, &[]);
        let result = &case["result"];
        if result["ok"].as_bool() == Some(true) {
            if !errors.is_empty() {
                problems.push(format!(
                    "{name} ({signature:?}): DSPy accepts it, pipec reports {errors:#?}"
                ));
                continue;
            }
            if let Some(problem) = compare(&parsed, result) {
                problems.push(format!("{name} ({signature:?}): {problem}"));
            }
        } else if errors.is_empty() {
            problems.push(format!(
                "{name} ({signature:?}): DSPy raises {} ({}), pipec accepts it as {parsed:#?}",
                result["error_kind"], result["message"]
            ));
        } else {
            for error in &errors {
                if error.range.end > signature.len()
                    || !signature.is_char_boundary(error.range.start)
                    || !signature.is_char_boundary(error.range.end)
                {
                    problems.push(format!(
                        "{name}: error range {:?} is not inside the string",
                        error.range
                    ));
                }
            }
        }
    }
    (cases.len(), problems)
}

/// The first difference between pipec's fields and DSPy's, if any.
fn compare(parsed: &DspySignature, expected: &Value) -> Option<String> {
    if expected["instructions"].as_str() != Some(parsed.instructions.as_str()) {
        return Some(format!(
            "instructions {:?}, expected {}",
            parsed.instructions, expected["instructions"]
        ));
    }
    for (side, fields) in [("inputs", &parsed.inputs), ("outputs", &parsed.outputs)] {
        let want = expected[side].as_array().cloned().unwrap_or_default();
        if want.len() != fields.len() {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            return Some(format!("{side}: {names:?}, expected {}", expected[side]));
        }
        for (field, want) in fields.iter().zip(&want) {
            let got = serde_json::json!({
                "name": field.name,
                "type": field.ty.display(),
                "desc": field.desc(),
                "prefix": field.prefix,
                "type_undefined": field.type_undefined,
            });
            if &got != want {
                return Some(format!("{side}: {got}, expected {want}"));
            }
        }
    }
    None
}

#[test]
fn every_recorded_dspy_signature_agrees() {
    let (count, problems) = disagreements(&fixture());
    assert_eq!(count, 104, "the fixture file changed size");
    assert!(
        problems.is_empty(),
        "{} of {count} cases disagree:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // More recorded cases in the same format, when a developer comparing against a local
    // DSPy 3.4.1 points `PIPEC_DSPY_SIGNATURES` at them.
    if let Some(path) = std::env::var_os("PIPEC_DSPY_SIGNATURES") {
        let (count, problems) = disagreements(Path::new(&path));
        assert!(
            problems.is_empty(),
            "{} of {count} extra cases disagree:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
