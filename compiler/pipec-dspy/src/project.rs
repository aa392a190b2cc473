//! The whole project: one Python module per pipeline (the root is `program.py`, each called
//! file and inline sub-pipeline a `sub_<n>_<name>.py`), and the fixed files rendered from
//! the tera templates in `templates/`.

use pipec_ir::{Pipeline, PipelineSource, PredictModule, SignatureRef, Step, StepKind};
use tera::{Context, Tera};

use crate::decls;
use crate::module::{Names, module};
use crate::python::{Imports, camel, json_literal, string, value_literal};
use crate::{Files, Options, Program};

/// The helpers every generated program imports as `px`.
const SUPPORT: &str = include_str!("../../../python/pipec_dspy/support.py");

const TEMPLATES: &[(&str, &str)] = &[
    ("program.py", include_str!("../templates/program.py.tera")),
    ("run.py", include_str!("../templates/run.py.tera")),
    ("optimize.py", include_str!("../templates/optimize.py.tera")),
    ("tools.py", include_str!("../templates/tools.py.tera")),
    (
        "requirements.txt",
        include_str!("../templates/requirements.txt.tera"),
    ),
    ("README.md", include_str!("../templates/README.md.tera")),
];

/// One pipeline and the Python module and class it becomes.
struct Unit<'a> {
    pipeline: &'a Pipeline,
    module: String,
    class: String,
}

/// Emit every file. Templates are compiled in; a template error is a bug in pipec, which
/// the snapshot tests catch, so it is rendered into the file rather than panicking.
#[must_use]
pub fn emit_project(program: Program<'_>, options: &Options) -> Files {
    let units = units(program);
    let mut tera = Tera::default();
    for (name, text) in TEMPLATES {
        if let Err(e) = tera.add_raw_template(name, text) {
            let mut files = Files::new();
            files.insert("TEMPLATE_ERROR.txt".into(), format!("{name}: {e}\n"));
            return files;
        }
    }
    let render = |name: &str, context: &Context| {
        tera.render(name, context)
            .unwrap_or_else(|e| format!("# template error in {name}: {e:?}\n"))
    };
    let mut files = Files::new();
    let mut tools: Vec<String> = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        let names = UnitNames {
            program,
            units: &units,
            unit: index,
        };
        let context = module_context(unit, &names, index == 0, &mut tools);
        files.insert(
            format!("{}.py", unit.module),
            render("program.py", &context),
        );
    }
    files.insert("pipec_support.py".into(), SUPPORT.to_owned());

    let root = program.root;
    let mut context = Context::new();
    context.insert("name", &root.name.text);
    context.insert("class", &units[0].class);
    context.insert("description", &root.description.clone().unwrap_or_default());
    context.insert(
        "inputs",
        &root
            .inputs
            .iter()
            .map(|i| i.name.text.clone())
            .collect::<Vec<_>>(),
    );
    context.insert(
        "outputs",
        &root
            .outputs
            .iter()
            .map(|o| o.name.text.clone())
            .collect::<Vec<_>>(),
    );
    let eval = root.eval.as_ref();
    context.insert("has_eval", &eval.is_some());
    context.insert(
        "dataset",
        &string(
            options
                .dataset_file
                .as_deref()
                .or(eval.map(|e| e.dataset.text.as_str()))
                .unwrap_or(""),
        ),
    );
    context.insert(
        "metric",
        &string(eval.map_or("exact_match", |e| e.metric.text.as_str())),
    );
    let fields: Vec<String> = match eval.and_then(|e| e.field.as_ref()) {
        Some(field) => vec![string(&field.text)],
        None => root.outputs.iter().map(|o| string(&o.name.text)).collect(),
    };
    context.insert("metric_fields", &format!("[{}]", fields.join(", ")));
    context.insert(
        "judge_model",
        &eval
            .and_then(|e| e.model.as_ref())
            .map_or("None".to_owned(), |m| string(&m.text)),
    );
    tools.sort();
    tools.dedup();
    context.insert("tools", &tools);
    for name in ["run.py", "optimize.py", "requirements.txt", "README.md"] {
        files.insert(name.into(), render(name, &context));
    }
    if !tools.is_empty() {
        files.insert("tools.py".into(), render("tools.py", &context));
    }
    files
}

