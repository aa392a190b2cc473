//! `pipec migrate`: a pipeline_ex `workflow:` file rewritten as a native `pipec: 1`
//! document, as a pure function (no I/O). The CLI checks the file first, then calls
//! [`migrate`] with the lowered pipeline and its document, and prints the result with the
//! shared emitters (`pipec_syntax::emit`).
//!
//! The migration reads the pipeline_ex IR (steps, parsed templates and conditions with
//! their spans) and consults the document for what the IR does not keep (Claude options,
//! models, presets, keys to report as lost). What maps to what is documented in
//! `docs/migrate.md`; the result shapes in [`shapes`]. Everything that cannot be carried
//! over is a warning (P0811–P0827) on the exact source text; the output is byte-for-byte
//! the same for the same input.

mod llm;
mod lost;
mod migrator;
mod names;
mod out;
mod refs;
mod resolve;
mod shapes;
mod steps;

use std::collections::HashMap;

use pipec_diagnostics::{Code, Diagnostic};
use pipec_ir::{Dialect, Pipeline};
use pipec_syntax::{Document, MapRef, NodeKind};

pub use llm::CLAUDE_ALIASES;
pub use steps::FOR_LOOP_MAX_ITEMS;

use migrator::{Migrator, Pass, Role};
use out::{MapOut, Out};

/// What [`migrate`] returns.
#[derive(Debug)]
pub struct Migration {
    /// The native document, unless the input cannot be migrated (P0810).
    pub document: Option<Document>,
    /// What could not be carried over (warnings) or why nothing was migrated (P0810),
    /// in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Migrate `pipeline`, lowered from `doc` (whose text is `source`). The pipeline should
/// check without errors; what the lowering left out is left out here too.
#[must_use]
pub fn migrate(pipeline: &Pipeline, doc: &Document, source: &str) -> Migration {
    if pipeline.dialect != Dialect::PipelineEx {
        let at = doc
            .root()
            .as_map()
            .and_then(|m| m.entries().next())
            .map_or(pipeline.span, |(k, _)| k.span());
        return Migration {
            document: None,
            diagnostics: vec![
                Diagnostic::new(
                    Code::P0810,
                    at,
                    "`pipec migrate` reads pipeline_ex files, and this one is already native",
                )
                .with_primary_label("a native `pipec: 1` file")
                .with_help("check it with `pipec check`; `pipec migrate` takes a file with a `workflow:` root"),
            ],
        };
    }
    let maps = index(doc);
    let Nested {
        document: out,
        mut diagnostics,
        ..
    } = migrate_pipeline(pipeline, &maps, source, true, &[]);
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end, d.code));
    Migration {
        document: Some(out.into_document(pipeline.file)),
        diagnostics,
    }
}

/// One migrated pipeline.
pub(crate) struct Nested {
    /// The native pipeline.
    pub document: Out,
    /// What it reported.
    pub diagnostics: Vec<Diagnostic>,
    /// The inputs it declares.
    pub inputs: Vec<String>,
}

/// Migrate one pipeline (the file's, or an inline nested one): survey, shapes, emit. For an
/// inline pipeline, `bound` names what its caller can pass; an input outside it defaults
/// to empty text (pipeline_ex renders an input nobody passed as nothing).
pub(crate) fn migrate_pipeline(
    pipeline: &Pipeline,
    maps: &HashMap<u32, MapRef<'_>>,
    source: &str,
    root: bool,
    bound: &[String],
) -> Nested {
    let mut m = Migrator::new(pipeline, maps, source);
    let workflow = maps.get(&pipeline.span.start).copied();
    m.preset = workflow
        .and_then(|w| w.get("defaults"))
        .and_then(|d| d.as_map())
        .and_then(|d| d.get("claude_preset"))
        .and_then(|p| p.scalar_text())
        .map(|p| p.into_owned());
    if let Some(globals) = workflow
        .and_then(|w| w.get("global_vars"))
        .and_then(|g| g.as_map())
    {
        for (key, value) in globals.entries() {
            if let Some(name) = key.scalar_text() {
                m.global_defaults
                    .insert(name.into_owned(), value_out(value));
            }
        }
    }

    if let Some(vars) = workflow
        .and_then(|w| w.get("variables"))
        .and_then(|g| g.as_map())
    {
        for (key, value) in vars.entries() {
            if let Some(name) = key.scalar_text() {
                m.workflow_vars.insert(name.into_owned(), value_out(value));
            }
        }
    }

    m.pass = Pass::Survey;
    m.steps(&pipeline.steps);
    let models: Vec<(String, bool)> = m
        .roles
        .iter()
        .filter_map(|(id, role)| match role {
            Role::Model { instructor } => Some((id.clone(), *instructor)),
            _ => None,
        })
        .collect();
    for (id, instructor) in models {
        let reads = m.reads.get(&id).cloned().unwrap_or_default();
        m.shapes.insert(id, shapes::choose(&reads, instructor));
    }
    m.models.clear();
    m.loops.clear();
    m.set_so_far.clear();
    m.body_vars.clear();
    m.pass = Pass::Emit;
    let mut steps: Vec<Out> = m.init_step().into_iter().collect();
    steps.extend(m.steps(&pipeline.steps));
    if let Some(workflow) = workflow {
        m.dropped_workflow_keys(workflow);
    }

    let mut doc = MapOut::default();
    if root {
        doc.put("pipec", Out::Int(1));
    }
    doc.put("name", Out::str(&pipeline.name.text));
    doc.put_opt("description", pipeline.description.as_ref().map(Out::str));
    if !root {
        for input in &mut m.inputs {
            if input.default.is_none() && !bound.contains(&input.name) {
                input.default = Some(Out::str(""));
            }
        }
    }
    if !m.inputs.is_empty() {
        let inputs = m
            .inputs
            .iter()
            .map(|i| (i.name.clone(), input_out(i)))
            .collect();
        doc.put("inputs", Out::Map(inputs));
    }
    if !m.models.is_empty() {
        doc.put("models", Out::Map(std::mem::take(&mut m.models)));
    }
    let outputs = declared_outputs(&m, pipeline);
    if !outputs.is_empty() {
        doc.put("outputs", Out::Map(outputs));
    }
    doc.put("steps", Out::Seq(steps));
    Nested {
        document: doc.done(),
        diagnostics: m.diagnostics,
        inputs: m.inputs.iter().map(|i| i.name.clone()).collect(),
    }
}

