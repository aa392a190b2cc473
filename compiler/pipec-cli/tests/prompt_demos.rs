//! Demos on predict steps against DSPy's own recordings: every case of
//! `../shared/fixtures/dspy/chat_format.json` and `json_format.json` that passes demos
//! becomes a native pipeline (the case's signature as a structured signature, its types as
//! `types:`, its demos as the step's `demos:`), and `pipec prompt` on the real binary must
//! print exactly the messages DSPy recorded. Demo keys that are not fields of the
//! signature (`augmented`, labels) are left out of the file, as `pipec import-dspy` leaves
//! them out: DSPy ignores them, and pipec reports them (P0118).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pipec_adapter::value::json;
use pipec_adapter::{Map, Value};

fn fixture(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/dspy")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the shared DSPy fixtures");
    let doc = json::loads(&text).unwrap();
    doc.as_object()
        .unwrap()
        .get("cases")
        .unwrap()
        .as_list()
        .unwrap()
        .to_vec()
}

fn str_of<'a>(map: &'a Map, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// A fixture field as a native field mapping.
fn field(spec: &Map) -> (String, Value) {
    let mut out = Map::new();
    out.insert("type", Value::str(str_of(spec, "type").unwrap_or("str")));
    if let Some(desc) = str_of(spec, "desc").or_else(|| str_of(spec, "description")) {
        out.insert("desc", Value::str(desc));
    }
    if let Some(constraints) = spec.get("constraints").and_then(Value::as_object) {
        for (k, v) in constraints.iter() {
            out.insert(k.clone(), v.clone());
        }
    }
    if let Some(default) = spec.get("default") {
        out.insert("default", default.clone());
    }
    (str_of(spec, "name").unwrap().to_owned(), Value::Object(out))
}

/// The case as a native pipeline, or `None` when the case uses what the native format
/// cannot declare (enums whose member names differ from their values).
fn pipeline(case: &Map) -> Option<String> {
    let signature = case.get("signature")?.as_object()?;
    let chain_of_thought = str_of(case, "module") == Some("ChainOfThought");
    let mut sig = Map::new();
    if let Some(instructions) = str_of(signature, "instructions") {
        sig.insert("instructions", Value::str(instructions));
    }
    let mut names = Vec::new();
    let mut inputs = Map::new();
    let mut with = Map::new();
    for spec in signature.get("inputs")?.as_list()? {
        let spec = spec.as_object()?;
        let name = str_of(spec, "name")?;
        inputs.insert(name, Value::str(str_of(spec, "type").unwrap_or("str")));
        with.insert(name, Value::str(format!("{{{{ inputs.{name} }}}}")));
    }
    for side in ["inputs", "outputs"] {
        let mut fields = Map::new();
        for spec in signature.get(side)?.as_list()? {
            let (name, value) = field(spec.as_object()?);
            names.push(name.clone());
            // ChainOfThought's `reasoning` is the module's, not the base signature's.
            if !(chain_of_thought && side == "outputs" && name == "reasoning") {
                fields.insert(name, value);
            }
        }
        sig.insert(side, Value::Object(fields));
    }
    let mut types = Map::new();
    for def in case.get("types")?.as_list()? {
        let def = def.as_object()?;
        let mut out = Map::new();
        if let Some(doc) = str_of(def, "doc") {
            out.insert("desc", Value::str(doc));
        }
        if str_of(def, "kind") == Some("enum") {
            let mut values = Vec::new();
            for member in def.get("members")?.as_list()? {
                let member = member.as_object()?;
                if member.get("name") != member.get("value") {
                    return None;
                }
                values.push(member.get("value")?.clone());
            }
            out.insert("enum", Value::List(values));
        } else {
            let mut fields = Map::new();
            for spec in def.get("fields")?.as_list()? {
                let (name, value) = field(spec.as_object()?);
                fields.insert(name, value);
            }
            out.insert("fields", Value::Object(fields));
        }
        types.insert(str_of(def, "name")?, Value::Object(out));
    }
    let demos: Vec<Value> = case
        .get("demos")?
        .as_list()?
        .iter()
        .map(|demo| {
            let mut kept = Map::new();
            for (k, v) in demo.as_object().unwrap().iter() {
                if names.contains(k) {
                    kept.insert(k.clone(), v.clone());
                }
            }
            Value::Object(kept)
        })
        .collect();
    let mut step = Map::new();
    step.insert("id", Value::str("call"));
    let kind = if chain_of_thought {
        "chain_of_thought"
    } else {
        "predict"
    };
    step.insert("kind", Value::str(kind));
    step.insert("signature", Value::Object(sig));
    step.insert("with", Value::Object(with));
    step.insert("demos", Value::List(demos));
    let mut root = Map::new();
    root.insert("pipec", Value::int(1));
    root.insert("name", Value::str("fixture"));
    root.insert("inputs", Value::Object(inputs));
    root.insert("types", Value::Object(types));
    root.insert("steps", Value::List(vec![Value::Object(step)]));
    Some(json::dumps(&Value::Object(root)))
}

fn scratch(adapter: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pipec-prompt-demos-{adapter}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn agree(fixture_file: &str, adapter: &str) -> usize {
    let dir = scratch(adapter);
    let mut compared = 0;
    for case in fixture(fixture_file) {
        let case = case.as_object().unwrap();
        let has_demos = case
            .get("demos")
            .and_then(Value::as_list)
            .is_some_and(|d| !d.is_empty());
        let Some(expected) = case.get("messages").filter(|m| !m.is_null()) else {
            continue;
        };
        if !has_demos {
            continue;
        }
        let name = str_of(case, "name").unwrap();
        let text = pipeline(case).unwrap_or_else(|| panic!("{name}: not expressible"));
        let file = dir.join(format!("{name}.pipec.json"));
        std::fs::write(&file, &text).unwrap();
        let inputs = json::dumps(case.get("inputs").unwrap());
        let out = Command::new(env!("CARGO_BIN_EXE_pipec"))
            .arg("prompt")
            .arg(&file)
            .args(["--step", "call", "--adapter", adapter, "--inputs", &inputs])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed = json::loads(&String::from_utf8_lossy(&out.stdout)).unwrap();
        assert_eq!(
            json::dumps(&printed),
            json::dumps(expected),
            "{name}: the messages differ from DSPy's"
        );
        compared += 1;
    }
    std::fs::remove_dir_all(&dir).ok();
    compared
}

#[test]
fn demos_render_exactly_as_dspy_chat_adapter_renders_them() {
    assert!(agree("chat_format.json", "chat") >= 12);
}

#[test]
fn demos_render_exactly_as_dspy_json_adapter_renders_them() {
    assert!(agree("json_format.json", "json") >= 4);
}