/// The root first, then each called file, then inline sub-pipelines, in the order met.
fn units<'a>(program: Program<'a>) -> Vec<Unit<'a>> {
    let mut units = vec![Unit {
        pipeline: program.root,
        module: "program".into(),
        class: format!("{}Program", camel(&program.root.name.text)),
    }];
    let mut next = 0;
    while next < units.len() {
        let mut found = Vec::new();
        collect_subs(units[next].pipeline, program, &mut found);
        for pipeline in found {
            if units.iter().any(|u| std::ptr::eq(u.pipeline, pipeline)) {
                continue;
            }
            let n = units.len();
            units.push(Unit {
                pipeline,
                module: format!("sub_{n}_{}", snake(&pipeline.name.text)),
                class: format!("{}Program", camel(&pipeline.name.text)),
            });
        }
        next += 1;
    }
    units
}

fn snake(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn collect_subs<'a>(pipeline: &'a Pipeline, program: Program<'a>, out: &mut Vec<&'a Pipeline>) {
    walk(&pipeline.steps, &mut |step| {
        if let Some(target) = called(step, program) {
            out.push(target);
        }
    });
}

fn walk<'a>(steps: &'a [Step], f: &mut impl FnMut(&'a Step)) {
    for step in steps {
        f(step);
        match &step.kind {
            StepKind::Branch { cases, default } => {
                for case in cases {
                    walk(&case.steps, f);
                }
                walk(default, f);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => walk(steps, f),
            _ => {}
        }
    }
}

/// The pipeline a `pipeline` step runs.
fn called<'a>(step: &'a Step, program: Program<'a>) -> Option<&'a Pipeline> {
    match &step.kind {
        StepKind::Pipeline {
            source: PipelineSource::Inline(inner),
            ..
        } => Some(inner),
        StepKind::Pipeline {
            source: PipelineSource::File(path),
            ..
        } => {
            let (_, file) = program.calls.iter().find(|(span, _)| *span == path.span)?;
            program.files.iter().find(|p| p.file == *file)
        }
        _ => None,
    }
}

struct UnitNames<'a> {
    program: Program<'a>,
    units: &'a [Unit<'a>],
    unit: usize,
}

impl Names for UnitNames<'_> {
    fn signature_class(&self, step: &Step) -> String {
        match &step.kind {
            StepKind::Predict {
                signature: SignatureRef::Named(name),
                ..
            } => format!("{}Signature", camel(&name.text)),
            _ => format!("{}Signature", camel(&step.id.text)),
        }
    }

    fn sub_program(&self, step: &Step) -> Option<(String, String)> {
        let target = called(step, self.program)?;
        let unit = self
            .units
            .iter()
            .find(|u| std::ptr::eq(u.pipeline, target))?;
        let _ = self.unit;
        Some((unit.class.clone(), format!("{}.", unit.module)))
    }
}

