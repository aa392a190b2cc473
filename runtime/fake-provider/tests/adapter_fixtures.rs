//! The fake's replies against every prompt DSPy 3.4.1 itself rendered
//! (`../shared/fixtures/dspy/{chat,json}_format.json`): each declared output field is
//! answered, in order, with a value of its type.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::path::PathBuf;

use pipec_fake_provider::adapter::{output_fields, reply, wants_json};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/dspy")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// One case DSPy could format.
struct Case {
    name: String,
    /// The system message DSPy rendered.
    system: String,
    /// The output fields as (name, type).
    outputs: Vec<(String, String)>,
    /// The declared models and enums.
    types: Value,
}

/// The cases of `file` DSPy could format.
fn cases(file: &str) -> Vec<Case> {
    let fixture = fixture(file);
    let cases = fixture["cases"].as_array().unwrap();
    let mut out = Vec::new();
    for case in cases {
        let Some(messages) = case["messages"].as_array() else {
            continue;
        };
        let system = messages[0]["content"].as_str().unwrap().to_owned();
        let outputs = case["signature"]["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| {
                let type_name = field["type"].as_str().unwrap_or("str").to_owned();
                (field["name"].as_str().unwrap().to_owned(), type_name)
            })
            .collect();
        out.push(Case {
            name: case["name"].as_str().unwrap().to_owned(),
            system,
            outputs,
            types: case["types"].clone(),
        });
    }
    assert!(out.len() > 10, "{file}: only {} cases", out.len());
    out
}

/// ChatAdapter.parse, reduced: `[[ ## name ## ]]` lines open sections.
fn sections(reply: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in reply.lines() {
        let header = line
            .trim()
            .strip_prefix("[[ ## ")
            .and_then(|rest| rest.strip_suffix(" ## ]]"));
        match header {
            Some(name) => sections.push((name.to_owned(), String::new())),
            None => {
                let (_, text) = sections.last_mut().expect("text before the first section");
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    sections
        .into_iter()
        .map(|(name, text)| (name, text.trim().to_owned()))
        .collect()
}

/// Whether `value` (the JSON of a reply value, or a string) fits `type_name`.
fn check(case: &str, field: &str, type_name: &str, value: &Value, types: &Value) {
    let context = format!("{case}.{field}: {type_name} = {value}");
    let text = value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string());
    let parsed: Option<Value> = serde_json::from_str(&text).ok();
    let declared = types
        .as_array()
        .unwrap()
        .iter()
        .find(|declared| declared["name"].as_str() == Some(type_name));
    match type_name {
        "str" | "dspy.Reasoning" => assert!(!text.is_empty(), "{context}"),
        "int" => assert!(text.parse::<i64>().is_ok(), "{context}"),
        "float" => assert!(text.parse::<f64>().is_ok(), "{context}"),
        "bool" => assert!(text == "True" || value == &Value::Bool(true), "{context}"),
        literal if literal.starts_with("Literal[") => {
            assert!(literal.contains(&text), "{context}");
        }
        list if list.starts_with("list")
            || list.starts_with("set")
            || list.starts_with("tuple") =>
        {
            assert!(parsed.as_ref().is_some_and(Value::is_array), "{context}");
        }
        dict if dict.starts_with("dict") => {
            assert!(parsed.as_ref().is_some_and(Value::is_object), "{context}");
        }
        _ => match declared {
            Some(declared) if declared["kind"] == "enum" => {
                let values: Vec<String> = declared["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|member| match &member["value"] {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                assert!(values.contains(&text), "{context} not in {values:?}");
            }
            Some(declared) => {
                let object = parsed.as_ref().and_then(Value::as_object).expect(&context);
                for model_field in declared["fields"].as_array().unwrap() {
                    let name = model_field["name"].as_str().unwrap();
                    assert!(object.contains_key(name), "{context}: no `{name}`");
                }
            }
            // Optional, Union, Any, DSPy types: something DSPy can read.
            None => assert!(!text.is_empty(), "{context}"),
        },
    }
}

#[test]
fn chat_adapter_prompts_get_every_field_in_order() {
    for Case {
        name,
        system,
        outputs,
        types,
    } in cases("chat_format.json")
    {
        let fields = output_fields(&system);
        let names: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
        let expected: Vec<&str> = outputs.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, expected, "{name}");
        assert!(!wants_json(&system), "{name}");

        let reply = reply(&system, None, false).unwrap();
        assert!(reply.ends_with("[[ ## completed ## ]]"), "{name}: {reply}");
        let sections = sections(&reply);
        let (last, rest) = sections.split_last().unwrap();
        assert_eq!(
            (last.0.as_str(), last.1.as_str()),
            ("completed", ""),
            "{name}"
        );
        let section_names: Vec<&str> = rest.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(section_names, expected, "{name}");
        for ((field, type_name), (_, text)) in outputs.iter().zip(rest) {
            check(
                &name,
                field,
                type_name,
                &Value::String(text.clone()),
                &types,
            );
        }
    }
}

#[test]
fn json_adapter_prompts_get_a_json_object_in_order() {
    for Case {
        name,
        system,
        outputs,
        types,
    } in cases("json_format.json")
    {
        assert!(wants_json(&system), "{name}");
        let expected: Vec<&str> = outputs.iter().map(|(name, _)| name.as_str()).collect();
        let fields = output_fields(&system);
        assert_eq!(
            fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            expected,
            "{name}"
        );

        let reply = reply(&system, None, true).unwrap();
        let object: serde_json::Map<String, Value> = serde_json::from_str(&reply).expect(&reply);
        // serde_json's map sorts keys: check the order in the text instead.
        let positions: Vec<usize> = expected
            .iter()
            .map(|field| reply.find(&format!("\"{field}\":")).expect(field))
            .collect();
        assert!(
            positions.windows(2).all(|pair| pair[0] < pair[1]),
            "{name}: {reply}"
        );
        for (field, type_name) in &outputs {
            let value = &object[field.as_str()];
            match type_name.as_str() {
                "int" => assert!(value.is_i64(), "{name}.{field}"),
                "float" => assert!(value.is_f64(), "{name}.{field}"),
                "bool" => assert!(value.is_boolean(), "{name}.{field}"),
                "str" => assert!(value.is_string(), "{name}.{field}"),
                _ => check(&name, field, type_name, value, &types),
            }
        }
    }
}
