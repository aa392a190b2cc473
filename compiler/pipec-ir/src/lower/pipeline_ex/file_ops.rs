//! file_ops (ref §2; lib/pipeline/step/file_ops.ex): one `operation` over paths relative to
//! the workspace → [`StepKind::FileOps`] with every path it reads or writes. Each operation
//! reads its own keys; a key another operation reads is ignored (P0102), and a path the
//! operation needs but lacks makes it fail at run time (P0103). `convert` accepts six format
//! names but implements three.

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::MapRef;

use super::keys::{
    CONVERT_FORMATS, CONVERT_FORMATS_FAILING, FILE_OPERATIONS, PROCESSORS, STEP_COMMON,
    VALIDATE_FILE, file_op_keys, type_keys,
};
use super::read::{check_keys, head_span, present, required, soft_one_of};
use super::steps::{Lowered, StepInfo};
use crate::ir::StepKind;
use crate::lower::Ctx;

/// file_ops → [`StepKind::FileOps`].
pub(super) fn lower_file_ops(ctx: &mut Ctx<'_>, map: MapRef<'_>, info: StepInfo<'_>) -> Lowered {
    let Some(op_node) = required(ctx, map, "operation", info.context, info.at) else {
        return Lowered::none();
    };
    let Some(operation) = ctx.one_of(op_node, "file operation", FILE_OPERATIONS) else {
        return Lowered::none();
    };
    let (reads, needs) = file_op_keys(&operation.text);

    // Keys of other operations: known to the step type (no P0102 from the step check), but
    // ignored by this operation.
    for key in type_keys("file_ops") {
        if *key == "operation" || reads.contains(key) || STEP_COMMON.contains(key) {
            continue;
        }
        if let Some((k, _)) = map.entry(key) {
            ctx.push(
                Diagnostic::new(
                    Code::P0102,
                    k.span(),
                    format!("key `{key}` in {} is ignored by pipeline_ex", info.context),
                )
                .with_primary_label(format!(
                    "the `{}` operation does not read it",
                    operation.text
                ))
                .with_help(format!("`{}` reads {}", operation.text, list(reads))),
            );
        }
    }
    for key in needs {
        required(ctx, map, key, info.context, operation.span);
    }

    // The value of a key this operation reads.
    let read = |key: &str| {
        if reads.contains(&key) {
            present(map, key)
        } else {
            None
        }
    };
    let mut paths = Vec::new();
    for key in ["source", "destination", "path"] {
        if let Some(node) = read(key) {
            paths.extend(ctx.template(node, &format!("`{key}`")));
        }
    }
    if let Some(files) = read("files").and_then(|n| ctx.seq(n, "`files`")) {
        for file in files {
            let Some(file) = ctx.map(file, "a file to validate") else {
                continue;
            };
            check_keys(
                ctx,
                file,
                VALIDATE_FILE,
                &[],
                &format!("a file of {}", info.context),
            );
            if let Some(path) = required(
                ctx,
                file,
                "path",
                &format!("a file of {}", info.context),
                head_span(file),
            ) {
                paths.extend(ctx.template(path, "`path`"));
            }
            for (key, value) in file.entries() {
                match key.scalar_text().as_deref() {
                    Some(k @ ("min_size" | "max_size")) => {
                        ctx.count(value, &format!("`{k}`"));
                    }
                    Some(k) if k.starts_with("must_") => {
                        ctx.bool(value, &format!("`{k}`"));
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(node) = read("format") {
        format(ctx, node);
    }
    if let Some(node) = read("processor") {
        soft_one_of(
            ctx,
            node,
            "processor",
            PROCESSORS,
            "pipeline_ex then copies lines unchanged (`identity`)",
        );
    }
    if let Some(node) = read("pattern") {
        ctx.template(node, "`pattern`");
    }
    Lowered::kind(StepKind::FileOps { operation, paths })
}

/// A `convert` format: three work, three are accepted by name but always fail.
fn format(ctx: &mut Ctx<'_>, node: pipec_syntax::NodeRef<'_>) {
    let all: Vec<&str> = CONVERT_FORMATS
        .iter()
        .chain(CONVERT_FORMATS_FAILING)
        .copied()
        .collect();
    let Some(name) = ctx.one_of(node, "conversion format", &all) else {
        return;
    };
    if CONVERT_FORMATS_FAILING.contains(&name.text.as_str()) {
        ctx.push(
            Diagnostic::new(
                Code::P0110,
                name.span,
                format!(
                    "pipeline_ex returns an error for format `{}` at run time",
                    name.text
                ),
            )
            .with_primary_label("accepted by name, but not implemented")
            .with_help(format!(
                "pipeline_ex converts only {}",
                list(CONVERT_FORMATS)
            )),
        );
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        return "nothing".to_owned();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
