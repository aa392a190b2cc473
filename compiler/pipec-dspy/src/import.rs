//! `pipec import-dspy`: DSPy's saved program (`program.save("x.json")`) read back into the
//! pipeline it was built from. Per predictor key (`<id>`, `<id>.predict` for
//! `chain_of_thought`), the saved instructions, field descriptions (`${name}` is none) and
//! demos (without `augmented` and keys that are not fields) are written into the step, as
//! edits of the file's text so everything else stays as written.
//!
//! Refusals, each pointing into the saved file or the pipeline: a dspy version other than
//! 3.4.1 (P0833), a saved key no step has or a step with no saved key (P0834), a field
//! count (P0835) or field order (P0836, checked by DSPy's field prefixes; the last field is
//! exempt since COPRO rewrites its prefix) that does not match, a file that is not a saved
//! program (P0837), and what cannot be written (P0838: `.pipe` files, one named signature
//! optimized two ways). Keys under a `pipeline` step (`<id>.<inner>`) belong to another
//! file and are left alone.

use std::ops::Range;

use pipec_adapter::value::json;
use pipec_diagnostics::{Code, Diagnostic, Span, did_you_mean_or_list};
use pipec_ir::dspy::prefix::prefix;
use pipec_ir::{Field, Pipeline, PredictModule, Signature, SignatureRef, Step, StepKind};
use pipec_syntax::emit::to_json_compact;
use pipec_syntax::{Document, MapRef, NodeRef};

/// The DSPy version saved programs must come from.
pub const DSPY_VERSION: &str = "3.4.1";

/// The pipeline text with the saved state written in, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The new text of the pipeline file.
    pub text: String,
    /// One line per change, such as "step `answer`: 2 demos".
    pub changes: Vec<String>,
}

/// The pipeline file as the importer edits it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The checked pipeline.
    pub pipeline: &'a Pipeline,
    /// Its parsed document (spans are the IR's).
    pub document: &'a Document,
    /// Its text.
    pub text: &'a str,
    /// Whether it is DSL text (which the importer cannot edit).
    pub is_dsl: bool,
}

/// One predictor of the pipeline: its saved key, its step and the signature DSPy saves.
struct Predictor<'a> {
    key: String,
    step: &'a Step,
    declared: &'a Signature,
    chain_of_thought: bool,
}

impl Predictor<'_> {
    /// Field names in DSPy's saved order: inputs, then outputs (`reasoning` first for CoT).
    fn field_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .declared
            .inputs
            .iter()
            .map(|f| f.name.text.as_str())
            .collect();
        if self.chain_of_thought {
            names.push("reasoning");
        }
        names.extend(self.declared.outputs.iter().map(|f| f.name.text.as_str()));
        names
    }
}

