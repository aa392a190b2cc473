//! Every case of `chat_format.json` and `json_format.json`: the messages DSPy 3.4.1's
//! `ChatAdapter().format(...)` / `JSONAdapter().format(...)` returned, byte for byte, or
//! an error where DSPy raised.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use pipec_adapter::value::Value;
use pipec_adapter::{Adapter, Map, format};

/// Deviations from DSPy's recorded behaviour, with the reason: none. (DSPy's `TypeError`
/// on non-string items in a `str` list is matched, as a `FormatError::ListItem`.)
const DEVIATIONS: &[(&str, &str)] = &[];

fn check_file(file: &str, adapter: Adapter) {
    let cases = common::cases(file);
    let mut failures = Vec::new();
    let mut agreed = 0;
    for case in &cases {
        let name = common::name(case);
        if DEVIATIONS.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let types = common::types(case);
        let signature = common::signature(case, &types);
        let demos = common::objects(case, "demos");
        let inputs = case
            .get("inputs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let result = format(adapter, &signature, &types, &demos, &inputs);
        match (case.get("error").and_then(Value::as_object), result) {
            (Some(expected), Err(error)) => {
                let kind = common::str_of(expected, "error_kind");
                if error.dspy_exception() == kind {
                    agreed += 1;
                } else {
                    failures.push(format!("{name}: DSPy raised {kind:?}, pipec {error:?}"));
                }
            }
            (Some(expected), Ok(_)) => {
                failures.push(format!("{name}: DSPy raised {expected:?}, pipec formatted"));
            }
            (None, Err(error)) => failures.push(format!("{name}: pipec failed: {error}")),
            (None, Ok(messages)) => {
                let expected: Vec<Map> = common::objects(case, "messages");
                let mut ok = expected.len() == messages.len();
                if !ok {
                    failures.push(format!(
                        "{name}: {} messages expected, {} produced",
                        expected.len(),
                        messages.len()
                    ));
                }
                for (i, (want, got)) in expected.iter().zip(&messages).enumerate() {
                    let role = common::str_of(want, "role").unwrap_or("");
                    let content = common::str_of(want, "content").unwrap_or("");
                    if role != got.role.as_str() || content != got.content {
                        ok = false;
                        failures.push(format!(
                            "{name}: message {i} ({role} vs {}): {}",
                            got.role.as_str(),
                            common::first_difference(content, &got.content)
                        ));
                        break;
                    }
                }
                if ok {
                    agreed += 1;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {agreed} of {} cases agree; failures:\n{}",
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(agreed + DEVIATIONS.len(), cases.len());
}

#[test]
fn chat_format_agrees_with_every_recorded_case() {
    check_file("chat_format.json", Adapter::Chat);
}

#[test]
fn json_format_agrees_with_every_recorded_case() {
    check_file("json_format.json", Adapter::Json);
}
