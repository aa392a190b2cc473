//! The demos of predict-like steps against their signatures: every field a demo names is
//! a field of the signature the step sends (`reasoning` included for `chain_of_thought`)
//! (P0118), a demo DSPy would silently drop — no input or no output given — is reported
//! (P0119), and each value fits its field's type as DSPy would format it (P0830).

use pipec_adapter::Value;
use pipec_adapter::fits::value_problem;
use pipec_adapter::from_ir::{signature_from_ir, type_defs_from_ir};
use pipec_adapter::value::json;
use pipec_diagnostics::{Code, Diagnostic, Diagnostics, did_you_mean_or_list};
use pipec_ir::{Demo, Pipeline, PredictModule, StepKind};

use super::table::StepTable;
use super::types::signature_of;

/// Check every demo of every predict-like step of `pipeline`.
pub fn check(pipeline: &Pipeline, table: &StepTable<'_>, diagnostics: &mut Diagnostics) {
    let mut types = None;
    for row in &table.rows {
        let StepKind::Predict {
            module,
            signature,
            demos,
            ..
        } = &row.step.kind
        else {
            continue;
        };
        if demos.is_empty() {
            continue;
        }
        // An unknown signature is reported by `resolve`.
        let Some(declared) = signature_of(pipeline, signature) else {
            continue;
        };
        let mut signature = signature_from_ir(declared);
        if *module == PredictModule::ChainOfThought {
            signature = signature.chain_of_thought();
        }
        let types = types.get_or_insert_with(|| type_defs_from_ir(&pipeline.types));
        for demo in demos {
            check_demo(demo, &signature, types, &row.step.id.text, diagnostics);
        }
    }
}

fn check_demo(
    demo: &Demo,
    signature: &pipec_adapter::Signature,
    types: &pipec_adapter::TypeDefs,
    step: &str,
    diagnostics: &mut Diagnostics,
) {
    let names: Vec<&str> = signature
        .inputs
        .iter()
        .chain(&signature.outputs)
        .map(|f| f.name.as_str())
        .collect();
    let (mut inputs, mut outputs, mut unknown) = (0, 0, 0);
    for value in &demo.values {
        let name = value.name.text.as_str();
        let field = match (signature.input(name), signature.output(name)) {
            (Some(field), _) => {
                inputs += 1;
                field
            }
            (None, Some(field)) => {
                outputs += 1;
                field
            }
            (None, None) => {
                let help = did_you_mean_or_list(name, &names, "the fields")
                    .unwrap_or_else(|| "the signature has no fields".to_owned());
                diagnostics.push(
                    Diagnostic::new(
                        Code::P0118,
                        value.name.span,
                        format!("step `{step}`'s signature has no field `{name}`"),
                    )
                    .with_primary_label("not a field of the signature")
                    .with_help(help),
                );
                unknown += 1;
                continue;
            }
        };
        let parsed = json::loads(&value.json).unwrap_or_else(|_| Value::str(value.json.clone()));
        if parsed.is_null() {
            // DSPy treats a `None` value as not given.
            continue;
        }
        if let Some(problem) = value_problem(&field.ty, &parsed, types) {
            diagnostics.push(
                Diagnostic::new(
                    Code::P0830,
                    value.span,
                    format!(
                        "demo value for `{name}` is not a valid {}",
                        field.ty.display()
                    ),
                )
                .with_primary_label(first_line(&problem))
                .with_help(format!(
                    "give `{name}` a value of type {}",
                    field.ty.display()
                )),
            );
        }
    }
    // A misspelt field (reported above) is the likelier cause than a demo meant to be empty.
    if unknown == 0 && (inputs == 0 || outputs == 0) {
        let missing = if inputs == 0 { "input" } else { "output" };
        diagnostics.push(
            Diagnostic::new(
                Code::P0119,
                demo.span,
                format!("this demo of step `{step}` has no {missing} field, so DSPy drops it"),
            )
            .with_primary_label(format!("no {missing} field given"))
            .with_help("a demo needs at least one input and one output field of the signature"),
        );
    }
}

/// pydantic's first problem without its title, location and `[type=...]` details, such
/// as "Input should be a valid number, unable to parse string as a number".
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .skip(1)
        .find(|l| l.starts_with("  "))
        .unwrap_or(text)
        .trim();
    line.split(" [type=").next().unwrap_or(line).to_owned()
}
