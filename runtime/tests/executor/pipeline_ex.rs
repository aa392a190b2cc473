//! pipeline_ex (`workflow:`) files through the executor, against the fake server on
//! 127.0.0.1: corpus files from `../shared/corpus/pipeline_ex/` and small fixtures, each
//! step type with pipeline_ex's result shapes, requests counted per wire format, file_ops
//! in a real temporary workspace (and an escape refused), resume, events, warnings.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pipec_diagnostics::Code;
use pipec_fake_provider::{Config, Rule};
use pipec_runtime::events::Event;
use pipec_runtime::executor::{Executor, Program, RunConfig, preflight_warnings};
use serde_json::{Value, json};

use crate::common::{
    harness, identity, only_error, program, program_of, requests_containing, run, server,
};

/// The fake server's text reply to a prompt that is not a DSPy signature prompt.
const REPLY: &str = "This is a reply from pipec-fake-provider.";

fn corpus(path: &str) -> (String, String) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/pipeline_ex")
        .join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    (path.to_owned(), text)
}

fn corpus_program(path: &str) -> Program {
    let (name, text) = corpus(path);
    program_of(&[(&name, &text)])
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pipec-pex-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn in_dir(config: &RunConfig, dir: &std::path::Path) -> RunConfig {
    let mut config = config.clone();
    config.working_dir = dir.to_path_buf();
    config
}

#[tokio::test]
async fn a_gemini_and_a_claude_step_call_their_providers_and_give_pipeline_ex_results() {
    let server = server(Config::default()).await;
    let program = corpus_program("examples/simple_test.yaml");
    let h = harness(&server);
    let dir = temp_dir("simple");
    let outcome = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("r"), Default::default())
        .await
        .unwrap();
    assert_eq!(
        outcome.outputs["gemini_test"],
        json!({"content": REPLY, "success": true, "cost": 0.0, "function_calls": []})
    );
    assert_eq!(
        outcome.outputs["claude_test"],
        json!({"text": REPLY, "success": true, "cost": 0.0})
    );
    let stats = server.stats();
    assert_eq!(
        (
            stats.requests,
            stats.by_format.gemini,
            stats.by_format.anthropic
        ),
        (2, 1, 1)
    );
    let requests = server.requests();
    // The step's `model` and the `haiku` alias, as pipeline_ex names them.
    assert!(
        requests[0]
            .path
            .contains("models/gemini-flash-lite-latest:generateContent"),
        "{}",
        requests[0].path
    );
    assert_eq!(requests[1].path, "/v1/messages");
    assert_eq!(requests[1].body["model"], json!("claude-haiku-4-5"));
    assert_eq!(
        requests[1].body["messages"],
        json!([{"role": "user", "content": "Hello from Claude! Respond with a simple greeting."}])
    );
}

#[tokio::test]
async fn previous_response_parts_send_the_earlier_result_as_pipeline_ex_renders_it() {
    let server = server(Config::default()).await;
    let program = corpus_program("test/fixtures/workflows/complex_workflow.yaml");
    let h = harness(&server);
    let dir = temp_dir("complex");
    let outcome = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("r"), Default::default())
        .await
        .unwrap();
    assert_eq!(outcome.outputs.len(), 5);
    assert_eq!(server.stats().requests, 5);
    let requests = server.requests();
    // Step 2's prompt: its static part, then step 1's whole result as pretty JSON.
    let second = requests[1].body["contents"][0]["parts"][0]["text"]
        .as_str()
        .unwrap();
    let previous = serde_json::to_string_pretty(&outcome.outputs["analyze_requirements"]).unwrap();
    assert_eq!(
        second,
        format!("Create detailed implementation tasks based on:\n{previous}")
    );
    // `token_budget` goes into the generation config.
    assert_eq!(
        requests[0].body["generationConfig"],
        json!({"maxOutputTokens": 2048, "temperature": 0.5})
    );
    // `output_to_file` lands in the output directory.
    let saved = std::fs::read_to_string(dir.join("complex_outputs/analysis.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&saved).unwrap(),
        outcome.outputs["analyze_requirements"]
    );
}

