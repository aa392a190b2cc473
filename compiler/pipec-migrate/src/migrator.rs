//! The migration's state and its two passes. A pipeline is migrated twice over the same
//! traversal: the *survey* pass records how every step result and input is read (which
//! fields, used how), then the result shapes and input types are chosen, and the *emit*
//! pass builds the output and reports. Running the same code twice is what keeps the two
//! passes in agreement.

use std::collections::{HashMap, HashSet};

use pipec_diagnostics::{Diagnostic, FileId, Span};
use pipec_ir::{Pipeline, Step, StepKind};
use pipec_syntax::MapRef;
use pipec_syntax::expr::{Expr, Segment};

use crate::names::{Taken, identifier};
use crate::out::Out;
use crate::refs::Use;
use crate::shapes::Shape;

/// Which pass is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Record reads; output and diagnostics are discarded.
    Survey,
    /// Build the output and report.
    Emit,
}

/// What a step became, as far as references to it care.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Role {
    /// A model call (`llm`, or `predict` when fields of it are read).
    Model {
        /// gemini_instructor: its fixed `{text, analysis, summary}` output.
        instructor: bool,
    },
    /// parallel_claude / claude_batch tasks: one step per task, by task id.
    Parallel(Vec<(String, String)>),
    /// test_echo: a `set` step whose variable `value` holds the value.
    Echo,
    /// Left out (file_ops): references read `null`.
    Dropped,
    /// Anything else: its native result is read as written.
    Plain,
}

/// A declared input of the migrated pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// Its name.
    pub name: String,
    /// The strongest use seen.
    pub usage: Use,
    /// Whether fields of it are read.
    pub deeper: bool,
    /// Its description.
    pub desc: Option<String>,
    /// Its default (a global variable's value).
    pub default: Option<Out>,
}

/// One loop around the current point.
#[derive(Debug, Clone)]
pub(crate) struct LoopFrame {
    /// The pipeline_ex iterator name (`None` for a while_loop).
    pub iterator: Option<String>,
    /// The native item variable.
    pub item: String,
    /// The native id of the loop step.
    pub step: String,
}

/// Where a loop body step sits: pipeline_ex merges body results into the parent's, so
/// later steps may read them from outside the loop.
#[derive(Debug, Clone)]
pub(crate) struct BodyPlace {
    /// The native id of the loop step.
    pub parent: String,
    /// Whether the loop is a for_loop (`map`, whose result is a list).
    pub is_map: bool,
    /// Whether the step is the body's last (whose result the loop's result holds).
    pub last: bool,
}

/// The migration of one pipeline (a file, or an inline nested pipeline).
pub(crate) struct Migrator<'a> {
    /// The file every span points into.
    pub file: FileId,
    /// Every mapping of the source document by its start offset.
    pub maps: &'a HashMap<u32, MapRef<'a>>,
    /// The file's text (templates in options are parsed from it).
    pub source: &'a str,
    /// `defaults.claude_preset`.
    pub preset: Option<String>,
    /// global_vars values, the defaults of the inputs they become.
    pub global_defaults: HashMap<String, Out>,
    /// The workflow's `variables:` (ignored by pipeline_ex): initial values.
    pub workflow_vars: HashMap<String, Out>,
    /// Variables a `set` step has set before the current point.
    pub set_so_far: HashSet<String>,
    /// Variables read before any step sets them, in first-read order; a first `set` step
    /// initialises them.
    pub early: Vec<String>,
    /// Variables set inside a loop body, with the loop's id: natively they are not visible
    /// after the loop.
    pub body_vars: HashMap<String, String>,
    /// Variables already reported as read out of their loop body.
    pub reported_vars: HashSet<String>,
    /// The running pass.
    pub pass: Pass,
    /// What the emit pass reported.
    pub diagnostics: Vec<Diagnostic>,
    /// Native id of each step, by the start of its mapping.
    pub ids: HashMap<u32, String>,
    /// Native id of each pipeline_ex step name (and data_transform `output_field`).
    pub by_name: HashMap<String, String>,
    /// What each native step id became.
    pub roles: HashMap<String, Role>,
    /// Loop body steps by native id.
    pub places: HashMap<String, BodyPlace>,
    /// set_variable variables of the pipeline.
    pub vars: HashSet<String>,
    /// global_vars names.
    pub globals: HashSet<String>,
    /// Loops around the current point, innermost last.
    pub loops: Vec<LoopFrame>,
    /// Survey: how each native step's result is read (path after the step, use).
    pub reads: HashMap<String, Vec<(Vec<Segment>, Use)>>,
    /// The chosen shapes of model-calling steps.
    pub shapes: HashMap<String, Shape>,
    /// Parallel steps whose result is read as a whole (they get a collecting `set` step).
    pub collected: HashSet<String>,
    /// Declared inputs, in first-use order.
    pub inputs: Vec<Input>,
    /// Inputs already reported as coming from a bare variable.
    pub reported_inputs: HashSet<String>,
    /// Steps whose results become declared outputs (pipeline_ex wrote them to files).
    pub outputs: Vec<String>,
    /// `models:` entries, in first-use order: name and value.
    pub models: Vec<(String, Out)>,
}