/// Read `saved` into `target`.
///
/// # Errors
/// Every refusal found, as coded diagnostics.
pub fn import_saved(saved: &Document, target: Target<'_>) -> Result<Imported, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let root = saved.root();
    let Some(state) = root.as_map() else {
        return Err(vec![invalid(
            root.span(),
            "a saved program is a JSON object of predictor states",
        )]);
    };
    check_version(state, root.span(), &mut errors);
    let predictors = predictors(target.pipeline);
    let sub_prefixes = sub_pipeline_ids(&target.pipeline.steps);
    let keys: Vec<&str> = predictors.iter().map(|p| p.key.as_str()).collect();
    let mut matched: Vec<(&Predictor<'_>, MapRef<'_>)> = Vec::new();
    for (key, value) in state.entries() {
        let Some(name) = key.as_str() else { continue };
        if name == "metadata"
            || sub_prefixes
                .iter()
                .any(|p| name.starts_with(&format!("{p}.")))
        {
            continue;
        }
        match predictors.iter().find(|p| p.key == name) {
            Some(predictor) => match value.as_map() {
                Some(map) => matched.push((predictor, map)),
                None => errors.push(invalid(
                    value.span(),
                    "a predictor's state is a JSON object",
                )),
            },
            None => {
                let mut d = Diagnostic::new(
                    Code::P0834,
                    key.span(),
                    format!("the saved predictor `{name}` matches no step of the pipeline"),
                )
                .with_primary_label("no predict-like step has this key");
                if let Some(help) = did_you_mean_or_list(name, &keys, "the pipeline's keys") {
                    d = d.with_help(help);
                }
                errors.push(d);
            }
        }
    }
    for predictor in &predictors {
        if !matched.iter().any(|(p, _)| p.key == predictor.key) {
            errors.push(
                Diagnostic::new(
                    Code::P0834,
                    predictor.step.id.span,
                    format!("the saved program has no predictor `{}`", predictor.key),
                )
                .with_primary_label("this step's state is missing from the saved file")
                .with_help(
                    "build and optimize the program from this pipeline, then import its saved file",
                ),
            );
        }
    }
    for (predictor, map) in &matched {
        check_fields(predictor, *map, &mut errors);
    }
    if target.is_dsl && !matched.is_empty() {
        errors.push(
            Diagnostic::new(
                Code::P0838,
                target.pipeline.span,
                "`pipec import-dspy` cannot edit `.pipe` files",
            )
            .with_primary_label("the DSL is not rewritten in place")
            .with_help("import into the pipeline's YAML or JSON form, or copy the printed demos into a `demos [...]` setting"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut changes = Vec::new();
    let mut signatures_done: Vec<(String, String)> = Vec::new();
    for (predictor, map) in &matched {
        let Some(step_map) = find_step(target.document.root(), &predictor.step.id.text) else {
            continue;
        };
        if let Some((edit, summary)) = demos_edit(predictor, *map, step_map, target.text) {
            edits.push(edit);
            changes.push(summary);
        }
        if let Some(text) = signature_text(predictor, *map, target.text) {
            let (node, shared) = match &predictor_signature(predictor.step) {
                Some(SignatureRef::Named(name)) => (
                    target
                        .document
                        .root()
                        .as_map()
                        .and_then(|r| r.get("signatures"))
                        .and_then(|s| s.as_map())
                        .and_then(|s| s.get(&name.text)),
                    Some(name.text.clone()),
                ),
                _ => (step_map.get("signature"), None),
            };
            let Some(node) = node else { continue };
            if let Some(name) = shared {
                if let Some((_, earlier)) = signatures_done.iter().find(|(n, _)| *n == name) {
                    if *earlier != text {
                        errors.push(
                            Diagnostic::new(
                                Code::P0838,
                                predictor.step.id.span,
                                format!(
                                    "signature `{name}` was optimized differently for two steps"
                                ),
                            )
                            .with_primary_label("this step shares it with another optimized step")
                            .with_help("give each step its own signature, then import again"),
                        );
                    }
                    continue;
                }
                signatures_done.push((name, text.clone()));
            }
            edits.push((range(node.span()), text));
            changes.push(format!(
                "step `{}`: instructions and field descriptions",
                predictor.step.id.text
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0.start));
    let mut text = target.text.to_owned();
    for (range, replacement) in edits {
        text.replace_range(range, &replacement);
    }
    Ok(Imported { text, changes })
}

fn range(span: Span) -> Range<usize> {
    span.start as usize..span.end as usize
}

fn invalid(span: Span, message: &str) -> Diagnostic {
    Diagnostic::new(Code::P0837, span, "this is not a DSPy saved program")
        .with_primary_label(message.to_owned())
        .with_help("pass the JSON file `program.save(\"x.json\")` wrote")
}

fn check_version(state: MapRef<'_>, root: Span, errors: &mut Vec<Diagnostic>) {
    let version = state
        .get("metadata")
        .and_then(|m| m.as_map())
        .and_then(|m| m.get("dependency_versions"))
        .and_then(|d| d.as_map())
        .and_then(|d| d.get("dspy"));
    match version {
        Some(node) if node.as_str() == Some(DSPY_VERSION) => {}
        Some(node) => errors.push(
            Diagnostic::new(
                Code::P0833,
                node.span(),
                format!(
                    "the program was saved by dspy {}, not {DSPY_VERSION}",
                    node.scalar_text().unwrap_or_default()
                ),
            )
            .with_primary_label("a different dspy version")
            .with_help(format!(
                "optimize with dspy=={DSPY_VERSION} (the generated requirements.txt pins it)"
            )),
        ),
        None => errors.push(
            Diagnostic::new(
                Code::P0833,
                root,
                "the saved program does not say which dspy version wrote it",
            )
            .with_primary_label("no `metadata.dependency_versions.dspy`")
            .with_help(format!("save the program with dspy=={DSPY_VERSION}")),
        ),
    }
}

/// Field count, then field order by DSPy's prefixes (all but the last field).
fn check_fields(predictor: &Predictor<'_>, map: MapRef<'_>, errors: &mut Vec<Diagnostic>) {
    let Some(fields_node) = map
        .get("signature")
        .and_then(|s| s.as_map())
        .and_then(|s| s.get("fields"))
    else {
        errors.push(invalid(
            map.span(),
            "a predictor's state has `signature.fields`",
        ));
        return;
    };
    let Some(fields) = fields_node.as_seq() else {
        errors.push(invalid(fields_node.span(), "`signature.fields` is a list"));
        return;
    };
    let fields: Vec<NodeRef<'_>> = fields.collect();
    let names = predictor.field_names();
    if fields.len() != names.len() {
        errors.push(
            Diagnostic::new(
                Code::P0835,
                fields_node.span(),
                format!(
                    "`{}` has {} saved fields; step `{}` has {}",
                    predictor.key,
                    fields.len(),
                    predictor.step.id.text,
                    names.len()
                ),
            )
            .with_primary_label(format!("expected {} fields: {}", names.len(), names.join(", ")))
            .with_help("the pipeline's signature changed since the program was saved; build and optimize again"),
        );
        return;
    }
    for (i, (field, name)) in fields.iter().zip(&names).enumerate() {
        if i + 1 == names.len() {
            break;
        }
        let Some(saved) = field.as_map().and_then(|f| f.get("prefix")) else {
            continue;
        };
        let expected = prefix(name);
        if saved.as_str() != Some(expected.as_str()) {
            errors.push(
                Diagnostic::new(
                    Code::P0836,
                    saved.span(),
                    format!(
                        "saved field {} of `{}` is not `{name}`",
                        i + 1,
                        predictor.key
                    ),
                )
                .with_primary_label(format!("expected the prefix `{expected}`"))
                .with_help("saved fields are matched by position; the pipeline's field order changed since the program was saved"),
            );
        }
    }
}

fn predictor_signature(step: &Step) -> Option<SignatureRef> {
    match &step.kind {
        StepKind::Predict { signature, .. } => Some(signature.clone()),
        _ => None,
    }
}

/// Every predict-like step of the file (bodies included, sub-pipelines excluded) with its
/// saved key.
fn predictors(pipeline: &Pipeline) -> Vec<Predictor<'_>> {
    let mut out = Vec::new();
    let mut stack: Vec<&Step> = pipeline.steps.iter().rev().collect();
    while let Some(step) = stack.pop() {
        match &step.kind {
            StepKind::Predict {
                module, signature, ..
            } => {
                let declared = match signature {
                    SignatureRef::Named(name) => pipeline.signature(&name.text),
                    SignatureRef::Inline(sig) => Some(sig.as_ref()),
                };
                let (Some(declared), false) =
                    (declared, matches!(module, PredictModule::React { .. }))
                else {
                    continue;
                };
                let chain_of_thought = *module == PredictModule::ChainOfThought;
                let key = if chain_of_thought {
                    format!("{}.predict", step.id.text)
                } else {
                    step.id.text.clone()
                };
                out.push(Predictor {
                    key,
                    step,
                    declared,
                    chain_of_thought,
                });
            }
            StepKind::Branch { cases, default } => {
                let children: Vec<&Step> =
                    cases.iter().flat_map(|c| &c.steps).chain(default).collect();
                stack.extend(children.into_iter().rev());
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                stack.extend(steps.iter().rev())
            }
            _ => {}
        }
    }
    out
}

/// Ids of `pipeline` steps (their keys are `<id>.<inner>`, another pipeline's).
fn sub_pipeline_ids(steps: &[Step]) -> Vec<String> {
    let mut out = Vec::new();
    for step in steps {
        match &step.kind {
            StepKind::Pipeline { .. } => out.push(step.id.text.clone()),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    out.extend(sub_pipeline_ids(&case.steps));
                }
                out.extend(sub_pipeline_ids(default));
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                out.extend(sub_pipeline_ids(steps))
            }
            _ => {}
        }
    }
    out
}

/// The step mapping with this id (not looking inside inline sub-pipelines).
fn find_step<'d>(node: NodeRef<'d>, id: &str) -> Option<MapRef<'d>> {
    if let Some(map) = node.as_map() {
        if map.contains("kind")
            && map.get("id").and_then(|n| n.scalar_text()).as_deref() == Some(id)
        {
            return Some(map);
        }
        for (key, value) in map.entries() {
            if key.as_str() == Some("pipeline") {
                continue;
            }
            if let Some(found) = find_step(value, id) {
                return Some(found);
            }
        }
    } else if let Some(items) = node.as_seq() {
        for item in items {
            if let Some(found) = find_step(item, id) {
                return Some(found);
            }
        }
    }
    None
}

