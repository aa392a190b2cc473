//! Nested pipelines: the `pipeline` step type (ref §2; lib/pipeline/step/nested_pipeline.ex)
//! → [`StepKind::Pipeline`]. Exactly one source: `pipeline_file` (loaded with the same loader
//! at run time), `pipeline` (an inline map, with or without a `workflow:` wrapper, where only
//! "has a steps list" is checked; lowered recursively into an inline [`Pipeline`]), or
//! `pipeline_ref` (always fails: the registry is not implemented). `inputs` are templated in
//! the parent; `outputs` and `config` are validated (the IR has no place for them, except
//! `config.timeout_seconds`, which becomes the step's timeout).

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::{MapRef, NodeKind};

use super::keys::{NESTED_CONFIG, NESTED_OUTPUT};
use super::read::{check_keys, head_span, positive, present, value_template};
use super::steps::{Lowered, StepInfo};
use super::{Origin, lower_workflow};
use crate::ir::{Binding, Name, PipelineSource, StepKind};
use crate::lower::Ctx;

/// pipeline → [`StepKind::Pipeline`].
pub(super) fn lower_nested(ctx: &mut Ctx<'_>, map: MapRef<'_>, info: StepInfo<'_>) -> Lowered {
    let given: Vec<_> = ["pipeline_file", "pipeline", "pipeline_ref"]
        .into_iter()
        .filter_map(|k| map.entry(k))
        .collect();
    if given.is_empty() {
        ctx.push(
            Diagnostic::new(
                Code::P0103,
                info.at,
                format!("{} names no pipeline to run", info.context),
            )
            .with_primary_label("a `pipeline` step needs `pipeline_file` or `pipeline`")
            .with_help("add `pipeline_file: path/to/other.yaml`"),
        );
    }
    if let [(first, _), rest @ ..] = given.as_slice() {
        for (extra, _) in rest {
            ctx.push(
                Diagnostic::new(
                    Code::P0107,
                    extra.span(),
                    format!("{} names more than one pipeline", info.context),
                )
                .with_primary_label("a second pipeline source")
                .with_label(first.span(), "the first one")
                .with_help("keep exactly one of `pipeline_file`, `pipeline` and `pipeline_ref`"),
            );
        }
    }

    let mut source = None;
    if let Some(node) = present(map, "pipeline_file") {
        source = ctx
            .str(node, "`pipeline_file`")
            .map(|path| PipelineSource::File(Name::new(path, node.span())));
    }
    if let Some(node) = present(map, "pipeline")
        && let Some(inline) = ctx.map(node, "an inline `pipeline`")
    {
        // The `workflow:` wrapper is optional.
        let inner = match inline.get("workflow") {
            Some(wrapped) => ctx.map(wrapped, "`workflow`"),
            None => Some(inline),
        };
        if let Some(inner) = inner {
            let origin = Origin::Inline {
                step: info.id,
                context: info.context,
            };
            let pipeline = lower_workflow(ctx, inner, origin);
            source = source.or(Some(PipelineSource::Inline(Box::new(pipeline))));
        }
    }
    if let Some(node) = present(map, "pipeline_ref") {
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                node.span(),
                "pipeline_ref is not implemented by pipeline_ex",
            )
            .with_primary_label("this step always fails at run time (no pipeline registry exists)")
            .with_help("use `pipeline_file: path/to/pipeline.yaml`"),
        );
    }

    let mut inputs = Vec::new();
    if let Some(node) = present(map, "inputs")
        && let Some(bindings) = ctx.map(node, "`inputs`")
    {
        for (key, value) in bindings.entries() {
            let Some(name) = ctx.name(key, "an input name") else {
                continue;
            };
            if let Some(value) = value_template(ctx, value, "an input value") {
                inputs.push(Binding { name, value });
            }
        }
    }
    if let Some(node) = present(map, "outputs") {
        outputs(ctx, node, info);
    }
    let timeout_s = present(map, "config").and_then(|n| config(ctx, n, info));

    match source {
        Some(source) => Lowered {
            kind: Some(StepKind::Pipeline { source, inputs }),
            max_attempts: 1,
            timeout_s,
            extra_templates: Vec::new(),
        },
        None => Lowered::none(),
    }
}

/// `outputs`: names, or `{path, as}` maps.
fn outputs(ctx: &mut Ctx<'_>, node: pipec_syntax::NodeRef<'_>, info: StepInfo<'_>) {
    let Some(items) = ctx.seq(node, "`outputs`") else {
        return;
    };
    for item in items {
        match item.kind() {
            NodeKind::Map(_) => {
                let Some(output) = item.as_map() else {
                    continue;
                };
                let context = format!("an output of {}", info.context);
                check_keys(ctx, output, NESTED_OUTPUT, &[], &context);
                match present(output, "path") {
                    Some(path) => {
                        ctx.name(path, "an output `path`");
                    }
                    None => ctx.push(
                        Diagnostic::new(
                            Code::P0103,
                            head_span(output),
                            format!("{context} is missing `path`"),
                        )
                        .with_primary_label("`path` is required here")
                        .with_help("write `{path: step.field, as: name}` or just the step name"),
                    ),
                }
                if let Some(alias) = present(output, "as") {
                    ctx.name(alias, "an output `as`");
                }
            }
            _ => {
                ctx.name(item, "an output");
            }
        }
    }
}

/// `config`; returns `timeout_seconds`.
fn config(ctx: &mut Ctx<'_>, node: pipec_syntax::NodeRef<'_>, info: StepInfo<'_>) -> Option<f64> {
    let map = ctx.map(node, "`config`")?;
    check_keys(
        ctx,
        map,
        NESTED_CONFIG,
        &[],
        &format!("the `config` of {}", info.context),
    );
    let mut timeout = None;
    for (key, value) in map.entries() {
        if value.is_null() {
            continue;
        }
        match key.scalar_text().as_deref() {
            Some(k @ ("inherit_context" | "workspace_enabled" | "cleanup_on_error")) => {
                ctx.bool(value, &format!("`{k}`"));
            }
            Some(k @ ("max_depth" | "max_total_steps")) => {
                positive(ctx, value, &format!("`{k}`"));
            }
            Some("memory_limit_mb") => {
                ctx.number(value, "`memory_limit_mb`");
            }
            Some("timeout_seconds") => timeout = ctx.number(value, "`timeout_seconds`"),
            _ => {}
        }
    }
    timeout
}