/// A loop or inline pipeline whose body is empty, or holds only steps the migration
/// leaves out: it runs nothing natively, and a native body needs a step. The recursion
/// follows the step nesting, which the front-end's depth limit bounds.
pub(crate) fn is_empty_body(kind: &StepKind) -> bool {
    let left_out = |s: &Step| matches!(s.kind, StepKind::FileOps { .. }) || is_empty_body(&s.kind);
    match kind {
        StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => steps.iter().all(left_out),
        StepKind::Pipeline {
            source: pipec_ir::PipelineSource::Inline(inner),
            ..
        } => inner.steps.iter().all(left_out),
        _ => false,
    }
}

impl<'a> Migrator<'a> {
    /// A migrator for `pipeline`, with ids assigned and names collected.
    pub(crate) fn new(
        pipeline: &Pipeline,
        maps: &'a HashMap<u32, MapRef<'a>>,
        source: &'a str,
    ) -> Self {
        let mut m = Migrator {
            file: pipeline.file,
            maps,
            source,
            preset: None,
            global_defaults: HashMap::new(),
            workflow_vars: HashMap::new(),
            set_so_far: HashSet::new(),
            early: Vec::new(),
            body_vars: HashMap::new(),
            reported_vars: HashSet::new(),
            pass: Pass::Survey,
            diagnostics: Vec::new(),
            ids: HashMap::new(),
            by_name: HashMap::new(),
            roles: HashMap::new(),
            places: HashMap::new(),
            vars: HashSet::new(),
            globals: pipeline.globals.iter().map(|g| g.text.clone()).collect(),
            loops: Vec::new(),
            reads: HashMap::new(),
            shapes: HashMap::new(),
            collected: HashSet::new(),
            inputs: Vec::new(),
            reported_inputs: HashSet::new(),
            models: Vec::new(),
            outputs: Vec::new(),
        };
        let mut taken = Taken::default();
        m.assign_ids(&pipeline.steps, &mut taken);
        m
    }

