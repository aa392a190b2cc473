//! What `pipec run` sends is exactly what `pipec prompt` prints: the runtime formats predict
//! steps with the same DSPy-exact adapter. The rag_qa example runs against the fake
//! provider (OpenAI wire format), and the messages of its `judge` call are compared, byte
//! for byte, with `pipec prompt` for the same inputs.

use pipec_fake_provider::Config;
use serde_json::Value;

use crate::common::{env, fake, pipec, repo_root, scratch, stderr};

#[test]
fn run_sends_the_messages_pipec_prompt_prints() {
    let fake = fake(Config::default());
    let dir = scratch("prompts");
    let source = std::fs::read_to_string(repo_root().join("examples/rag_qa.pipec.yaml")).unwrap();
    std::fs::write(dir.join("rag_qa.pipec.yaml"), source).unwrap();
    let inputs = r#"{"question": "What is pipec?", "passages": ["pipec checks pipelines."]}"#;
    let out = pipec(
        &dir,
        &env(&fake.server),
        &[
            "run",
            "rag_qa.pipec.yaml",
            "--inputs",
            inputs,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The judge step is a map over the passages: its one call judged this passage.
    let judge_inputs = r#"{"question": "What is pipec?", "passage": "pipec checks pipelines."}"#;
    let printed = pipec(
        &dir,
        &[],
        &[
            "prompt",
            "rag_qa.pipec.yaml",
            "--step",
            "judge",
            "--inputs",
            judge_inputs,
        ],
    );
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    let expected: Value = serde_json::from_slice(&printed.stdout).unwrap();

    let sent: Vec<Value> = fake
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body["messages"].clone())
        .collect();
    assert!(
        sent.contains(&expected),
        "no request carried exactly the printed messages;\nprinted: {expected:#}\nsent: {sent:#?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A step's demos travel with the run: the request carries them as user/assistant turns,
/// exactly as `pipec prompt` prints them.
#[test]
fn demos_are_sent_as_pipec_prompt_prints_them() {
    let fake = fake(Config::default());
    let dir = scratch("prompts-demos");
    let source = r#"pipec: 1
name: qa
inputs: {question: str}
models:
  fast: {provider: openai, model: gpt-4o-mini, max_tokens: 256}
steps:
  - id: answer
    kind: chain_of_thought
    model: fast
    signature: "question: str -> answer: str, confidence: float"
    with: {question: "{{ inputs.question }}"}
    demos:
      - {question: "Capital of France?", reasoning: "It is Paris.", answer: Paris, confidence: 0.9}
      - {question: "Capital of Spain?", answer: Madrid}
outputs:
  answer: steps.answer.answer
"#;
    std::fs::write(dir.join("qa.pipec.yaml"), source).unwrap();
    let inputs = r#"{"question": "Capital of Italy?"}"#;
    let out = pipec(
        &dir,
        &env(&fake.server),
        &["run", "qa.pipec.yaml", "--inputs", inputs],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = pipec(
        &dir,
        &[],
        &[
            "prompt",
            "qa.pipec.yaml",
            "--step",
            "answer",
            "--inputs",
            inputs,
        ],
    );
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    let expected: Value = serde_json::from_slice(&printed.stdout).unwrap();
    // System, the incomplete demo first, then the complete one, then the request.
    let roles: Vec<&str> = expected
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["system", "user", "assistant", "user", "assistant", "user"]
    );
    assert!(expected[1]["content"].as_str().unwrap().starts_with(
        "This is an example of the task, though some input or output fields are not supplied."
    ));
    let sent: Vec<Value> = fake
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body["messages"].clone())
        .collect();
    assert_eq!(sent, [expected]);
    std::fs::remove_dir_all(&dir).ok();
}