/// Accepted corpus files that run through with no file of their own missing, and the
/// model calls each makes (one per LLM step or task; research_paper_improvement_native_loop
/// makes none: its while condition `{{state.current_iteration < state.max_iterations}}`
/// interpolates to nothing, so the loop is skipped — as in pipeline_ex).
const RUNNABLE: &[(&str, u64)] = &[
    ("engineering_innovation_pipeline.yaml", 2),
    ("examples/claude_batch_example.yaml", 7),
    ("examples/claude_extract_example.yaml", 4),
    ("examples/claude_robust_example.yaml", 4),
    ("examples/claude_session_example.yaml", 3),
    ("examples/claude_smart_example.yaml", 3),
    ("examples/enhanced_features_showcase.yaml", 10),
    ("examples/model_selection_demo.yaml", 6),
    ("gemini_only_workflow.yaml", 2),
    ("pipelines/meta/genesis_pipeline.yaml", 5),
    ("research_paper_improvement_native_loop.yaml", 0),
    ("test/fixtures/pipelines/simple_nested.yaml", 0),
    ("test/fixtures/pipelines/test_nested_basic.yaml", 0),
    ("test_claude_robust.yaml", 1),
    ("working_genesis.yaml", 1),
];

#[tokio::test]
async fn corpus_files_run_with_one_request_per_model_call() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    for (path, calls) in RUNNABLE {
        server.reset();
        let program = corpus_program(path);
        let dir = temp_dir("corpus");
        let outcome = Executor::new(&program, in_dir(&h.config, &dir))
            .run(identity(path), Default::default())
            .await
            .unwrap_or_else(|f| panic!("{path}: {:?}", f.errors));
        assert_eq!(server.stats().requests, *calls, "{path}");
        assert!(!outcome.outputs.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn a_missing_prompt_file_is_p0724_at_its_step_before_any_call() {
    let server = server(Config::default()).await;
    let program = corpus_program("examples/comprehensive_config_example.yaml");
    let h = harness(&server);
    let dir = temp_dir("comprehensive");
    let failure = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("r"), Default::default())
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0724);
    assert_eq!(error.step.as_deref(), Some("comprehensive_analysis"));
    assert!(
        error.message.contains("./lib/pipeline/config.ex"),
        "{}",
        error.message
    );
    // It points at the part's `path`.
    let (_, text) = corpus("examples/comprehensive_config_example.yaml");
    let span = error.span.unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "path");
    assert_eq!(server.stats().requests, 0);
}

#[tokio::test]
async fn unsupported_agent_options_are_p0721_warnings_pointing_at_each_option() {
    let program = corpus_program("test/fixtures/workflows/complex_workflow.yaml");
    let warnings = preflight_warnings(&program);
    let found: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.step.as_deref().unwrap_or_default(), w.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "implement_calculator",
                "`allowed_tools` is not honoured: the step makes one model call"
            ),
            (
                "fix_issues",
                "`allowed_tools` is not honoured: the step makes one model call"
            ),
        ]
    );
    assert!(warnings.iter().all(|w| w.code == Code::P0721));
    let (_, text) = corpus("test/fixtures/workflows/complex_workflow.yaml");
    let span = warnings[0].span.unwrap();
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "allowed_tools"
    );
    // An empty tool list asks for nothing: no warning.
    assert!(preflight_warnings(&corpus_program("examples/simple_test.yaml")).is_empty());
}

