//! The Rust half of the differential check against the real DSPy 3.4.1 and json_repair
//! (`differential/run.py` is the Python half): reads one JSON case per line on stdin and
//! prints pipec's answer, one JSON line per case.
//!
//! `repair`: `{"text"}` → json_repair's value. `parse`: a signature, types and a
//! completion → the parsed values and types, or the error. `format`: a signature, types,
//! demos and inputs → the messages, or the error.

#[path = "../tests/common/mod.rs"]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "fixture reader shared with the tests"
)]
mod common;

use std::io::{BufRead, Write};

use pipec_adapter::parse::json_repair;
use pipec_adapter::value::json;
use pipec_adapter::{Adapter, Map, Value, format, parse};

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match json::loads(&line) {
            Ok(Value::Object(case)) => answer(&mode, &case),
            _ => error("not a case"),
        };
        if writeln!(stdout, "{}", json::dumps(&answer)).is_err() {
            break;
        }
    }
}

fn answer(mode: &str, case: &Map) -> Value {
    let adapter = match common::str_of(case, "adapter") {
        Some("json") => Adapter::Json,
        _ => Adapter::Chat,
    };
    match mode {
        "repair" => match json_repair::loads(common::str_of(case, "text").unwrap_or("")) {
            Ok(value) => object([("value", value)]),
            Err(e) => error(&format!("{e:?}")),
        },
        "parse" => {
            let types = common::types(case);
            let signature = common::signature(case, &types);
            let completion = common::str_of(case, "completion").unwrap_or("");
            match parse(adapter, &signature, &types, completion) {
                Ok(parsed) => object([
                    ("values", Value::Object(parsed.to_map())),
                    (
                        "value_types",
                        Value::Object(
                            parsed
                                .fields
                                .iter()
                                .map(|f| (f.name.clone(), Value::str(f.type_name.clone())))
                                .collect(),
                        ),
                    ),
                ]),
                Err(e) => error(&e.to_string()),
            }
        }
        "format" => {
            let types = common::types(case);
            let signature = common::signature(case, &types);
            let demos = common::objects(case, "demos");
            let inputs = case
                .get("inputs")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            match format(adapter, &signature, &types, &demos, &inputs) {
                Ok(messages) => object([(
                    "messages",
                    Value::List(
                        messages
                            .into_iter()
                            .map(|m| {
                                object([
                                    ("role", Value::str(m.role.as_str())),
                                    ("content", Value::Str(m.content)),
                                ])
                            })
                            .collect(),
                    ),
                )]),
                Err(e) => error(&e.to_string()),
            }
        }
        other => error(&format!(
            "unknown mode `{other}`: use repair, parse or format"
        )),
    }
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn error(message: &str) -> Value {
    object([("error", Value::str(message))])
}