    /// Ids for every step at any depth (inline pipelines have their own), pre-order.
    fn assign_ids(&mut self, steps: &[Step], taken: &mut Taken) {
        for step in steps {
            let id = taken.unique(&identifier(&step.id.text));
            if id != step.id.text {
                self.report_rename(step.id.span, &step.id.text, &id);
            }
            self.ids.insert(step.span.start, id.clone());
            self.by_name
                .entry(step.id.text.clone())
                .or_insert(id.clone());
            let role = match &step.kind {
                StepKind::Llm { .. } => Role::Model {
                    instructor: step.type_name.text == "gemini_instructor",
                },
                StepKind::Parallel { tasks, .. } => {
                    let mut ids = Vec::new();
                    for task in tasks {
                        let wanted = identifier(&format!("{}_{}", id, task.id.text));
                        let task_id = taken.unique(&wanted);
                        self.roles
                            .insert(task_id.clone(), Role::Model { instructor: false });
                        ids.push((task.id.text.clone(), task_id));
                    }
                    Role::Parallel(ids)
                }
                StepKind::Echo { .. } => Role::Echo,
                StepKind::FileOps { .. } => Role::Dropped,
                StepKind::Set { vars } => {
                    self.vars.extend(vars.iter().map(|v| v.name.text.clone()));
                    Role::Plain
                }
                StepKind::Transform { output, .. } => {
                    if let Some(output) = output {
                        self.by_name
                            .entry(output.text.clone())
                            .or_insert(id.clone());
                    }
                    Role::Plain
                }
                _ if is_empty_body(&step.kind) => Role::Dropped,
                StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                    self.assign_ids(steps, taken);
                    let is_map = matches!(step.kind, StepKind::Map { .. });
                    for (i, body) in steps.iter().enumerate() {
                        if let Some(body_id) = self.ids.get(&body.span.start) {
                            self.places.insert(
                                body_id.clone(),
                                BodyPlace {
                                    parent: id.clone(),
                                    is_map,
                                    last: i + 1 == steps.len(),
                                },
                            );
                        }
                    }
                    Role::Plain
                }
                _ => Role::Plain,
            };
            self.roles.insert(id, role);
        }
        for step in steps {
            // The singular set_variable form is carried as the assignment it meant.
            if let Some(name) = self
                .step_map(step)
                .and_then(|m| m.get("variable"))
                .and_then(|n| n.scalar_text())
            {
                self.vars.insert(name.into_owned());
            }
        }
    }

    /// The source mapping of a step.
    pub(crate) fn step_map(&self, step: &Step) -> Option<MapRef<'a>> {
        self.maps.get(&step.span.start).copied()
    }

    /// The native id of a step.
    pub(crate) fn id_of(&self, step: &Step) -> String {
        self.ids
            .get(&step.span.start)
            .cloned()
            .unwrap_or_else(|| identifier(&step.id.text))
    }

    /// Report, in the emit pass only.
    pub(crate) fn warn(&mut self, diagnostic: Diagnostic) {
        if self.pass == Pass::Emit {
            self.diagnostics.push(diagnostic);
        }
    }

    fn report_rename(&mut self, at: Span, from: &str, to: &str) {
        // Ids are assigned once, before both passes, so this reports directly.
        self.diagnostics.push(
            Diagnostic::new(
                pipec_diagnostics::Code::P0825,
                at,
                format!("step `{from}` is migrated as `{to}`"),
            )
            .with_primary_label("native step ids are identifiers, unique in the whole pipeline")
            .with_help("references to the step use the new id"),
        );
    }

    /// Record a read of a step's result (survey pass).
    pub(crate) fn record(&mut self, id: &str, rest: &[Segment], usage: Use) {
        if self.pass == Pass::Survey {
            self.reads
                .entry(id.to_owned())
                .or_default()
                .push((rest.to_vec(), usage));
        }
    }

    /// Declare (or find) an input read as `usage`, with fields read when `deeper`.
    pub(crate) fn input(
        &mut self,
        name: &str,
        usage: Use,
        deeper: bool,
        desc: Option<String>,
        default: Option<Out>,
    ) -> String {
        let name = identifier(name);
        if let Some(input) = self.inputs.iter_mut().find(|i| i.name == name) {
            if self.pass == Pass::Survey {
                input.usage = input.usage.max(usage);
                input.deeper |= deeper;
            }
            return name;
        }
        self.inputs.push(Input {
            name: name.clone(),
            usage,
            deeper,
            desc,
            default,
        });
        name
    }

    /// A condition or source expression, printed.
    pub(crate) fn print(e: &Expr) -> Out {
        Out::Str(e.to_source())
    }
}