const PARALLEL: &str = r#"workflow:
  name: fan
  steps:
    - name: fan
      type: parallel_claude
      parallel_tasks:
        - {id: one, prompt: [{type: static, content: "task one"}], claude_options: {model: opus}, output_to_file: one.txt}
        - {id: two, prompt: [{type: static, content: "task two"}]}
        - {id: three, prompt: [{type: static, content: "task three"}]}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_claude_runs_its_tasks_at_the_same_time() {
    let server = server(Config {
        latency_ms: 200,
        ..Config::default()
    })
    .await;
    let program = program(PARALLEL);
    let h = harness(&server);
    let started = Instant::now();
    let dir = temp_dir("parallel");
    let outcome = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("r"), Default::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
    let stats = server.stats();
    assert_eq!((stats.requests, stats.max_in_flight), (3, 3));
    let result = &outcome.outputs["fan"];
    let one = json!({"text": REPLY, "success": true, "cost": 0.0});
    assert_eq!(
        result["individual_results"],
        json!({"one": one, "two": one, "three": one})
    );
    let inspected = format!("%{{cost: 0.0, success: true, text: \"{REPLY}\"}}");
    assert_eq!(
        result["combined_results"],
        json!(format!(
            "\n===[one]===\n{inspected}\n\n===[two]===\n{inspected}\n\n===[three]===\n{inspected}"
        ))
    );
    // A task's `output_to_file` is written in the output directory.
    let saved = std::fs::read_to_string(dir.join("outputs/one.txt")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&saved).unwrap(), one);
    let models: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| r.body["model"].clone())
        .collect();
    assert!(
        models.contains(&json!("claude-opus-4-1")) && models.contains(&json!("claude-sonnet-4-5"))
    );
}

const LOOPS: &str = r#"workflow:
  name: loops
  global_vars: {greeting: hello}
  steps:
    - name: start
      type: set_variable
      variables: {count: 2, label: "{{global_vars.greeting}}"}
    - name: bump
      type: set_variable
      variables: {count: "{{state.count + 1}}"}
    - name: items
      type: test_echo
      value: {list: ["a", "b", "c"]}
    - name: each
      type: for_loop
      iterator: item
      data_source: "items:list"
      steps:
        - name: ask
          type: gemini
          prompt: [{type: static, content: "item {{loop.item}} of {{state.count}} {{label}}"}]
    - name: again
      type: while_loop
      condition: "each.success == true"
      max_iterations: 2
      steps:
        - name: poll
          type: claude
          prompt: [{type: static, content: "poll"}]
    - name: never
      type: while_loop
      condition: "each.success == false"
      steps:
        - name: unused
          type: claude
          prompt: [{type: static, content: "unused"}]
    - name: skipped
      type: claude
      condition: "each.total_items > 5"
      prompt: [{type: static, content: "not sent"}]
    - name: after
      type: test_echo
      value: "{{steps.ask.content}} / {{steps.poll.text}} / {{count}}"
"#;

#[tokio::test]
async fn variables_loops_and_conditions_run_as_pipeline_ex_runs_them() {
    let server = server(Config::default()).await;
    let program = program(LOOPS);
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
    let out = &outcome.outputs;
    assert_eq!(
        out["bump"],
        json!({"variables_set": ["count"], "scope": "global", "variable_count": 1})
    );
    // The loop's mapping was interpolated once, before it started: `{{loop.item}}` is blank.
    assert_eq!(requests_containing(&server, "item  of 3 hello"), 3);
    let each = &out["each"];
    assert_eq!(
        (
            &each["success"],
            &each["total_items"],
            &each["completed_items"]
        ),
        (&json!(true), &json!(3), &json!(3))
    );
    assert_eq!(each["iterations"][1]["item"], json!("b"));
    assert_eq!(each["iterations"][1]["index"], json!(1));
    assert_eq!(
        each["iterations"][2]["results"]["ask"]["content"],
        json!(REPLY)
    );
    // A condition that keeps holding stops at max_iterations.
    assert_eq!(out["again"]["max_iterations_reached"], json!(true));
    assert_eq!(out["again"]["success"], json!(false));
    assert_eq!(out["again"]["iterations"].as_array().unwrap().len(), 2);
    assert_eq!(
        out["never"],
        json!({"success": true, "iterations": [], "condition_met": true})
    );
    assert_eq!(out["skipped"], json!({"success": true, "skipped": true}));
    assert_eq!(requests_containing(&server, "poll"), 2);
    assert_eq!(
        requests_containing(&server, "not sent") + requests_containing(&server, "unused"),
        0
    );
    // Loop sub-step results are merged into the parent's results.
    assert_eq!(out["after"], json!(format!("{REPLY} / {REPLY} / 3")));
    assert_eq!(server.stats().requests, 5);
}