fn module_context(
    unit: &Unit<'_>,
    names: &UnitNames<'_>,
    is_root: bool,
    tools: &mut Vec<String>,
) -> Context {
    let pipeline = unit.pipeline;
    let mut imports = Imports::default();
    let types = decls::types(&pipeline.types, &mut imports);
    let mut signatures = Vec::new();
    let mut emitted: Vec<String> = Vec::new();
    for sig in &pipeline.signatures {
        let class = format!("{}Signature", camel(&sig.name.text));
        signatures.push(decls::signature(sig, &class, &mut imports));
        emitted.push(class);
    }
    let mut subs: Vec<String> = Vec::new();
    let mut uses_vars = false;
    walk(&pipeline.steps, &mut |step| match &step.kind {
        StepKind::Predict {
            signature: SignatureRef::Inline(sig),
            module,
            ..
        } => {
            let class = names.signature_class(step);
            if !emitted.contains(&class) {
                signatures.push(decls::signature(sig, &class, &mut imports));
                emitted.push(class);
            }
            if let PredictModule::React { tools: t, .. } = module {
                tools.extend(t.iter().map(|t| t.text.clone()));
            }
        }
        StepKind::Predict {
            module: PredictModule::React { tools: t, .. },
            ..
        } => tools.extend(t.iter().map(|t| t.text.clone())),
        StepKind::Pipeline { .. } => {
            if let Some((_, module)) = names.sub_program(step) {
                subs.push(module.trim_end_matches('.').to_owned());
            }
        }
        StepKind::Set { .. } => uses_vars = true,
        _ => {}
    });
    let uses_react = walk_any(&pipeline.steps, &|s| {
        matches!(
            s.kind,
            StepKind::Predict {
                module: PredictModule::React { .. },
                ..
            }
        )
    });
    let source = module(pipeline, names);
    let mut lines = vec!["import dspy".to_owned()];
    if pipeline
        .types
        .iter()
        .any(|t| matches!(t.kind, pipec_ir::TypeDefKind::Enum(_)))
    {
        lines.insert(0, "import enum".to_owned());
    }
    for module in &imports.modules {
        lines.insert(0, format!("import {module}"));
    }
    if pipeline
        .types
        .iter()
        .any(|t| matches!(t.kind, pipec_ir::TypeDefKind::Record(_)))
    {
        lines.push("import pydantic".into());
    }
    lines.sort();
    let mut local = vec!["import pipec_support as px".to_owned()];
    subs.sort();
    subs.dedup();
    local.extend(subs.iter().map(|s| format!("import {s}")));
    if uses_react {
        local.push("import tools".into());
    }
    local.sort();
    let mut header = Vec::new();
    if !imports.typing.is_empty() {
        let names: Vec<&str> = imports.typing.iter().copied().collect();
        header.push(format!("from typing import {}", names.join(", ")));
        header.push(String::new());
    }
    header.extend(lines);
    header.push(String::new());
    header.extend(local);

    let defaults: Vec<String> = pipeline
        .inputs
        .iter()
        .filter_map(|i| {
            i.default
                .as_deref()
                .map(|d| format!("{}: {}", string(&i.name.text), json_literal(d)))
        })
        .collect();
    let required: Vec<String> = pipeline
        .inputs
        .iter()
        .filter(|i| !i.has_default() && !i.ty.ty.accepts_none())
        .map(|i| string(&i.name.text))
        .collect();
    // The root's LMs cover the models of every pipeline of the program (a called file's
    // steps name its own `models:`); the first declaration of a name wins.
    let mut declared: Vec<&pipec_ir::Model> = Vec::new();
    for unit in names.units {
        for model in &unit.pipeline.models {
            if !declared.iter().any(|m| m.name.text == model.name.text) {
                declared.push(model);
            }
        }
    }
    let models: Vec<String> = declared
        .iter()
        .map(|m| {
            let mut settings = serde_json::Map::new();
            settings.insert("provider".into(), m.provider.text.clone().into());
            settings.insert("model".into(), m.model.text.clone().into());
            if let Some(t) = m.max_tokens {
                settings.insert("max_tokens".into(), t.into());
            }
            if let Some(t) = m.temperature {
                settings.insert("temperature".into(), t.into());
            }
            format!(
                "    {}: {},",
                string(&m.name.text),
                value_literal(&serde_json::Value::Object(settings))
            )
        })
        .collect();
    let default_model = first_model(&pipeline.steps).map_or("None".to_owned(), |m| string(&m));

    let mut context = Context::new();
    context.insert("is_root", &is_root);
    context.insert("name", &pipeline.name.text);
    context.insert(
        "doc",
        &string(
            pipeline
                .description
                .as_deref()
                .unwrap_or(&pipeline.name.text),
        ),
    );
    context.insert("header", &header.join("\n"));
    context.insert("types", &types);
    context.insert("signatures", &signatures.join("\n\n"));
    context.insert("class", &unit.class);
    context.insert("defaults", &format!("{{{}}}", defaults.join(", ")));
    context.insert("required", &format!("[{}]", required.join(", ")));
    context.insert(
        "input_names",
        &format!(
            "[{}]",
            pipeline
                .inputs
                .iter()
                .map(|i| string(&i.name.text))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    context.insert("models", &models);
    context.insert("default_model", &default_model);
    context.insert("init", &indent(&source.init, 2));
    context.insert("forward", &indent(&source.forward, 2));
    context.insert("uses_vars", &uses_vars);
    context
}

fn walk_any(steps: &[Step], f: &dyn Fn(&Step) -> bool) -> bool {
    let mut found = false;
    walk(steps, &mut |s| found |= f(s));
    found
}

/// The model of the first model-calling step (the LM `dspy.configure` gets).
fn first_model(steps: &[Step]) -> Option<String> {
    let mut model = None;
    walk(steps, &mut |s| {
        if model.is_none() && matches!(s.kind, StepKind::Predict { .. } | StepKind::Llm { .. }) {
            model = s.model.as_ref().map(|m| m.text.clone());
        }
    });
    model
}

fn indent(lines: &[String], levels: usize) -> String {
    let pad = "    ".repeat(levels);
    let mut out = String::new();
    for line in lines {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
