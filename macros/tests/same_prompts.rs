//! `signature!`, `#[signature]` and the same signature string in a native YAML pipeline (checked by the
//! full compiler, the way `pipec prompt` reads it) give identical prompts.

use pipec_adapter::from_ir::{step_signature, type_defs_from_ir};
use pipec_adapter::value::json;
use pipec_adapter::{Adapter, Map, Signature, TypeDefs, Value, format};
use pipec_app::signature;
use pipec_check::{InputFile, MemoryLoader, check};
use pipec_ir::StepKind;

const SIGNATURE: &str = "question: str, context: list[str], k: Optional[int] -> answer: str, confidence: float, tags: dict[str, list[int]], kind: Literal['fact', 'opinion']";

fn yaml_signature() -> Signature {
    let yaml = format!(
        "pipec: 1\nname: qa\ninputs:\n  question: str\nmodels:\n  m: {{provider: openai, model: gpt-4o-mini}}\nsteps:\n  - id: answer\n    kind: predict\n    model: m\n    signature: \"{SIGNATURE}\"\n    with: {{question: \"{{{{ inputs.question }}}}\", context: \"{{{{ [inputs.question] }}}}\", k: 1}}\n"
    );
    let result = check(
        vec![InputFile {
            name: "qa.pipec.yaml".into(),
            bytes: yaml.into_bytes(),
        }],
        &mut MemoryLoader::new(),
    );
    assert_eq!(result.error_count(), 0, "{:?}", result.diagnostics);
    let Some(Some(pipeline)) = result.pipelines.first().map(|p| p.1.as_ref()) else {
        panic!("no pipeline");
    };
    let Some(step) = pipeline
        .steps
        .iter()
        .find(|s| matches!(s.kind, StepKind::Predict { .. }))
    else {
        panic!("no predict step");
    };
    assert!(type_defs_from_ir(&pipeline.types).names().next().is_none());
    match step_signature(pipeline, step) {
        Ok(signature) => signature,
        Err(e) => panic!("{e}"),
    }
}

fn inputs() -> Map {
    match json::loads(r#"{"question": "Why?", "context": ["one", "two"], "k": 3}"#) {
        Ok(Value::Object(map)) => map,
        other => panic!("{other:?}"),
    }
}

#[test]
fn signature_macro_matches_the_yaml_pipeline() {
    let from_macro = signature!(
        "question: str, context: list[str], k: Optional[int] -> answer: str, confidence: float, tags: dict[str, list[int]], kind: Literal['fact', 'opinion']"
    );
    let from_yaml = yaml_signature();
    assert_eq!(from_macro, from_yaml);
    for adapter in [Adapter::Chat, Adapter::Json] {
        let types = TypeDefs::default();
        let a = format(adapter, &from_macro, &types, &[], &inputs()).expect("formats");
        let b = format(adapter, &from_yaml, &types, &[], &inputs()).expect("formats");
        assert_eq!(a, b);
        assert!(a.len() >= 2);
    }
}

#[test]
fn untyped_fields_are_str_as_in_dspy() {
    let sig = signature!("question -> answer");
    assert_eq!(sig.inputs[0].ty, pipec_ir::Type::Str);
    assert_eq!(
        sig.effective_instructions(),
        "Given the fields `question`, produce the fields `answer`."
    );
}

/// Answer the question from the context.
#[allow(dead_code)]
#[pipec_macros::signature]
struct Answer {
    #[input]
    question: String,
    #[input(desc = "Relevant passages")]
    context: Vec<String>,
    #[output]
    answer: String,
    #[output(desc = "From 0 to 1")]
    confidence: Option<f64>,
    #[output]
    counts: std::collections::BTreeMap<String, Vec<u32>>,
}

