//! Keys every step has: `id`, `kind`, `when`, `model`, `retry`, `timeout`, `cache`,
//! `depends_on`, `description`; per-kind key checks; `models`, `limits` and `defaults`.

use pipec_diagnostics::Code;

use super::{clean, lower, with_steps};
use crate::ir::{Condition, StepKind};

#[test]
fn retry_forms() {
    let out = lower(&with_steps(
        "  - {id: a, kind: llm, prompt: p, retry: 3}
  - {id: b, kind: llm, prompt: p, retry: {max_attempts: 3, backoff: linear, base_delay_ms: 500}}
  - {id: c, kind: llm, prompt: p, retry: 0}
  - {id: d, kind: llm, prompt: p}
  - {id: e, kind: llm, prompt: p, retry: {backoff: linear}}
  - {id: f, kind: llm, prompt: p, retry: {max_attempts: 2, backoff: exponental}}
  - {id: g, kind: llm, prompt: p, retry: -1}
  - {id: h, kind: llm, prompt: p, retry: \"3\"}
  - {id: i, kind: llm, prompt: p, retry: {max_attempts: 0}}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0103, 8),
            (Code::P0107, 9),
            (Code::P0107, 10),
            (Code::P0104, 11),
            (Code::P0107, 12)
        ]
    );
    assert_eq!(
        out.diagnostics[1].help.as_deref(),
        Some("did you mean `exponential`?")
    );
    let attempts: Vec<u32> = out
        .pipeline()
        .steps
        .iter()
        .map(|s| s.max_attempts)
        .collect();
    // `retry: N` is N retries; the mapping gives attempts; invalid forms fall back to one attempt.
    assert_eq!(attempts, [4, 3, 1, 1, 1, 2, 1, 1, 1]);
}