/// The declared outputs, in step order: each top-level step whose result nothing in the
/// pipeline reads (pipeline_ex keeps every result; these are the ones it was run for) and
/// each step pipeline_ex wrote to a file (`output_to_file`). `set` steps produce variables,
/// not results, and are left out.
fn declared_outputs(m: &Migrator<'_>, pipeline: &Pipeline) -> Vec<(String, Out)> {
    let mut out = Vec::new();
    for step in &pipeline.steps {
        if matches!(step.kind, pipec_ir::StepKind::Set { .. }) {
            continue;
        }
        let id = m.id_of(step);
        let candidates: Vec<String> = match m.roles.get(&id) {
            Some(Role::Dropped) => continue,
            Some(Role::Parallel(tasks)) if !m.collected.contains(&id) => {
                tasks.iter().map(|(_, task)| task.clone()).collect()
            }
            _ => vec![id],
        };
        for id in candidates {
            if m.reads.contains_key(&id) && !m.outputs.contains(&id) {
                continue;
            }
            let value = match m.roles.get(&id) {
                Some(Role::Echo) => format!("steps.{id}.value"),
                _ => format!("steps.{id}"),
            };
            out.push((id, Out::Str(value)));
        }
    }
    out
}

/// An input declaration: a bare type string, or `{type, desc, default}`.
fn input_out(input: &migrator::Input) -> Out {
    let ty = match &input.default {
        Some(Out::Int(_)) => "int",
        Some(Out::Float(_)) => "float",
        Some(Out::Bool(_)) => "bool",
        Some(Out::Seq(_)) => "list",
        Some(Out::Map(_)) => "dict",
        Some(_) => "str",
        None => shapes::type_string(input.usage, input.deeper),
    };
    if input.desc.is_none() && input.default.is_none() {
        return Out::str(ty);
    }
    let mut m = MapOut::default();
    m.put("type", Out::str(ty));
    m.put_opt("desc", input.desc.as_ref().map(Out::str));
    m.put_opt("default", input.default.clone());
    m.done()
}

/// A YAML value as an output value.
fn value_out(node: pipec_syntax::NodeRef<'_>) -> Out {
    match node.kind() {
        NodeKind::Null => Out::Null,
        NodeKind::Bool(b) => Out::Bool(b),
        NodeKind::Int(i) => Out::Int(i),
        NodeKind::Float(f) => Out::Float(f),
        NodeKind::Str(s, _) => Out::str(s),
        NodeKind::Seq(_) => Out::Seq(node.as_seq().into_iter().flatten().map(value_out).collect()),
        NodeKind::Map(_) => Out::Map(
            node.as_map()
                .into_iter()
                .flat_map(|m| m.entries())
                .map(|(k, v)| {
                    (
                        k.scalar_text().unwrap_or_default().into_owned(),
                        value_out(v),
                    )
                })
                .collect(),
        ),
    }
}

/// Every mapping of the document by its start offset (the outermost on a tie), found
/// with an explicit stack.
fn index(doc: &Document) -> HashMap<u32, MapRef<'_>> {
    let mut maps = HashMap::new();
    let mut stack = vec![doc.root()];
    while let Some(node) = stack.pop() {
        if let Some(map) = node.as_map() {
            maps.entry(map.span().start).or_insert(map);
            for (_, value) in map.entries() {
                stack.push(value);
            }
        } else if let Some(items) = node.as_seq() {
            stack.extend(items);
        }
    }
    maps
}
