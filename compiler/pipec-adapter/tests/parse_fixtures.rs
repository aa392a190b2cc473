//! Every case of `chat_parse.json` and `json_parse.json`: the values (JSON-equal, ints
//! apart from floats) and Python types DSPy 3.4.1's `ChatAdapter().parse(...)` /
//! `JSONAdapter().parse(...)` returned, or an error where DSPy raised.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use pipec_adapter::value::{Value, json};
use pipec_adapter::{Adapter, ParseError, parse, parse_response};

/// Where pipec deliberately differs from DSPy, with the reason.
const DEVIATIONS: &[(&str, &str)] = &[(
    "indented_marker_line",
    "DSPy matches the marker on the stripped line but cuts the value from the unstripped \
     one, so `   [[ ## answer ## ]]   Paris` gives `]]   Paris`; pipec gives `Paris`",
)];

fn check_file(file: &str, adapter: Adapter) {
    let cases = common::cases(file);
    let mut failures = Vec::new();
    let mut agreed = 0;
    let mut deviated = 0;
    for case in &cases {
        let name = common::name(case);
        let types = common::types(case);
        let signature = common::signature(case, &types);
        let completion = common::str_of(case, "completion").expect("completion");
        let expected = case
            .get("result")
            .and_then(Value::as_object)
            .expect("result");
        let result = parse(adapter, &signature, &types, completion);
        if let Some((_, reason)) = DEVIATIONS.iter().find(|(n, _)| *n == name) {
            deviated += 1;
            assert!(
                result.is_ok(),
                "{name}: the deviation ({reason}) must still parse"
            );
            continue;
        }
        if let Some(call_error) = case.get("call_error").and_then(Value::as_object) {
            let call = parse_response(adapter, &signature, &types, Some(completion));
            if !matches!(call, Err(ParseError::EmptyResponse { .. })) {
                failures.push(format!(
                    "{name}: DSPy's call path raised {call_error:?}, pipec {call:?}"
                ));
                continue;
            }
        }
        let ok = expected.get("ok") == Some(&Value::Bool(true));
        match (ok, result) {
            (true, Ok(parsed)) => {
                let values = expected
                    .get("values")
                    .and_then(Value::as_object)
                    .expect("values");
                let value_types = expected
                    .get("value_types")
                    .and_then(Value::as_object)
                    .expect("types");
                let got_names: Vec<&str> = parsed.fields.iter().map(|f| f.name.as_str()).collect();
                let want_names: Vec<&str> = values.keys().map(String::as_str).collect();
                let mut same = got_names == want_names;
                for field in &parsed.fields {
                    let want = values.get(&field.name);
                    let want_type = value_types.get(&field.name).and_then(Value::as_str);
                    if want != Some(&field.value) || want_type != Some(field.type_name.as_str()) {
                        same = false;
                        failures.push(format!(
                            "{name}: `{}` expected {} ({want_type:?}), got {} ({})",
                            field.name,
                            want.map_or("nothing".into(), json::dumps),
                            json::dumps(&field.value),
                            field.type_name
                        ));
                    }
                }
                if same {
                    agreed += 1;
                } else if got_names != want_names {
                    failures.push(format!(
                        "{name}: fields {got_names:?}, expected {want_names:?}"
                    ));
                }
            }
            (true, Err(error)) => failures.push(format!("{name}: DSPy parsed it, pipec: {error}")),
            (false, Ok(parsed)) => {
                failures.push(format!("{name}: DSPy raised, pipec parsed {parsed:?}"))
            }
            (false, Err(error)) => {
                let failed_field = expected.get("failed_field").and_then(Value::as_str);
                let parsed_fields: Option<Vec<&str>> = expected
                    .get("parsed_fields")
                    .and_then(Value::as_list)
                    .map(|l| l.iter().filter_map(Value::as_str).collect());
                let agrees = match &error {
                    ParseError::Field { field, .. } => failed_field == Some(field.as_str()),
                    ParseError::MissingFields { parsed, .. } => {
                        failed_field.is_none()
                            && parsed_fields == Some(parsed.iter().map(String::as_str).collect())
                    }
                    ParseError::NotAnObject { .. } | ParseError::EmptyResponse { .. } => {
                        failed_field.is_none() && parsed_fields.is_none()
                    }
                };
                if agrees {
                    agreed += 1;
                } else {
                    failures.push(format!(
                        "{name}: DSPy failed on {failed_field:?} / parsed {parsed_fields:?}, pipec: {error:?}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {agreed} of {} cases agree ({deviated} deliberate deviations); failures:\n{}",
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(agreed + deviated, cases.len());
}

#[test]
fn chat_parse_agrees_with_every_recorded_case() {
    check_file("chat_parse.json", Adapter::Chat);
}

#[test]
fn json_parse_agrees_with_every_recorded_case() {
    check_file("json_parse.json", Adapter::Json);
}