#[test]
fn timeouts() {
    let out = lower(&with_steps(
        "  - {id: a, kind: llm, prompt: p, timeout: 30}
  - {id: b, kind: llm, prompt: p, timeout: 1.5}
  - {id: c, kind: llm, prompt: p, timeout: 500ms}
  - {id: d, kind: llm, prompt: p, timeout: 2m}
  - {id: e, kind: llm, prompt: p, timeout: \"1h\"}
  - {id: f, kind: llm, prompt: p, timeout: soon}
  - {id: g, kind: llm, prompt: p, timeout: 0}
  - {id: h, kind: llm, prompt: p, timeout: [1]}
",
    ));
    assert_eq!(
        out.codes(),
        [(Code::P0107, 9), (Code::P0107, 10), (Code::P0104, 11)]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "invalid duration `soon` for `timeout`"
    );
    let timeouts: Vec<Option<f64>> = out.pipeline().steps.iter().map(|s| s.timeout_s).collect();
    assert_eq!(
        timeouts,
        [
            Some(30.0),
            Some(1.5),
            Some(0.5),
            Some(120.0),
            Some(3600.0),
            None,
            None,
            None
        ]
    );
}

#[test]
fn defaults_fill_steps_that_do_not_set_them() {
    let text = "pipec: 1
name: t
models:
  fast: {provider: openai, model: m}
  slow: {provider: anthropic, model: n}
defaults: {model: fast, timeout: 1m, retry: {max_attempts: 5}}
steps:
  - {id: a, kind: llm, prompt: p}
  - {id: b, kind: llm, prompt: p, model: slow, timeout: 5, retry: 0}
  - id: c
    kind: loop
    while: \"true\"
    max_iterations: 2
    steps:
      - {id: d, kind: llm, prompt: p}
";
    let out = clean(text);
    let a = out.step("a");
    assert_eq!(
        (
            a.model.as_ref().map(|m| m.text.as_str()),
            a.timeout_s,
            a.max_attempts
        ),
        (Some("fast"), Some(60.0), 5)
    );
    let model_span = a.model.as_ref().unwrap().span;
    assert_eq!(
        model_span.start,
        out.text.find("fast, timeout").unwrap() as u32,
        "the span of `defaults.model`"
    );
    let b = out.step("b");
    assert_eq!(
        (
            b.model.as_ref().map(|m| m.text.as_str()),
            b.timeout_s,
            b.max_attempts
        ),
        (Some("slow"), Some(5.0), 1)
    );
    assert_eq!(
        out.step("d").max_attempts,
        5,
        "nested steps take the defaults too"
    );
    let out = lower(
        &with_steps("  - {id: a, kind: llm, prompt: p}\n")
            .replace("steps:", "defaults: {modle: fast, timeout: never}\nsteps:"),
    );
    assert_eq!(out.codes(), [(Code::P0101, 3), (Code::P0107, 3)]);
}

#[test]
fn models_and_limits() {
    let text = "pipec: 1
name: t
models:
  a: {provider: opena, model: m}
  b: {provider: openai}
  c: {provider: openai, model: m, price: {input_per_mtok: 1}, max_tokens: 0, temprature: 1}
  d: {provider: ollama, model: llama3, temperature: 0.7}
limits: {max_llm_calls: 0, timeout: 2m, max_cost: 1}
steps:
  - {id: s, kind: llm, prompt: p}
";
    let out = lower(text);
    assert_eq!(
        out.codes(),
        [
            (Code::P0107, 4),
            (Code::P0103, 5),
            (Code::P0103, 6),
            (Code::P0107, 6),
            (Code::P0101, 6),
            (Code::P0107, 8),
            (Code::P0101, 8)
        ]
    );
    assert_eq!(
        out.diagnostics[0].help.as_deref(),
        Some("did you mean `openai`?")
    );
    assert_eq!(out.diagnostics[1].message, "model `b` is missing `model`");
    assert_eq!(
        out.diagnostics[2].message,
        "`price` is missing `output_per_mtok`"
    );
    assert_eq!(
        out.diagnostics[4].help.as_deref(),
        Some("did you mean `temperature`?")
    );
    assert_eq!(
        out.diagnostics[6].help.as_deref(),
        Some("did you mean `max_cost_usd`?")
    );
    let models = &out.pipeline().models;
    assert_eq!(
        models
            .iter()
            .map(|m| m.name.text.as_str())
            .collect::<Vec<_>>(),
        ["c", "d"]
    );
    assert_eq!(models[0].price, None);
    assert_eq!(models[1].temperature, Some(0.7));
    assert_eq!(
        out.pipeline().limits.timeout_s.map(|l| l.value),
        Some(120.0)
    );
    assert_eq!(out.pipeline().limits.max_llm_calls, None);
}

#[test]
fn id_and_kind_are_required() {
    let out = lower(&with_steps(
        "  - {name: a, kind: llm, prompt: p}
  - {id: b, type: llm, prompt: p}
  - {id: c, kind: predikt, signature: s}
  - {id: d, kind: for_loop}
  - {id: e, kind: quantum}
  - just a string
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0101, 4),
            (Code::P0103, 4),
            (Code::P0101, 5),
            (Code::P0103, 5),
            (Code::P0106, 6),
            (Code::P0106, 7),
            (Code::P0106, 8),
            (Code::P0104, 9)
        ]
    );
    assert_eq!(out.diagnostics[1].message, "step is missing `id`");
    assert_eq!(
        out.diagnostics[1].help.as_deref(),
        Some("native steps are identified by `id:`; rename `name:` to `id:`")
    );
    assert_eq!(out.diagnostics[3].message, "step `b` is missing `kind`");
    assert_eq!(
        out.diagnostics[3].help.as_deref(),
        Some("native steps name their kind with `kind:`; rename `type:` to `kind:`")
    );
    assert_eq!(out.diagnostics[4].message, "unknown step kind `predikt`");
    assert_eq!(
        out.diagnostics[4].help.as_deref(),
        Some("did you mean `predict`?")
    );
    assert_eq!(
        out.diagnostics[5].help.as_deref(),
        Some("pipeline_ex's `for_loop` is written `kind: map` in native files")
    );
    assert!(
        out.diagnostics[6]
            .help
            .as_deref()
            .unwrap()
            .starts_with("expected one of `predict`, `chain_of_thought`")
    );
    assert!(
        out.pipeline().steps.is_empty(),
        "steps without a usable id or kind are left out"
    );
}

