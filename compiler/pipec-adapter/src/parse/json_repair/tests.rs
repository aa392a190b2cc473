//! json_repair's behaviour on the inputs DSPy meets, each checked against the real
//! library (json_repair 0.64.5).

use super::loads;
use crate::value::json::dumps;

fn repaired(text: &str) -> String {
    match loads(text) {
        Ok(value) => dumps(&value),
        Err(error) => format!("{error:?}"),
    }
}

#[test]
fn valid_json_and_prose() {
    assert_eq!(repaired("42"), "42");
    assert_eq!(repaired("42 apples"), "\"\"");
    assert_eq!(
        repaired("Here it is: {\"a\": 1} hope that helps"),
        "{\"a\": 1}"
    );
    assert_eq!(repaired("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
    assert_eq!(
        repaired("{\"answer\": \"x\"} {\"score\": 1}"),
        "[{\"answer\": \"x\"}, {\"score\": 1}]"
    );
}

#[test]
fn repairs() {
    assert_eq!(repaired("[4, 5,]"), "[4, 5]");
    assert_eq!(repaired("[1, 2"), "[1, 2]");
    assert_eq!(repaired("{'a': 1, 'b': 2}"), "{\"a\": 1, \"b\": 2}");
    assert_eq!(repaired("{a: 1, b: 'two'}"), "{\"a\": 1, \"b\": \"two\"}");
    assert_eq!(
        repaired("{\"a\": 1, \"b\": [true, null],}"),
        "{\"a\": 1, \"b\": [true, null]}"
    );
    assert_eq!(repaired("{'k': None}"), "{\"k\": null}");
    assert_eq!(
        repaired("{\"answer\": \"x\", // a comment\n \"score\": 2}"),
        "{\"answer\": \"x\", \"score\": 2}"
    );
    assert_eq!(
        repaired("{'answer': 'x', 'score': 1,}"),
        "{\"answer\": \"x\", \"score\": 1}"
    );
}

#[test]
fn deep_nesting_is_an_error() {
    assert!(loads(&"[".repeat(100_000)).is_err());
    assert!(loads(&"{\"a\":".repeat(50_000)).is_err());
}