#[test]
fn signature_struct_matches_the_yaml_pipeline() {
    let yaml = "pipec: 1\nname: qa\ninputs:\n  question: str\nmodels:\n  m: {provider: openai, model: gpt-4o-mini}\nsignatures:\n  answer:\n    instructions: Answer the question from the context.\n    inputs:\n      question: str\n      context: {type: \"list[str]\", desc: \"Relevant passages\"}\n    outputs:\n      answer: str\n      confidence: {type: \"Optional[float]\", desc: \"From 0 to 1\"}\n      counts: \"dict[str, list[int]]\"\nsteps:\n  - id: answer\n    kind: predict\n    model: m\n    signature: answer\n    with: {question: \"{{ inputs.question }}\", context: \"{{ [inputs.question] }}\"}\n";
    let result = check(
        vec![InputFile {
            name: "qa.pipec.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
        }],
        &mut MemoryLoader::new(),
    );
    assert_eq!(result.error_count(), 0, "{:?}", result.diagnostics);
    let Some(Some(pipeline)) = result.pipelines.first().map(|p| p.1.as_ref()) else {
        panic!("no pipeline");
    };
    let from_yaml = match step_signature(pipeline, &pipeline.steps[0]) {
        Ok(signature) => signature,
        Err(e) => panic!("{e}"),
    };
    let from_struct = Answer::signature();
    let types = TypeDefs::default();
    let inputs = match json::loads(r#"{"question": "Why?", "context": ["one"]}"#) {
        Ok(Value::Object(map)) => map,
        other => panic!("{other:?}"),
    };
    for adapter in [Adapter::Chat, Adapter::Json] {
        let a = format(adapter, &from_struct, &types, &[], &inputs).expect("formats");
        let b = format(adapter, &from_yaml, &types, &[], &inputs).expect("formats");
        assert_eq!(a, b);
    }
    assert_eq!(
        from_struct.effective_instructions(),
        "Answer the question from the context."
    );
}

/// A passage the answer relies on.
#[allow(dead_code)]
#[pipec_macros::record]
struct Citation {
    #[field(desc = "1-based passage number")]
    passage: i64,
    quote: String,
    source: Option<Source>,
}

#[allow(dead_code)]
#[pipec_macros::record]
struct Source {
    title: String,
    tags: Vec<String>,
}

/// Answer with citations.
#[allow(dead_code)]
#[pipec_macros::signature]
struct Cited {
    #[input]
    question: String,
    #[input]
    known: Vec<Citation>,
    #[output]
    answer: String,
    #[output(desc = "The passages used")]
    citations: Vec<Citation>,
}

#[test]
fn record_typed_fields_match_the_yaml_types() {
    let yaml = "pipec: 1\nname: qa\ninputs:\n  question: str\nmodels:\n  m: {provider: openai, model: gpt-4o-mini}\ntypes:\n  Citation:\n    desc: A passage the answer relies on.\n    fields:\n      passage: {type: int, desc: \"1-based passage number\"}\n      quote: str\n      source: \"Optional[Source]\"\n  Source:\n    fields:\n      title: str\n      tags: \"list[str]\"\nsignatures:\n  cited:\n    instructions: Answer with citations.\n    inputs:\n      question: str\n      known: \"list[Citation]\"\n    outputs:\n      answer: str\n      citations: {type: \"list[Citation]\", desc: \"The passages used\"}\nsteps:\n  - id: cited\n    kind: predict\n    model: m\n    signature: cited\n    with: {question: \"{{ inputs.question }}\", known: \"{{ [] }}\"}\n";
    let result = check(
        vec![InputFile {
            name: "qa.pipec.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
        }],
        &mut MemoryLoader::new(),
    );
    assert_eq!(result.error_count(), 0, "{:?}", result.diagnostics);
    let Some(Some(pipeline)) = result.pipelines.first().map(|p| p.1.as_ref()) else {
        panic!("no pipeline");
    };
    let from_yaml = match step_signature(pipeline, &pipeline.steps[0]) {
        Ok(signature) => signature,
        Err(e) => panic!("{e}"),
    };
    let yaml_types = type_defs_from_ir(&pipeline.types);
    let (from_struct, struct_types) = (Cited::signature(), Cited::type_defs());
    assert_eq!(from_struct, from_yaml);
    for name in ["Citation", "Source"] {
        assert_eq!(struct_types.get(name), yaml_types.get(name), "{name}");
    }
    assert_eq!(struct_types.names().count(), 2);
    let inputs = match json::loads(
        r#"{"question": "Why?", "known": [{"passage": 1, "quote": "q", "source": {"title": "t", "tags": []}}]}"#,
    ) {
        Ok(Value::Object(map)) => map,
        other => panic!("{other:?}"),
    };
    for adapter in [Adapter::Chat, Adapter::Json] {
        let a = format(adapter, &from_struct, &struct_types, &[], &inputs).expect("formats");
        let b = format(adapter, &from_yaml, &yaml_types, &[], &inputs).expect("formats");
        assert_eq!(a, b);
        assert!(
            a[0].content.contains("\"Citation\"") || a[0].content.contains("passage"),
            "{}",
            a[0].content
        );
    }
}
