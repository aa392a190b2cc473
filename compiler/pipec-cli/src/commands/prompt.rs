//! `pipec prompt FILE --step ID --inputs JSON`: the exact messages a predict-like step
//! sends (DSPy 3.4.1's ChatAdapter, or its JSON fallback with `--adapter json`), as a
//! JSON array of `{"role", "content"}`.
//!
//! The file is checked first and refused if it has errors. Problems specific to this
//! command carry a stable code: P0202 (no such step), P0718 (not a predict-like step),
//! P0719 (inputs that do not fit the signature), P0720 (a signature the adapter cannot
//! format). Exit status: 0 printed, 1 refused, 2 usage or I/O problem.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use pipec_adapter::fits::value_problem;
use pipec_adapter::from_ir::{StepSignatureError, step_demos, step_signature, type_defs_from_ir};
use pipec_adapter::value::json;
use pipec_adapter::{Adapter, Map, Signature, TypeDefs, Value, format};
use pipec_check::check;
use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_diagnostics::{Code, did_you_mean};
use pipec_ir::{Pipeline, Step, StepKind};

use crate::disk::{DiskLoader, collect_inputs};

/// Run the command.
pub fn run(file: &Path, step_id: &str, inputs: &str, adapter: Adapter) -> ExitCode {
    let sources = match collect_inputs(&[file.to_path_buf()]) {
        Ok(sources) => sources,
        Err(message) => return usage(&message),
    };
    let name = sources.first().map(|s| s.name.clone()).unwrap_or_default();
    let result = check(sources, &mut DiskLoader);
    if result.error_count() > 0 {
        let text = render_human(&result.sources, &result.diagnostics, ColorChoice::Never);
        eprint!("{text}");
        eprintln!("error: `{name}` has errors; fix them before rendering prompts");
        return ExitCode::from(1);
    }
    let pipeline = result.pipelines.iter().find_map(|(id, pipeline)| {
        let file = result.sources.get(*id)?;
        (file.name() == name).then_some(pipeline.as_ref()).flatten()
    });
    let Some(pipeline) = pipeline else {
        return usage(&format!("`{name}` holds no pipeline"));
    };
    let inputs = match json::loads(inputs) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return refuse(
                Code::P0719,
                "`--inputs` must be a JSON object of input values",
                None,
            );
        }
        Err(e) => {
            return refuse(
                Code::P0719,
                &format!(
                    "`--inputs` is not JSON: {} at character {}",
                    e.message,
                    e.at + 1
                ),
                None,
            );
        }
    };
    match messages(pipeline, step_id, &inputs, adapter) {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            if writeln!(stdout, "{text}").is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err((code, message, help)) => refuse(code, &message, help.as_deref()),
    }
}

type Refusal = (Code, String, Option<String>);

/// The messages as pretty-printed JSON, or why not.
fn messages(
    pipeline: &Pipeline,
    step_id: &str,
    inputs: &Map,
    adapter: Adapter,
) -> Result<String, Refusal> {
    let mut ids = Vec::new();
    let step = find_step(&pipeline.steps, step_id, &mut ids).ok_or_else(|| {
        let help = did_you_mean(step_id, &ids).map(|s| format!("did you mean `{s}`?"));
        (Code::P0202, format!("no step named `{step_id}`"), help)
    })?;
    let signature = step_signature(pipeline, step).map_err(|e| {
        let code = match e {
            StepSignatureError::UnknownSignature(_) => Code::P0720,
            _ => Code::P0718,
        };
        (code, format!("step `{step_id}`: {e}"), None)
    })?;
    let types = type_defs_from_ir(&pipeline.types);
    check_inputs(&signature, &types, inputs)?;
    let messages = format(adapter, &signature, &types, &step_demos(step), inputs)
        .map_err(|e| (Code::P0720, format!("step `{step_id}`: {e}"), None))?;
    let list: Vec<Value> = messages
        .into_iter()
        .map(|m| {
            let mut object = Map::new();
            object.insert("role", Value::str(m.role.as_str()));
            object.insert("content", Value::Str(m.content));
            Value::Object(object)
        })
        .collect();
    Ok(json::dumps_indented(&Value::List(list)))
}

/// The step with this id, at any depth; collects every id for "did you mean".
fn find_step<'p>(steps: &'p [Step], id: &str, ids: &mut Vec<String>) -> Option<&'p Step> {
    let mut stack: Vec<&'p Step> = steps.iter().rev().collect();
    let mut found = None;
    while let Some(step) = stack.pop() {
        ids.push(step.id.text.clone());
        if found.is_none() && step.id.text == id {
            found = Some(step);
        }
        let children: Vec<&'p Step> = match &step.kind {
            StepKind::Branch { cases, default } => cases
                .iter()
                .flat_map(|c| c.steps.iter())
                .chain(default.iter())
                .collect(),
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => steps.iter().collect(),
            _ => Vec::new(),
        };
        stack.extend(children.into_iter().rev());
    }
    found
}

/// Every input given, of its type (a `str` field also takes a list of strings, which
/// DSPy shows as a numbered list), no unknown names.
fn check_inputs(signature: &Signature, types: &TypeDefs, inputs: &Map) -> Result<(), Refusal> {
    let names: Vec<&str> = signature.inputs.iter().map(|f| f.name.as_str()).collect();
    for key in inputs.keys() {
        if !names.contains(&key.as_str()) {
            let help = did_you_mean(key, &names)
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some(format!("the inputs are: {}", names.join(", "))));
            return Err((Code::P0719, format!("the step has no input `{key}`"), help));
        }
    }
    for field in &signature.inputs {
        let Some(value) = inputs.get(&field.name) else {
            if field.ty.accepts_none() {
                continue;
            }
            return Err((
                Code::P0719,
                format!("missing input `{}` ({})", field.name, field.ty.display()),
                None,
            ));
        };
        let problem = value_problem(&field.ty, value, types);
        if let Some(problem) = problem {
            return Err((
                Code::P0719,
                format!(
                    "input `{}` is not a valid {}: {problem}",
                    field.name,
                    field.ty.display()
                ),
                None,
            ));
        }
    }
    Ok(())
}

fn refuse(code: Code, message: &str, help: Option<&str>) -> ExitCode {
    eprintln!("error[{}]: {message}", code.as_str());
    if let Some(help) = help {
        eprintln!("  = help: {help}");
    }
    ExitCode::from(1)
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
