//! Which provider and settings a model-calling step uses: the step's `model:` (or
//! `defaults.model`, applied by the lowering) names a `models:` entry of its pipeline; an
//! `llm` step's `provider:` (or a provider-bound kind such as `claude`) overrides the entry's
//! provider.

use pipec_diagnostics::Code;
use pipec_ir::{Pipeline, Step};

use super::error::RunError;
use crate::providers::{ModelSettings, Price};

/// A model ready to call.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedModel {
    /// The provider's name (`openai`, `ollama`, ...).
    pub provider: String,
    /// What goes on the wire, plus the accounting settings.
    pub settings: ModelSettings,
}

/// The model `step` calls.
///
/// # Errors
/// P0712 when the step names no model (a `provider:` alone does not say which model).
pub fn resolve(
    pipeline: &Pipeline,
    step: &Step,
    provider_override: Option<&str>,
) -> Result<ResolvedModel, RunError> {
    let Some(name) = &step.model else {
        let mut error = RunError::new(Code::P0712, "this step names no model")
            .at(step.id.span)
            .with_label("no `model:` here and no `defaults.model`");
        error = match provider_override {
            Some(provider) => error.with_help(format!(
                "add a `models:` entry with `provider: {provider}` and the model id, and name it with `model:`"
            )),
            None => error.with_help(
                "add `model: NAME` naming a `models:` entry, or set `defaults: {model: NAME}`",
            ),
        };
        return Err(error);
    };
    // The checker reports unknown model names (P0210), so this only fails on an unchecked
    // program.
    let Some(model) = pipeline.model(&name.text) else {
        return Err(
            RunError::new(Code::P0712, format!("no model named `{}`", name.text)).at(name.span),
        );
    };
    let mut settings = ModelSettings::new(model.model.text.clone());
    settings.temperature = model.temperature;
    settings.max_tokens = model.max_tokens;
    settings.max_input_tokens = model.max_input_tokens;
    settings.price = model.price.map(|p| Price {
        input_per_mtok: p.input_per_mtok,
        output_per_mtok: p.output_per_mtok,
    });
    Ok(ResolvedModel {
        provider: provider_override.map_or_else(|| model.provider.text.clone(), str::to_owned),
        settings,
    })
}