const TRANSFORM: &str = r#"workflow:
  name: data
  steps:
    - name: rows
      type: test_echo
      value:
        - {name: a, priority: high, score: 7, team: x}
        - {name: b, priority: low, score: 3, team: y}
        - {name: c, priority: high, score: 9, team: x}
    - name: teams
      type: test_echo
      value: [{team: x, lead: ann}, {team: y, lead: bob}]
    - name: high
      type: data_transform
      input_source: "previous_response:rows"
      operations:
        - {operation: filter, field: priority, condition: "priority == 'high'"}
        - {operation: sort, field: score, order: desc}
        - {operation: join, left_field: team, right_source: "previous_response:teams", join_key: team}
        - {operation: map, field: priority, mapping: {high: urgent}}
      output_field: urgent
    - name: total
      type: data_transform
      input_source: rows
      operations:
        - {operation: aggregate, field: score, function: average}
    - name: groups
      type: data_transform
      input_source: rows
      operations: [{operation: group_by, field: team}]
      output_format: count
    - name: lazy
      type: data_transform
      input_source: rows
      lazy: {enabled: true}
      operations:
        - {operation: filter, field: priority, condition: "priority == high"}
        - {operation: sort, field: score, order: desc}
        - {operation: map, field: name, mapping: {c: see}}
        - {operation: aggregate, field: score, function: sum}
"#;

#[tokio::test]
async fn data_transform_applies_pipeline_ex_operations() {
    let server = server(Config::default()).await;
    let program = program(TRANSFORM);
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
    let high = &outcome.outputs["high"];
    assert_eq!(
        high["urgent"],
        json!([
            {"name": "c", "priority": "urgent", "score": 9, "team": "x", "lead": "ann"},
            {"name": "a", "priority": "urgent", "score": 7, "team": "x", "lead": "ann"},
        ])
    );
    assert_eq!(high["metadata"]["operation_count"], json!(4));
    assert_eq!(high["metadata"]["input_type"], json!("list"));
    assert!(
        high["metadata"]["processed_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(outcome.outputs["total"]["total"], json!(19.0 / 3.0));
    // group_by gives a map; `count` of a map is 1, as pipeline_ex counts it.
    assert_eq!(outcome.outputs["groups"]["groups"], json!(1));
    // The lazy path: a non-streaming operation's result is flattened into a list.
    assert_eq!(outcome.outputs["lazy"]["lazy"], json!([16]));
    assert_eq!(server.stats().requests, 0);
}

const FILES: &str = r#"workflow:
  name: files
  workspace_dir: ./ws
  steps:
    - {name: copy, type: file_ops, operation: copy, source: data.csv, destination: out/copy.csv}
    - {name: json, type: file_ops, operation: convert, source: out/copy.csv, destination: out/data.json, format: csv_to_json}
    - {name: listing, type: file_ops, operation: list, path: out, pattern: "\\.json$"}
    - name: check
      type: file_ops
      operation: validate
      files: [{path: out/data.json, must_be_file: true, min_size: 10}, {path: gone.txt, must_exist: false}]
    - {name: upper, type: file_ops, operation: stream_process, source: out/copy.csv, processor: uppercase}
    - {name: remove, type: file_ops, operation: delete, path: data.csv}
"#;

#[tokio::test]
async fn file_ops_work_inside_the_workspace() {
    let server = server(Config::default()).await;
    let program = program(FILES);
    let h = harness(&server);
    let dir = temp_dir("files");
    std::fs::create_dir_all(dir.join("ws")).unwrap();
    std::fs::write(dir.join("ws/data.csv"), "name, score\nann, 3\nbob, 5\n").unwrap();
    let outcome = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("r"), Default::default())
        .await
        .unwrap();
    let out = &outcome.outputs;
    assert_eq!(
        out["copy"],
        json!({"operation": "copy", "source": "./ws/data.csv", "destination": "./ws/out/copy.csv", "status": "completed"})
    );
    let converted: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ws/out/data.json")).unwrap())
            .unwrap();
    assert_eq!(
        converted,
        json!([{"name": "ann", "score": "3"}, {"name": "bob", "score": "5"}])
    );
    assert_eq!(out["listing"]["files"], json!(["./ws/out/data.json"]));
    assert_eq!(out["check"]["status"], json!("all_valid"));
    assert_eq!(
        std::fs::read_to_string(dir.join("ws/out/copy.csv")).unwrap(),
        "NAME, SCORE\nANN, 3\nBOB, 5\n"
    );
    assert!(!dir.join("ws/data.csv").exists());
}

#[tokio::test]
async fn a_path_escaping_the_workspace_is_p0722_and_touches_nothing() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    let dir = temp_dir("escape");
    std::fs::create_dir_all(dir.join("workspace")).unwrap();
    std::fs::write(dir.join("secret.txt"), "keep me").unwrap();
    for (path, key) in [
        ("../secret.txt", "path"),
        ("/etc/hostname", "path"),
        ("a/../../secret.txt", "path"),
    ] {
        let yaml = format!(
            "workflow:\n  name: escape\n  steps:\n    - {{name: first, type: test_echo, value: ok}}\n    - {{name: wipe, type: file_ops, operation: delete, {key}: \"{path}\"}}\n"
        );
        let program = program(&yaml);
        let failure = Executor::new(&program, in_dir(&h.config, &dir))
            .run(identity(path), Default::default())
            .await
            .unwrap_err();
        let error = only_error(&failure);
        assert_eq!(error.code, Code::P0722, "{path}: {error:?}");
        assert_eq!(error.step.as_deref(), Some("wipe"));
        // The error points at the key holding the path.
        let span = error.span.unwrap();
        assert_eq!(&yaml[span.start as usize..span.end as usize], key);
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("secret.txt")).unwrap(),
        "keep me"
    );
    // `output_to_file` is confined to the output directory the same way.
    let program = program(
        "workflow:\n  name: out\n  steps:\n    - {name: a, type: test_echo, value: x, output_to_file: ../../x.txt}\n",
    );
    let failure = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("out"), Default::default())
        .await
        .unwrap_err();
    assert_eq!(only_error(&failure).code, Code::P0722);
}

