//! What a DSPy program cannot express, refused before anything is emitted (P0832):
//! pipeline_ex files (their prompts are not signatures), pipeline_ex-only kinds
//! (parallel prompt tasks, file operations, echo) and prompt parts (files,
//! `previous_response`), and step ids or tool names that cannot be Python attributes of a
//! `dspy.Module` (keywords, and the names of `dspy.Module`'s own methods).

use pipec_diagnostics::{Code, Diagnostic};
use pipec_ir::{Dialect, Pipeline, PipelineSource, PredictModule, PromptPart, Step, StepKind};

use crate::Program;
use crate::python::KEYWORDS;

/// Attributes every `dspy.Module` has; a step id among them would replace one.
const MODULE_ATTRIBUTES: &[&str] = &[
    "acall",
    "aforward",
    "batch",
    "callbacks",
    "deepcopy",
    "dump_state",
    "forward",
    "get_lm",
    "history",
    "inspect_history",
    "load",
    "load_state",
    "map_named_predictors",
    "named_parameters",
    "named_predictors",
    "named_sub_modules",
    "parameters",
    "predictors",
    "reset_copy",
    "save",
    "set_lm",
];

/// Every reason the program cannot be built, one diagnostic each.
#[must_use]
pub fn refusals(program: Program<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for pipeline in std::iter::once(program.root).chain(program.files) {
        pipeline_refusals(pipeline, &mut out);
    }
    out
}

fn pipeline_refusals(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    if pipeline.dialect == Dialect::PipelineEx {
        out.push(
            Diagnostic::new(
                Code::P0832,
                pipeline.span,
                "a pipeline_ex file cannot be built as a DSPy program",
            )
            .with_primary_label("its prompts are free text, not signatures")
            .with_help("write the pipeline in the native format (`pipec: 1`) with predict steps"),
        );
        return;
    }
    let mut stack: Vec<&Step> = pipeline.steps.iter().collect();
    while let Some(step) = stack.pop() {
        let id = step.id.text.as_str();
        if KEYWORDS.contains(&id) || MODULE_ATTRIBUTES.contains(&id) {
            out.push(
                Diagnostic::new(
                    Code::P0832,
                    step.id.span,
                    format!("step id `{id}` cannot name an attribute of a DSPy module"),
                )
                .with_primary_label(if KEYWORDS.contains(&id) {
                    "a Python keyword"
                } else {
                    "a method of `dspy.Module`"
                })
                .with_help(format!("rename the step, such as `{id}_step`")),
            );
        }
        let unsupported = match &step.kind {
            StepKind::Parallel { .. } => Some("parallel prompt tasks"),
            StepKind::FileOps { .. } => Some("file operations"),
            StepKind::Echo { .. } => Some("`test_echo` steps"),
            StepKind::Llm { prompt, .. }
                if prompt.iter().any(|p| {
                    matches!(p, PromptPart::File(_) | PromptPart::PreviousResponse { .. })
                }) =>
            {
                Some("prompts made of files or `previous_response`")
            }
            _ => None,
        };
        if let Some(what) = unsupported {
            out.push(
                Diagnostic::new(
                    Code::P0832,
                    step.type_name.span,
                    format!("{what} have no DSPy counterpart"),
                )
                .with_primary_label("not expressible in a DSPy program")
                .with_help("use predict, chain_of_thought, llm, transform, set, map, loop, branch or pipeline steps"),
            );
        }
        if let StepKind::Predict {
            module: PredictModule::React { tools, .. },
            ..
        } = &step.kind
        {
            for tool in tools {
                let ok = is_identifier(&tool.text) && !KEYWORDS.contains(&tool.text.as_str());
                if !ok {
                    out.push(
                        Diagnostic::new(
                            Code::P0832,
                            tool.span,
                            format!("tool `{}` cannot be a Python function name", tool.text),
                        )
                        .with_primary_label("not a Python identifier")
                        .with_help("name tools with letters, digits and `_`"),
                    );
                }
            }
        }
        match &step.kind {
            StepKind::Branch { cases, default } => {
                stack.extend(cases.iter().flat_map(|c| &c.steps));
                stack.extend(default);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => stack.extend(steps),
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => pipeline_refusals(inner, out),
            _ => {}
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