/// The saved demos as a JSON list of the signature's fields, replacing or adding the
/// step's `demos`; `None` when nothing changes.
fn demos_edit(
    predictor: &Predictor<'_>,
    map: MapRef<'_>,
    step: MapRef<'_>,
    text: &str,
) -> Option<((Range<usize>, String), String)> {
    let names = predictor.field_names();
    let saved: Vec<NodeRef<'_>> = map.get("demos")?.as_seq()?.collect();
    let mut demos = Vec::with_capacity(saved.len());
    for demo in &saved {
        let Some(demo) = demo.as_map() else { continue };
        // DSPy drops a demo without an input or without an output; so does the import.
        let inputs = predictor.declared.inputs.len();
        let given = |range: &[&str]| range.iter().any(|n| demo.contains(n));
        if !given(&names[..inputs]) || !given(&names[inputs..]) {
            continue;
        }
        let kept: Vec<String> = demo
            .entries()
            .filter_map(|(k, v)| {
                let k = k.as_str()?;
                names
                    .contains(&k)
                    .then(|| format!("{}: {}", quote(k), value_text(v)))
            })
            .collect();
        demos.push(format!("{{{}}}", kept.join(", ")));
    }
    let list = format!("[{}]", demos.join(", "));
    let summary = format!("step `{}`: {} demos", predictor.step.id.text, demos.len());
    match step.entry("demos") {
        Some((_, value)) => {
            let current = &text[range(value.span())];
            (current != list).then(|| ((range(value.span()), list), summary))
        }
        None if demos.is_empty() => None,
        None => Some((insert_entry(step, "demos", &list, text), summary)),
    }
}

