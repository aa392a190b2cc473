//! Parsing DSPy's own output types, each expectation recorded from DSPy 3.4.1's
//! `ChatAdapter().parse` (these types have no case in the shared fixtures), plus the
//! defaults DSPy fills in for missing outputs.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use pipec_adapter::value::json;
use pipec_adapter::{
    Adapter, FieldSpec, ParseError, Signature, TypeDefs, Value, parse, parse_type,
};

fn signature(output_type: &str) -> Signature {
    let ty = parse_type(Some(output_type), &TypeDefs::new()).expect("type");
    Signature {
        instructions: None,
        inputs: vec![FieldSpec::new("q", pipec_ir::Type::Str)],
        outputs: vec![FieldSpec::new("f", ty)],
    }
}

fn parsed(output_type: &str, section: &str) -> String {
    let completion = format!("[[ ## f ## ]]\n{section}");
    match parse(
        Adapter::Chat,
        &signature(output_type),
        &TypeDefs::new(),
        &completion,
    ) {
        Ok(p) => format!(
            "{} {}",
            p.fields[0].type_name,
            json::dumps(&p.fields[0].value)
        ),
        Err(e) => format!("ERR {}", e.field().unwrap_or("")),
    }
}

#[test]
fn reasoning_code_and_tool_calls_as_dspy_parses_them() {
    let cases = [
        (
            "dspy.Reasoning",
            "Step 1, then [2].",
            r#"Reasoning "Step 1, then [2].""#,
        ),
        ("dspy.Reasoning", "\"quoted\"", r#"Reasoning "quoted""#),
        (
            "dspy.Code",
            "```python\nx = [1, 2]\n```",
            r#"Code "x = [1, 2]""#,
        ),
        ("dspy.Code", "print(1)", r#"Code "print(1)""#),
        (
            "dspy.ToolCalls",
            r#"{"tool_calls": [{"name": "search", "args": {"q": "cats"}}]}"#,
            r#"ToolCalls {"tool_calls": [{"name": "search", "args": {"q": "cats"}}]}"#,
        ),
        (
            "dspy.ToolCalls",
            r#"[{"name": "a", "args": {}}, {"name": "b", "arguments": "{\"x\": 1}"}]"#,
            r#"ToolCalls {"tool_calls": [{"name": "a", "args": {}}, {"name": "b", "args": {"x": 1}}]}"#,
        ),
        (
            "dspy.ToolCalls",
            r#"{"name": "a", "args": {"k": 1}}"#,
            r#"ToolCalls {"tool_calls": [{"name": "a", "args": {"k": 1}}]}"#,
        ),
        (
            "dspy.ToolCalls",
            r#"{"function": {"name": "f", "arguments": "{}"}}"#,
            r#"ToolCalls {"tool_calls": [{"name": "f", "args": {}}]}"#,
        ),
        ("dspy.ToolCalls", "nothing", "ERR f"),
    ];
    for (ty, section, expected) in cases {
        assert_eq!(parsed(ty, section), expected, "{ty}: {section:?}");
    }
}

#[test]
fn missing_outputs_take_defaults_or_none_else_fail() {
    let mut sig = signature("int");
    sig.outputs.push(FieldSpec {
        default: Some(Value::str("en")),
        ..FieldSpec::new("lang", pipec_ir::Type::Str)
    });
    sig.outputs.push(FieldSpec::new(
        "page",
        pipec_ir::Type::Optional(Box::new(pipec_ir::Type::Int)),
    ));
    let types = TypeDefs::new();
    let ok = parse(Adapter::Chat, &sig, &types, "[[ ## f ## ]]\n3").unwrap();
    assert_eq!(
        json::dumps(&Value::Object(ok.to_map())),
        r#"{"f": 3, "lang": "en", "page": null}"#
    );
    let missing = parse(Adapter::Json, &sig, &types, r#"{"lang": "fr"}"#).unwrap_err();
    assert_eq!(missing.missing(), ["f"]);
    assert!(matches!(missing, ParseError::MissingFields { .. }));
    assert!(missing.to_string().contains("lacks output `f`"));
}