#[cfg(unix)]
#[tokio::test]
async fn a_symbolic_link_leading_out_of_the_workspace_is_refused() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    let dir = temp_dir("symlink");
    std::fs::create_dir_all(dir.join("workspace")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(dir.join("outside/f.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(dir.join("outside"), dir.join("workspace/link")).unwrap();
    let program = program(
        "workflow:\n  name: s\n  steps:\n    - {name: wipe, type: file_ops, operation: delete, path: link/f.txt}\n",
    );
    let failure = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("s"), Default::default())
        .await
        .unwrap_err();
    assert_eq!(only_error(&failure).code, Code::P0722);
    assert!(dir.join("outside/f.txt").exists());
}

const PARENT: &str = r#"workflow:
  name: parent
  steps:
    - {name: prep, type: test_echo, value: {count: 4}}
    - name: sub
      type: pipeline
      pipeline_file: child.yaml
      inputs: {n: "{{steps.prep.result.count}}", who: world}
      outputs: [{path: doubled, as: twice}, greet]
    - name: inline
      type: pipeline
      pipeline:
        name: inner
        steps:
          - {name: echo, type: test_echo, value: inner}
    - {name: show, type: test_echo, value: "{{steps.sub.twice}} {{steps.inline.echo}}"}
"#;

const CHILD: &str = r#"workflow:
  name: child
  steps:
    - {name: doubled, type: test_echo, value: "{{multiply(inputs.n, 2)}}"}
    - name: greet
      type: gemini
      prompt: [{type: static, content: "hello {{inputs.who}}"}]
"#;

#[tokio::test]
async fn nested_pipelines_run_with_their_inputs_and_give_their_outputs() {
    let server = server(Config::default()).await;
    let program = program_of(&[("main.yaml", PARENT), ("child.yaml", CHILD)]);
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
    let out = &outcome.outputs;
    // A lone template in a nested pipeline that received inputs keeps its type.
    assert_eq!(out["sub"]["twice"], json!(8));
    assert_eq!(out["sub"]["greet"]["content"], json!(REPLY));
    assert_eq!(out["inline"], json!({"echo": "inner"}));
    assert_eq!(out["show"], json!("8 inner"));
    assert_eq!(requests_containing(&server, "hello world"), 1);
    // The nested steps are checkpointed under the step's key.
    let (_, steps) = pipec_runtime::checkpoint::CheckpointStore::load(&*h.store, "r")
        .unwrap()
        .unwrap();
    let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
    assert!(
        keys.contains(&"sub/doubled") && keys.contains(&"inline/echo"),
        "{keys:?}"
    );
}

const RESUMABLE: &str = r#"workflow:
  name: resumable
  steps:
    - {name: setup, type: set_variable, variables: {topic: rust}}
    - name: first
      type: claude
      prompt: [{type: static, content: "alpha {{topic}}"}]
    - name: second
      type: gemini
      prompt: [{type: static, content: "beta {{state.topic}}"}, {type: previous_response, step: first, extract: text}]
"#;

#[tokio::test]
async fn a_failed_pipeline_ex_run_resumes_without_calling_finished_steps_again() {
    let server = server(Config {
        rules: vec![Rule {
            contains: "beta".into(),
            status: Some(400),
            message: Some("refused by the test".into()),
            ..Rule::default()
        }],
        ..Config::default()
    })
    .await;
    let program = program(RESUMABLE);
    let h = harness(&server);
    let failure = run(&program, &h.config, "r1", json!({})).await.unwrap_err();
    assert_eq!(only_error(&failure).step.as_deref(), Some("second"));
    assert_eq!(requests_containing(&server, "alpha rust"), 1);

    server.set_config(Config::default());
    let outcome = Executor::new(&program, h.config.clone())
        .resume("r1", "hash")
        .await
        .unwrap();
    // `first` was restored, not called again; the restored set_variable set `topic` again.
    assert_eq!(requests_containing(&server, "alpha rust"), 1);
    assert_eq!(
        requests_containing(&server, &format!("beta rust\n{REPLY}")),
        2
    );
    assert_eq!(outcome.outputs["second"]["content"], json!(REPLY));
    let restored = h
        .events
        .events()
        .iter()
        .filter(|e| matches!(e, Event::StepFinished { status, .. } if status == "restored"))
        .count();
    assert_eq!(restored, 2);
}

const YAML_EXTRACT: &str = "workflow:\n  name: x\n  steps:\n    - {name: a, type: test_echo, value: {text: hi}}\n    - name: b\n      type: claude\n      prompt: [{type: previous_response, step: a, extract: missing}]\n";

#[tokio::test]
async fn a_strict_extract_that_finds_nothing_is_p0724_listing_the_keys() {
    let server = server(Config::default()).await;
    let program = program(YAML_EXTRACT);
    let h = harness(&server);
    let failure = run(&program, &h.config, "r", json!({})).await.unwrap_err();
    let error = only_error(&failure);
    assert_eq!(
        (error.code, error.step.as_deref()),
        (Code::P0724, Some("b"))
    );
    assert_eq!(error.notes, ["available keys: text"]);
    let span = error.span.unwrap();
    assert_eq!(
        span.start,
        u32::try_from(YAML_EXTRACT.find("extract").unwrap()).unwrap()
    );
    assert_eq!(server.stats().requests, 0);
}

#[tokio::test]
async fn a_file_operation_that_fails_is_p0723_with_pipeline_ex_s_reason() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    let dir = temp_dir("fails");
    let program = program(
        "workflow:\n  name: v\n  steps:\n    - name: check\n      type: file_ops\n      operation: validate\n      files: [{path: data.csv}]\n",
    );
    let failure = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("v"), Default::default())
        .await
        .unwrap_err();
    let error = only_error(&failure);
    assert_eq!(
        (error.code, error.step.as_deref()),
        (Code::P0723, Some("check"))
    );
    assert_eq!(
        error.message,
        "Validation failed for 1 file(s): File must exist but does not: ./workspace/data.csv"
    );
}