/// An entry added at the end of a mapping: after the last entry's line with the first
/// key's indentation (block), or before the closing brace (flow, JSON).
fn insert_entry(map: MapRef<'_>, key: &str, value: &str, text: &str) -> (Range<usize>, String) {
    let span = range(map.span());
    let flow = text[span.clone()].starts_with('{');
    if flow {
        let close = text[..span.end].rfind('}').unwrap_or(span.end);
        let before = text[..close].trim_end();
        let at = before.len();
        return (at..at, format!(", {}: {value}", quote(key)));
    }
    let entries: Vec<(NodeRef<'_>, NodeRef<'_>)> = map.entries().collect();
    let first_key = entries
        .first()
        .map_or(span.start, |(k, _)| k.span().start as usize);
    let line_start = text[..first_key].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first_key];
    let indent: String = indent
        .chars()
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    let last_end = entries
        .last()
        .map_or(span.end, |(_, v)| v.span().end as usize);
    let content_end = text[..last_end].trim_end().len();
    let at = text[content_end..]
        .find('\n')
        .map_or(text.len(), |i| content_end + i);
    (at..at, format!("\n{indent}{key}: {value}"))
}

/// The step's signature rewritten in the structured form with the saved instructions and
/// descriptions; `None` when both equal what the pipeline has.
fn signature_text(predictor: &Predictor<'_>, map: MapRef<'_>, text: &str) -> Option<String> {
    let signature = map.get("signature")?.as_map()?;
    let instructions = signature
        .get("instructions")
        .and_then(|n| n.as_str())
        .map(str::to_owned);
    let saved: Vec<Option<String>> = signature
        .get("fields")?
        .as_seq()?
        .map(|f| {
            f.as_map()
                .and_then(|f| f.get("description"))
                .and_then(|d| d.as_str())
                .map(str::to_owned)
        })
        .collect();
    let declared = predictor.declared;
    // Saved descriptions by position, `reasoning`'s (the module's own) left out.
    let skip = predictor.chain_of_thought.then_some(declared.inputs.len());
    let saved: Vec<Option<String>> = saved
        .into_iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, d)| d)
        .collect();
    let descs: Vec<Option<String>> = declared
        .inputs
        .iter()
        .chain(&declared.outputs)
        .zip(saved)
        .map(|(field, desc)| {
            let none = format!("${{{}}}", field.name.text);
            desc.filter(|d| *d != none)
        })
        .collect();
    let default = default_instructions(declared);
    let current = declared
        .instructions
        .clone()
        .unwrap_or_else(|| default.clone());
    let new_instructions = instructions.unwrap_or_else(|| current.clone());
    let fields: Vec<&Field> = declared.inputs.iter().chain(&declared.outputs).collect();
    let unchanged_descs = fields.iter().zip(&descs).all(|(f, d)| f.desc == *d);
    if new_instructions == current && unchanged_descs {
        return None;
    }
    let mut parts = Vec::new();
    if new_instructions != default {
        parts.push(format!("\"instructions\": {}", quote(&new_instructions)));
    }
    let mut descs = descs.into_iter();
    for (name, list) in [("inputs", &declared.inputs), ("outputs", &declared.outputs)] {
        let items: Vec<String> = list
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    quote(&f.name.text),
                    field_text(f, descs.next().flatten(), text)
                )
            })
            .collect();
        parts.push(format!("{}: {{{}}}", quote(name), items.join(", ")));
    }
    Some(format!("{{{}}}", parts.join(", ")))
}

