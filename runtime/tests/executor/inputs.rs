//! Inputs are checked against the declared types before anything runs, each problem a
//! coded error naming the input; defaults fill what is left out.

use pipec_diagnostics::Code;
use pipec_fake_provider::Config;
use serde_json::json;

use crate::common::{harness, program, run, server};

const PIPELINE: &str = "pipec: 1
name: typed
inputs:
  count: int
  tags: \"list[str]\"
  mood: \"Literal['calm', 'loud']\"
  note: {type: str, default: none given}
  extra: \"Optional[int]\"
steps:
  - {id: echo, kind: set, vars: {count: \"{{ inputs.count }}\", note: \"{{ inputs.note }}\", extra: \"{{ inputs.extra }}\", tags: \"{{ inputs.tags }}\", mood: \"{{ inputs.mood }}\"}}
outputs: {echo: steps.echo}
";

#[tokio::test]
async fn defaults_and_optionals_fill_what_is_left_out() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    let outcome = run(
        &program(PIPELINE),
        &h.config,
        "r",
        json!({"count": 2, "tags": ["a"], "mood": "calm"}),
    )
    .await
    .unwrap();
    assert_eq!(
        outcome.outputs["echo"],
        json!({"count": 2, "note": "none given", "extra": null, "tags": ["a"], "mood": "calm"})
    );
}

#[tokio::test]
async fn every_input_problem_is_reported_before_anything_runs() {
    let server = server(Config::default()).await;
    let h = harness(&server);
    let failure = run(
        &program(PIPELINE),
        &h.config,
        "r",
        json!({"count": "two", "tags": ["a", 3], "mod": "calm"}),
    )
    .await
    .unwrap_err();
    let found: Vec<(Code, String)> = failure
        .errors
        .iter()
        .map(|e| (e.code, e.message.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Code::P0702,
                "pipeline `typed` has no input `mod`".to_owned()
            ),
            (
                Code::P0700,
                "input `count` is not a `int`: expected `int`, got the string \"two\"".to_owned()
            ),
            (
                Code::P0700,
                "input `tags` is not a `list[str]`: expected `str`, got the number 3 at `[1]`"
                    .to_owned()
            ),
            (Code::P0701, "input `mood` is required".to_owned()),
        ]
    );
    assert_eq!(
        failure.errors[0].help.as_deref(),
        Some("did you mean `mood`?")
    );
    assert!(failure.run_id.is_none());
    assert!(h.store.load("r").unwrap().is_none());
}

use pipec_runtime::checkpoint::CheckpointStore;