#[tokio::test]
async fn a_native_pipeline_can_call_a_pipeline_ex_file() {
    let server = server(Config::default()).await;
    let native = "pipec: 1\nname: caller\nsteps:\n  - id: call\n    kind: pipeline\n    file: child.yaml\n    with: {n: 3, who: pipec}\noutputs: {doubled: steps.call.doubled, greet: steps.call.greet.content}\n";
    let program = program_of(&[("main.yaml", native), ("child.yaml", CHILD)]);
    let h = harness(&server);
    let outcome = run(&program, &h.config, "r", json!({})).await.unwrap();
    assert_eq!(outcome.outputs["doubled"], json!(6));
    assert_eq!(outcome.outputs["greet"], json!(REPLY));
    assert_eq!(requests_containing(&server, "hello pipec"), 1);
}

const LOOP_VARS: &str = r#"workflow:
  name: loopvars
  steps:
    - {name: items, type: test_echo, value: [1, 2]}
    - name: each
      type: for_loop
      iterator: n
      data_source: items
      steps:
        - {name: mark, type: set_variable, variables: {seen: "yes"}}
        - name: ask
          type: claude
          prompt: [{type: static, content: "inside"}]
    - name: after
      type: gemini
      prompt: [{type: static, content: "after {{seen}}"}]