/// DSPy's default instructions for a signature.
fn default_instructions(sig: &Signature) -> String {
    let names = |fields: &[Field]| {
        fields
            .iter()
            .map(|f| format!("`{}`", f.name.text))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Given the fields {}, produce the fields {}.",
        names(&sig.inputs),
        names(&sig.outputs)
    )
}

/// A field in the structured form: its type as written in the file, the description,
/// its constraints and default.
fn field_text(field: &Field, desc: Option<String>, text: &str) -> String {
    let ty = text
        .get(range(field.ty.span))
        .filter(|t| !t.is_empty())
        .unwrap_or("str");
    let mut parts = vec![format!("\"type\": {}", quote(ty.trim()))];
    if let Some(desc) = desc {
        parts.push(format!("\"desc\": {}", quote(&desc)));
    }
    for (keyword, bound) in &field.constraints {
        let value = if bound.fract() == 0.0 && bound.abs() < 1e15 {
            format!("{}", *bound as i64)
        } else {
            format!("{bound:?}")
        };
        parts.push(format!("{}: {value}", quote(keyword)));
    }
    if let Some(default) = &field.default {
        parts.push(format!("\"default\": {default}"));
    }
    format!("{{{}}}", parts.join(", "))
}

/// A JSON string (valid in YAML flow context too).
fn quote(text: &str) -> String {
    json::dumps(&pipec_adapter::Value::str(text))
}

/// A saved value as JSON text, keys in saved order, `1.0` kept a float.
fn value_text(node: NodeRef<'_>) -> String {
    let compact = to_json_compact(node);
    json::loads(&compact).map_or(compact, |v| json::dumps(&v))
}