#[test]
fn keys_of_other_kinds_say_which_kinds_take_them() {
    let out = lower(&with_steps(
        "  - {id: a, kind: predict, signature: s, over: xs, steps: []}
  - {id: b, kind: claude, prompt: p, provider: openai}
  - {id: c, kind: llm, promt: p, prompt: p}
  - {id: d, kind: transform, input: x, ops: [], with: {a: b}}
  - {id: e, kind: set, vars: {}, colour: red}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0101, 4),
            (Code::P0101, 4),
            (Code::P0101, 5),
            (Code::P0101, 6),
            (Code::P0101, 7),
            (Code::P0101, 8)
        ]
    );
    let d = &out.diagnostics;
    assert_eq!(d[0].message, "key `over` does not apply to `predict` steps");
    assert_eq!(d[0].primary.message, "`predict` steps do not take `over`");
    assert_eq!(d[0].help.as_deref(), Some("`over` is a key of `map` steps"));
    assert_eq!(
        d[1].help.as_deref(),
        Some("`steps` is a key of `map` or `loop` steps")
    );
    assert_eq!(
        d[2].help.as_deref(),
        Some("`claude` steps always call anthropic; `provider` is a key of `llm` steps")
    );
    assert_eq!(d[3].message, "unknown key `promt` in step `c`");
    assert_eq!(d[3].help.as_deref(), Some("did you mean `prompt`?"));
    assert_eq!(
        d[4].help.as_deref(),
        Some("`with` is a key of `predict`, `chain_of_thought`, `react` or `pipeline` steps")
    );
    assert!(
        d[5].help
            .as_deref()
            .unwrap()
            .starts_with("`set` steps take `id`, `kind`")
    );
}

#[test]
fn common_value_kinds() {
    let out = lower(&with_steps(
        "  - {id: a, kind: llm, prompt: p, cache: yes, description: [x], depends_on: b, model: {x: 1}}
  - {id: b, kind: llm, prompt: p, cache: true, description: fine, depends_on: [a, 3]}
",
    ));
    assert_eq!(
        out.codes(),
        [
            (Code::P0104, 4),
            (Code::P0104, 4),
            (Code::P0104, 4),
            (Code::P0104, 4)
        ]
    );
    let deps: Vec<&str> = out
        .step("b")
        .depends_on
        .iter()
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(deps, ["a", "3"]);
}

/// Needs the expression parser.
#[test]
fn when_is_a_condition() {
    let out = clean(&with_steps(
        "  - {id: a, kind: llm, prompt: p, when: \"inputs.x == 'bug'\"}
  - {id: b, kind: llm, prompt: p, when: true}
  - {id: c, kind: llm, prompt: p, when: {and: [\"inputs.x\", {not: \"inputs.y\"}]}}
",
    ));
    let Some(Condition::Expr(expr)) = &out.step("a").when else {
        panic!("{:?}", out.step("a").when)
    };
    assert_eq!(
        out.at(out.pipeline().span_of(&expr.span)),
        "inputs.x == 'bug'"
    );
    assert!(matches!(out.step("b").when, Some(Condition::Expr(_))));
    assert!(matches!(out.step("c").when, Some(Condition::All(..))));
    let out = lower(&with_steps(
        "  - {id: a, kind: llm, prompt: p, when: \"inputs.x ==\"}\n",
    ));
    assert_eq!(out.codes(), [(Code::P0200, 4)]);
    assert!(matches!(out.step("a").when, Some(Condition::Invalid(_))));
    assert!(matches!(out.step("a").kind, StepKind::Llm { .. }));
}
