//! `pipec prompt` on the real binary: the messages of a predict step as JSON, the
//! chain-of-thought and JSON-adapter forms, and each refusal with its code and exit status.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;

use common::pipec;

use std::path::PathBuf;
use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The printed messages as (role, content) pairs.
fn messages(o: &Output) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    doc.as_array()
        .expect("an array")
        .iter()
        .map(|m| {
            let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                ["role", "content"],
                "exactly role and content, in that order"
            );
            (
                m["role"].as_str().unwrap().to_owned(),
                m["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const RAG: &str = "examples/rag_qa.pipec.yaml";

#[test]
fn prints_the_exact_messages_of_a_predict_step() {
    let out = pipec(&[
        "prompt",
        RAG,
        "--step",
        "judge",
        "--inputs",
        r#"{"question": "Why is the sky blue?", "passage": "Rayleigh scattering."}"#,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let messages = messages(&out);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].0, "system");
    assert_eq!(
        messages[0].1,
        "Your input fields are:\n1. `question` (str): \n2. `passage` (str):\nYour output fields are:\n1. `relevant` (bool): \n2. `score` (float): Relevance from 0 to 1\nConstraints: greater than or equal to: 0.0, less than or equal to: 1.0\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## passage ## ]]\n{passage}\n\n[[ ## relevant ## ]]\n{relevant}        # note: the value you produce must be True or False\n\n[[ ## score ## ]]\n{score}        # note: the value you produce must be a single float value\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Decide whether the passage helps answer the question."
    );
    assert_eq!(
        messages[1],
        (
            "user".to_owned(),
            "[[ ## question ## ]]\nWhy is the sky blue?\n\n[[ ## passage ## ]]\nRayleigh scattering.\n\nRespond with the corresponding output fields, starting with the field `[[ ## relevant ## ]]` (must be formatted as a valid Python bool), then `[[ ## score ## ]]` (must be formatted as a valid Python float), and then ending with the marker for `[[ ## completed ## ]]`.".to_owned()
        )
    );
}

#[test]
fn chain_of_thought_adds_reasoning_and_json_adapter_is_available() {
    let inputs = r#"{"question": "Q?", "context": ["first passage", "second"]}"#;
    let out = pipec(&["prompt", RAG, "--step", "answer", "--inputs", inputs]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let chat = messages(&out);
    assert!(chat[0].1.contains("1. `reasoning` (str): \n2. `answer` (str): \n3. `citations` (list[int]): Numbers of the passages used"), "{}", chat[0].1);
    assert!(
        chat[1]
            .1
            .contains("[[ ## context ## ]]\n[\"first passage\", \"second\"]"),
        "{}",
        chat[1].1
    );

    let out = pipec(&[
        "prompt",
        RAG,
        "--step",
        "answer",
        "--inputs",
        inputs,
        "--adapter",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = messages(&out);
    assert!(
        json[0]
            .1
            .contains("Outputs will be a JSON object with the following fields.")
    );
    assert!(json[1].1.ends_with("Respond with a JSON object in the following order of fields: `reasoning`, then `answer`, then `citations` (must be formatted as a valid Python list[int])."), "{}", json[1].1);
}

#[test]
fn unknown_and_non_predict_steps_are_refused_with_codes() {
    let out = pipec(&["prompt", RAG, "--step", "jduge", "--inputs", "{}"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[P0202]: no step named `jduge`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("did you mean `judge`?"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    let out = pipec(&["prompt", RAG, "--step", "relevant"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[P0718]: step `relevant`: a `transform` step"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inputs_are_validated_against_the_signature() {
    let cases = [
        ("[1]", "must be a JSON object"),
        ("{", "is not JSON"),
        (
            r#"{"question": "q", "pasage": "p"}"#,
            "the step has no input `pasage`",
        ),
        (r#"{"question": "q"}"#, "missing input `passage` (str)"),
        (
            r#"{"question": 3, "passage": "p"}"#,
            "input `question` is not a valid str",
        ),
    ];
    for (inputs, expected) in cases {
        let out = pipec(&["prompt", RAG, "--step", "judge", "--inputs", inputs]);
        assert_eq!(out.status.code(), Some(1), "{inputs}");
        let err = stderr(&out);
        assert!(
            err.contains("error[P0719]") && err.contains(expected),
            "{inputs}: {err}"
        );
    }
    let out = pipec(&[
        "prompt",
        RAG,
        "--step",
        "answer",
        "--inputs",
        r#"{"question": "q", "context": [1, 2]}"#,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("input `context` is not a valid list[str]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn files_with_errors_and_missing_files_are_refused() {
    let fixture = "compiler/pipec-check/tests/fixtures/names/unknown_references.yaml";
    let out = pipec(&["prompt", fixture, "--step", "a"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("has errors"), "{}", stderr(&out));

    let missing: PathBuf = ["no", "such", "file.yaml"].iter().collect();
    let out = pipec(&["prompt", missing.to_str().unwrap(), "--step", "a"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_signature_the_adapters_cannot_format_is_p0720() {
    let dir = std::env::temp_dir().join(format!("pipec-prompt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vision.pipec.yaml");
    std::fs::write(
        &file,
        "pipec: 1\nname: vision\ninputs:\n  text: str\nmodels:\n  m: {provider: openai, model: gpt-4o-mini, max_tokens: 64}\nsteps:\n  - id: draw\n    kind: predict\n    model: m\n    signature: \"text: str -> picture: dspy.Image\"\n    with: {text: \"{{ inputs.text }}\"}\noutputs:\n  picture: steps.draw.picture\n",
    )
    .unwrap();
    let out = pipec(&[
        "prompt",
        file.to_str().unwrap(),
        "--step",
        "draw",
        "--inputs",
        r#"{"text": "a cat"}"#,
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[P0720]: step `draw`"), "{err}");
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}
