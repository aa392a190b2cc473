//! The schema and the checker agree: every surface struct lists exactly the keys of its
//! lowering table, every surface enum exactly the values of its table, and the documented
//! example deserializes.

use schemars::JsonSchema;
use serde_json::Value;

use super::*;
use crate::lower::native::keys;

/// The property names of `T`'s schema, sorted.
fn properties<T: JsonSchema>() -> Vec<String> {
    let schema = generator().into_root_schema_for::<T>().to_value();
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The values of an enum's schema (`enum: [...]`, or `oneOf` of `const`s when the variants
/// are documented), sorted.
fn values<T: JsonSchema>() -> Vec<String> {
    let schema = generator().into_root_schema_for::<T>().to_value();
    let mut out: Vec<String> = match (&schema["enum"], &schema["oneOf"]) {
        (Value::Array(values), _) => values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        (_, Value::Array(variants)) => variants
            .iter()
            .filter_map(|v| v["const"].as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    out.sort();
    out
}

fn sorted(table: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = table.iter().map(|s| (*s).to_owned()).collect();
    out.sort();
    out
}

#[test]
fn struct_keys_match_the_lowering_tables() {
    let step_keys = keys::all_step_keys();
    let cases: Vec<(&str, Vec<String>, &[&str])> = vec![
        ("NativeFile", properties::<NativeFile>(), keys::ROOT),
        ("InlinePipeline", properties::<InlinePipeline>(), keys::ROOT),
        ("InputDef", properties::<InputDef>(), keys::INPUT),
        ("OutputDef", properties::<OutputDef>(), keys::OUTPUT),
        ("TypeDefSpec", properties::<TypeDefSpec>(), keys::TYPE_DEF),
        ("FieldDef", properties::<FieldDef>(), keys::FIELD),
        (
            "SignatureDef",
            properties::<SignatureDef>(),
            keys::SIGNATURE,
        ),
        ("ModelSpec", properties::<ModelSpec>(), keys::MODEL),
        ("PriceSpec", properties::<PriceSpec>(), keys::PRICE),
        ("LimitsSpec", properties::<LimitsSpec>(), keys::LIMITS),
        ("DefaultsSpec", properties::<DefaultsSpec>(), keys::DEFAULTS),
        ("RetryPolicy", properties::<RetryPolicy>(), keys::RETRY),
        ("MessageDef", properties::<MessageDef>(), keys::MESSAGE),
        ("CaseDef", properties::<CaseDef>(), keys::CASE),
        (
            "TransformOpDef",
            properties::<TransformOpDef>(),
            keys::TRANSFORM_OP,
        ),
        ("StepDef", properties::<StepDef>(), &step_keys),
    ];
    for (name, schema_keys, table) in cases {
        assert_eq!(
            schema_keys,
            sorted(table),
            "{name}: schema properties differ from the lowering's key table"
        );
    }
}

#[test]
fn enum_values_match_the_lowering_tables() {
    assert_eq!(values::<StepKindName>(), sorted(keys::KINDS));
    assert_eq!(values::<Provider>(), sorted(keys::PROVIDERS));
    assert_eq!(values::<Role>(), sorted(keys::ROLES));
    assert_eq!(values::<Backoff>(), sorted(keys::BACKOFFS));
    assert_eq!(values::<SortOrder>(), sorted(keys::ORDERS));
    assert_eq!(values::<OpName>(), sorted(keys::OPS));
    assert_eq!(values::<AggregateFunction>(), sorted(keys::AGGREGATES));
}

#[test]
fn each_kind_is_restricted_to_its_keys() {
    let schema = generator().into_root_schema_for::<StepDef>().to_value();
    let rules = schema["allOf"].as_array().cloned().unwrap_or_default();
    assert_eq!(rules.len(), keys::KINDS.len());
    let map_rule = rules
        .iter()
        .find(|r| r["if"]["properties"]["kind"]["const"] == "map")
        .cloned()
        .unwrap_or_default();
    let allowed: Vec<&str> = map_rule["then"]["propertyNames"]["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(allowed, keys::STEP_MAP);
}

#[test]
fn the_root_schema_is_strict_and_not_nullable() {
    let schema = json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["name", "pipec", "steps"]);
    assert_eq!(schema["properties"]["pipec"]["maximum"], 1);
    assert_eq!(schema["properties"]["description"]["type"], "string");
    let text = schema.to_string();
    assert!(!text.contains("\"null\""), "no key accepts null: {text}");
    assert!(
        schema["properties"]["steps"]["description"].is_string(),
        "doc comments become descriptions"
    );
}

#[test]
fn the_documented_example_deserializes() {
    let example = serde_json::json!({
        "pipec": 1,
        "name": "code_review",
        "inputs": {"code": "str", "language": {"type": "str", "desc": "Programming language", "default": "rust"}},
        "outputs": {"plan": "steps.plan.steps", "issues": {"value": "steps.analyze.issues", "type": "list[Issue]"}},
        "types": {
            "Issue": {"desc": "One problem", "fields": {"title": "str", "line": {"type": "int", "ge": 1}, "severity": "Severity"}},
            "Severity": {"enum": ["low", "medium", "high"]}
        },
        "signatures": {
            "analyze": "code: str, language: str -> issues: list[Issue]",
            "plan": {"instructions": "Plan.", "inputs": {"issues": {"type": "list[Issue]"}}, "outputs": {"steps": {"type": "list[str]", "min_length": 1}}}
        },
        "models": {"fast": {"provider": "openai", "model": "gpt-4o-mini", "max_tokens": 1024, "price": {"input_per_mtok": 0.15, "output_per_mtok": 0.6}}},
        "limits": {"max_llm_calls": 10, "max_cost_usd": 0.5, "timeout": "2m"},
        "defaults": {"model": "fast", "timeout": 60, "retry": 2},
        "steps": [
            {"id": "analyze", "kind": "predict", "signature": "analyze", "with": {"code": "{{ inputs.code }}"}, "retry": {"max_attempts": 3, "backoff": "linear"}},
            {"id": "each", "kind": "map", "over": "steps.analyze.issues", "as": "issue", "max_items": 20, "steps": [
                {"id": "fix", "kind": "llm", "prompt": "Fix {{ issue.title }}", "when": {"not": "issue.severity == 'low'"}}
            ]},
            {"id": "refine", "kind": "loop", "until": "steps.check.ok", "max_iterations": 3, "steps": [
                {"id": "check", "kind": "transform", "input": "steps.fix", "ops": [{"op": "take", "count": 1}]}
            ]},
            {"id": "sub", "kind": "pipeline", "pipeline": {"steps": [{"id": "v", "kind": "set", "vars": {"n": 1}}]}}
        ]
    });
    let parsed: Result<NativeFile, _> = serde_json::from_value(example);
    assert!(parsed.is_ok(), "{parsed:?}");
    let unknown = serde_json::json!({"pipec": 1, "name": "x", "steps": [{"id": "a", "kind": "llm", "promt": "hi"}]});
    assert!(
        serde_json::from_value::<NativeFile>(unknown).is_err(),
        "deny_unknown_fields holds"
    );
}
