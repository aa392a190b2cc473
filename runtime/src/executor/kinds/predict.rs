//! `predict` and `chain_of_thought`: a signature call through the adapters.
//!
//! The inputs are the step's `with` bindings (a missing input takes its field default, or
//! `None` when optional). `chain_of_thought` prepends a `reasoning: str` output, as
//! `dspy.ChainOfThought` does; a signature without instructions gets DSPy's default
//! ("Given the fields `a`, produce the fields `b`."), computed before `reasoning` is added.
//! The primary adapter formats the call and parses the reply; if it cannot parse it, the
//! fallback adapter (DSPy's JSONAdapter) makes one more call. A reply neither can parse
//! stops the run with P0706, quoting the reply.

use pipec_diagnostics::Code;
use pipec_eval::MapScope;
use pipec_ir::{
    Binding, Demo, Field, Name, PredictModule, Signature, SignatureRef, Step, Type, TypeRef,
};
use serde_json::{Map, Value};

use crate::adapter::{Adapter, AdapterError, SignatureCall};
use crate::executor::error::RunError;
use crate::executor::evaluate;
use crate::executor::frame::Frame;
use crate::executor::model_call::{CallSite, complete};
use crate::executor::models::{ResolvedModel, resolve};
use crate::executor::state::RunState;
use crate::providers::FinishReason;

/// The parts of a predict-like step, borrowed from its kind.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// Which DSPy module.
    pub module: &'a PredictModule,
    /// The signature, by name or inline.
    pub signature: &'a SignatureRef,
    /// Input bindings.
    pub with: &'a [Binding],
    /// Few-shot examples sent before the request.
    pub demos: &'a [Demo],
}

/// Runs a signature call.
///
/// # Errors
/// P0712 without a model, P0710 for a binding, P0706 for a reply that cannot be parsed, a
/// provider or budget error for the call.
pub async fn run(
    run: &RunState<'_>,
    frame: &Frame<'_>,
    step: &Step,
    key: &str,
    call: Call<'_>,
    scope: &MapScope,
) -> Result<Value, RunError> {
    let Call {
        module,
        signature,
        with,
        demos,
    } = call;
    let pipeline = frame.pipeline;
    let declared = match signature {
        SignatureRef::Named(name) => pipeline.signature(&name.text).ok_or_else(|| {
            RunError::new(Code::P0711, format!("no signature named `{}`", name.text)).at(name.span)
        })?,
        SignatureRef::Inline(signature) => signature,
    };
    let model = resolve(pipeline, step, None)?;
    let mut inputs = Map::new();
    for binding in with {
        let value = evaluate::template(&binding.value, scope, pipeline)?;
        inputs.insert(binding.name.text.clone(), value);
    }
    for field in &declared.inputs {
        if !inputs.contains_key(&field.name.text) {
            let default = field
                .default
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or(Value::Null);
            inputs.insert(field.name.text.clone(), default);
        }
    }
    let signature = effective(declared, module);
    let call = SignatureCall {
        signature: &signature,
        types: &pipeline.types,
        inputs: &inputs,
        demos,
    };
    let adapters = &run.config.adapters;
    let site = CallSite {
        key,
        max_attempts: step.max_attempts,
        timeout_s: step.timeout_s,
        adapter: adapters.primary.name(),
    };
    let first = attempt(run, site, &model, &call, &*adapters.primary).await?;
    let (first_error, first_reply) = match first {
        Ok(outputs) => return Ok(Value::Object(outputs)),
        Err(failed) => failed,
    };
    let Some(fallback) = &adapters.fallback else {
        return Err(unparseable(
            step,
            &[(adapters.primary.name(), first_error, first_reply)],
        ));
    };
    let site = CallSite {
        adapter: fallback.name(),
        ..site
    };
    match attempt(run, site, &model, &call, &**fallback).await? {
        Ok(outputs) => Ok(Value::Object(outputs)),
        Err((error, reply)) => Err(unparseable(
            step,
            &[
                (adapters.primary.name(), first_error, first_reply),
                (fallback.name(), error, reply),
            ],
        )),
    }
}

/// A reply as text and why it did not parse.
type ParseFailure = (AdapterError, String);

/// One call with `adapter`: its outputs, or why the reply did not parse (and the reply).
async fn attempt(
    run: &RunState<'_>,
    site: CallSite<'_>,
    model: &ResolvedModel,
    call: &SignatureCall<'_>,
    adapter: &dyn Adapter,
) -> Result<Result<Map<String, Value>, ParseFailure>, RunError> {
    let messages = adapter.format(call).map_err(|e| {
        RunError::new(
            Code::P0706,
            format!(
                "the `{}` adapter cannot format this call: {e}",
                adapter.name()
            ),
        )
    })?;
    let response = complete(run, site, model, messages).await?;
    Ok(match adapter.parse(call, &response.text) {
        Ok(outputs) => Ok(outputs),
        Err(mut error) => {
            if response.finish_reason == FinishReason::Length {
                error
                    .message
                    .push_str(" (the reply was cut off at the model's `max_tokens`)");
            }
            Err((error, response.text))
        }
    })
}

fn unparseable(step: &Step, failures: &[(&str, AdapterError, String)]) -> RunError {
    let mut error = RunError::new(
        Code::P0706,
        "the model's reply cannot be parsed into the signature's outputs",
    )
    .at(step.id.span);
    for (adapter, why, reply) in failures {
        let excerpt: String = reply.chars().take(300).collect();
        let more = if excerpt.len() < reply.len() {
            "…"
        } else {
            ""
        };
        error = error.with_note(format!(
            "{adapter} adapter: {why}; the reply was: {excerpt:?}{more}"
        ));
    }
    error.with_help(
        "a stronger model, a larger `max_tokens`, or simpler output types usually fix this",
    )
}

/// The signature as the module calls it: instructions set, and `reasoning` first for
/// chain of thought.
fn effective(declared: &Signature, module: &PredictModule) -> Signature {
    let mut signature = declared.clone();
    if signature.instructions.is_none() {
        let names = |fields: &[Field]| {
            fields
                .iter()
                .map(|f| format!("`{}`", f.name.text))
                .collect::<Vec<_>>()
                .join(", ")
        };
        signature.instructions = Some(format!(
            "Given the fields {}, produce the fields {}.",
            names(&declared.inputs),
            names(&declared.outputs)
        ));
    }
    if *module == PredictModule::ChainOfThought {
        let span = declared.span;
        signature.outputs.insert(
            0,
            Field {
                name: Name::new("reasoning", span),
                ty: TypeRef {
                    ty: Type::Str,
                    span,
                },
                desc: None,
                constraints: Vec::new(),
                default: None,
            },
        );
    }
    signature
}