"#;

#[tokio::test]
async fn a_resumed_run_keeps_the_variables_a_finished_loop_set_without_calling_it_again() {
    let server = server(Config {
        rules: vec![Rule {
            contains: "after".into(),
            status: Some(400),
            message: Some("refused by the test".into()),
            ..Rule::default()
        }],
        ..Config::default()
    })
    .await;
    let program = program(LOOP_VARS);
    let h = harness(&server);
    let failure = run(&program, &h.config, "r1", json!({})).await.unwrap_err();
    assert_eq!(only_error(&failure).step.as_deref(), Some("after"));
    assert_eq!(requests_containing(&server, "inside"), 2);
    assert_eq!(requests_containing(&server, "after yes"), 1);

    server.set_config(Config::default());
    let outcome = Executor::new(&program, h.config.clone())
        .resume("r1", "hash")
        .await
        .unwrap();
    assert_eq!(requests_containing(&server, "inside"), 2);
    assert_eq!(requests_containing(&server, "after yes"), 2);
    assert_eq!(outcome.outputs["each"]["completed_items"], json!(2));
}

#[tokio::test]
async fn performance_demo_copies_its_file_then_fails_where_pipeline_ex_does() {
    let server = server(Config::default()).await;
    let program = corpus_program("examples/performance_demo.yaml");
    let h = harness(&server);
    let dir = temp_dir("perf");
    std::fs::create_dir_all(dir.join("workspace/examples")).unwrap();
    std::fs::write(dir.join("workspace/examples/test_data.txt"), "line\n").unwrap();
    let failure = Executor::new(&program, in_dir(&h.config, &dir))
        .run(identity("perf"), Default::default())
        .await
        .unwrap_err();
    // pipeline_ex's for_loop splits `previous_response:generate_data:large_dataset` once:
    // it looks for a step named `previous_response`, and finds nothing.
    let error = only_error(&failure);
    assert_eq!(error.code, Code::P0724);
    assert_eq!(error.step.as_deref(), Some("process_items_efficiently"));
    let (_, text) = corpus("examples/performance_demo.yaml");
    let span = error.span.unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "data_source");
    // The steps before it ran: the singular set_variable form set nothing, the copy was made.
    assert_eq!(
        std::fs::read_to_string(dir.join("workspace/workspace/large_copy.txt")).unwrap(),
        "line\n"
    );
    let (_, steps) = pipec_runtime::checkpoint::CheckpointStore::load(&*h.store, "perf")
        .unwrap()
        .unwrap();
    let results: Vec<(&str, &Value)> = steps.iter().map(|s| (s.key.as_str(), &s.result)).collect();
    assert_eq!(results[0], ("generate_data", &json!({})));
    assert_eq!(results[1].1["method"], json!("streaming"));
}
