//! The expression language's run-time meaning, case by case: each case is an expression
//! (or template), the scope it reads, and the value or the error it must give.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use pipec_eval::{EvalError, MapScope, Value, eval, eval_condition, functions, render};
use pipec_syntax::expr::{parse_expr, parse_template};
use serde_json::json;

fn scope() -> MapScope {
    MapScope::new(json!({
        "inputs": {"topic": "rust", "n": 3, "ratio": 0.5, "tags": ["a", "b", "a"], "empty": ""},
        "steps": {
            "classify": {"label": "bug", "score": 8, "confidence": 0.9},
            "draft": "A draft",
            "items": [{"title": "one", "n": 2}, {"title": "two", "n": 5}],
        },
        "vars": {"count": 0, "none": null},
        "item": {"name": "x"},
    }))
}

fn value(src: &str) -> Value {
    let expr = parse_expr(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    eval(&expr, &scope()).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn error(src: &str) -> EvalError {
    let expr = parse_expr(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    match eval(&expr, &scope()) {
        Ok(v) => panic!("{src}: expected an error, got {v}"),
        Err(e) => e,
    }
}

#[test]
fn paths() {
    assert_eq!(value("inputs.topic"), json!("rust"));
    assert_eq!(value("steps.items[1].title"), json!("two"));
    assert_eq!(value("steps.items.0.n"), json!(2));
    assert_eq!(value("item.name"), json!("x"));
    let e = error("steps.classify.lable");
    assert_eq!(e.message, "`steps.classify` has no field `lable`");
    assert!(e.missing);
    assert_eq!(
        error("steps.items[9]").message,
        "`steps.items` has 2 items; index 9 is out of range"
    );
    assert_eq!(error("nope.x").message, "no value named `nope`");
    let e = error("steps.draft.text");
    assert_eq!(
        e.message,
        "cannot read field `text` of `steps.draft`, which is a str"
    );
    assert!(!e.missing);
}

#[test]
fn error_spans_point_at_the_failing_part() {
    let src = "steps.classify.lable == 'x'";
    let e = error(src);
    assert_eq!(&src[e.span.start as usize..e.span.end as usize], "lable");
}

#[test]
fn logic_and_truthiness() {
    assert_eq!(
        value("steps.classify.label == 'bug' and inputs.n > 2"),
        json!(true)
    );
    assert_eq!(value("vars.count or inputs.empty"), json!(false));
    assert_eq!(value("not vars.none"), json!(true));
    // Short-circuit: the failing right side is never evaluated.
    assert_eq!(value("false and nope.x"), json!(false));
    assert_eq!(value("true or nope.x"), json!(true));
    let cond = parse_expr("inputs.tags").unwrap();
    assert!(eval_condition(&cond, &scope()).unwrap());
}

#[test]
fn comparisons() {
    assert_eq!(value("inputs.n == 3.0"), json!(true));
    assert_eq!(value("inputs.ratio < 1"), json!(true));
    assert_eq!(value("'b' > 'a'"), json!(true));
    assert_eq!(value("steps.classify.score between 1 and 8"), json!(true));
    assert_eq!(value("[1, 2] == [1.0, 2]"), json!(true));
    assert_eq!(
        error("inputs.topic < 3").message,
        "cannot compare a str with a int"
    );
    assert_eq!(value("inputs.tags contains 'b'"), json!(true));
    assert_eq!(value("inputs.topic contains 'us'"), json!(true));
    assert_eq!(value("steps.classify contains 'label'"), json!(true));
    assert_eq!(value("steps.draft matches '^A d'"), json!(true));
    assert!(
        error("steps.draft matches '('")
            .message
            .starts_with("invalid regular expression")
    );
}

#[test]
fn arithmetic() {
    assert_eq!(value("inputs.n + 2"), json!(5));
    assert_eq!(value("inputs.n * inputs.ratio"), json!(1.5));
    assert_eq!(value("7 / 2"), json!(3.5));
    assert_eq!(value("-7 % 3"), json!(2));
    assert_eq!(value("7 % -3"), json!(-2));
    assert_eq!(value("'a' + 'b'"), json!("ab"));
    assert_eq!(value("[1] + [2]"), json!([1, 2]));
    assert_eq!(value("-inputs.ratio"), json!(-0.5));
    assert_eq!(error("1 / 0").message, "division by zero");
    assert_eq!(error("9223372036854775807 + 1").message, "integer overflow");
    assert_eq!(
        error("'a' - 1").message,
        "`-` needs two numbers, not a str and a int"
    );
}

#[test]
fn functions_and_filters() {
    assert_eq!(value("inputs.tags | join(', ')"), json!("a, b, a"));
    assert_eq!(value("join(inputs.tags, '-')"), json!("a-b-a"));
    assert_eq!(value("inputs.tags | unique | length"), json!(2));
    assert_eq!(value("inputs.topic | upper"), json!("RUST"));
    assert_eq!(value("'  x ' | trim"), json!("x"));
    assert_eq!(
        value("steps.classify.missing | default('n/a')"),
        json!("n/a")
    );
    assert_eq!(value("vars.none | default(1)"), json!(1));
    assert_eq!(value("default(inputs.n, 1)"), json!(3));
    assert_eq!(value("inputs.tags | first"), json!("a"));
    assert_eq!(value("steps.items | last"), json!({"title": "two", "n": 5}));
    assert_eq!(
        value("steps.classify | keys"),
        json!(["confidence", "label", "score"])
    );
    assert_eq!(value("round(2.5)"), json!(2));
    assert_eq!(value("round(3.5)"), json!(4));
    assert_eq!(value("round(2.675, 1)"), json!(2.7));
    assert_eq!(value("floor(-1.5)"), json!(-2));
    assert_eq!(value("ceil(1.2)"), json!(2));
    assert_eq!(value("max([3, 9, 1])"), json!(9));
    assert_eq!(value("min(4, 2, 8)"), json!(2));
    assert_eq!(value("abs(-3)"), json!(3));
    assert_eq!(value("sum([1, 2, 3])"), json!(6));
    assert_eq!(value("sum([1, 2.5])"), json!(3.5));
    assert_eq!(value("startsWith(inputs.topic, 'ru')"), json!(true));
    assert_eq!(value("'a,b' | split(',')"), json!(["a", "b"]));
    assert_eq!(value("'a  b' | split"), json!(["a", "b"]));
    assert_eq!(value("replace('aXa', 'X', '-')"), json!("a-a"));
    assert_eq!(value("to_int('42')"), json!(42));
    assert_eq!(value("to_float('2.5')"), json!(2.5));
    assert_eq!(value("to_str(3)"), json!("3"));
    assert_eq!(value("[3, 1, 2] | sort"), json!([1, 2, 3]));
    assert_eq!(value("slice(inputs.tags, -2)"), json!(["b", "a"]));
    assert_eq!(value("slice('héllo', 1, 3)"), json!("él"));
    assert_eq!(value("isEmpty(inputs.empty)"), json!(true));
    assert_eq!(
        value("json(steps.items[0])"),
        // Keys in the dict's own order, as Python's `json.dumps` writes them.
        json!("{\"title\":\"one\",\"n\":2}")
    );
    assert_eq!(
        error("length(3)").message,
        "`length` expects a string, list or dict as argument 1, not a int"
    );
    assert_eq!(
        error("join()").message,
        "`join` takes 1 to 2 arguments, got 0"
    );
    assert_eq!(
        error("[1, 'a'] | sort").message,
        "`sort` cannot order a str with a int"
    );
    assert_eq!(
        error("frobnicate(1)").message,
        "unknown function `frobnicate`"
    );
}

#[test]
fn templates_keep_a_single_holes_type() {
    let (t, _) = parse_template("{{ steps.items }}");
    assert_eq!(render(&t, &scope()).unwrap(), scope_value("steps.items"));
    let (t, _) = parse_template("{{ inputs.n }} items about {{ inputs.topic }}; {{ vars.none }}.");
    assert_eq!(
        render(&t, &scope()).unwrap(),
        json!("3 items about rust; .")
    );
    let (t, _) = parse_template("{{ bad bad }}");
    assert!(render(&t, &scope()).is_err());
}

fn scope_value(src: &str) -> Value {
    value(src)
}

#[test]
fn every_listed_function_is_implemented() {
    for name in functions::FUNCTIONS {
        // Called with no arguments, each reports an arity problem, never "unknown function".
        let e = functions::call(name, &[], 0..0).unwrap_err();
        assert!(
            !e.message.contains("unknown function"),
            "{name}: {}",
            e.message
        );
    }
}
