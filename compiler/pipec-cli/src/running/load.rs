//! Check the pipeline file (with every file it calls) and turn the checked pipelines into a
//! runnable [`Program`], plus the hash that identifies its sources for resuming.

use std::path::Path;

use pipec_check::driver::resolve_relative;
use pipec_check::{CheckResult, check};
use pipec_diagnostics::{FileId, SourceMap, Span};
use pipec_ir::{PipelineSource, Step, StepKind};
use pipec_runtime::executor::Program;

use crate::disk::{DiskLoader, collect_inputs};

/// A checked file.
pub struct Loaded {
    /// The checker's result (sources for rendering, diagnostics).
    pub checked: CheckResult,
    /// The name the file was checked under.
    pub file: String,
}

/// Checks `path`.
///
/// # Errors
/// A message when the file cannot be read.
pub fn check_file(path: &Path) -> Result<Loaded, String> {
    let inputs = collect_inputs(&[path.to_path_buf()])?;
    let file = inputs.first().map(|i| i.name.clone()).unwrap_or_default();
    Ok(Loaded {
        checked: check(inputs, &mut DiskLoader),
        file,
    })
}

impl Loaded {
    /// The runnable program: the file's pipeline, every file it calls, and which file each
    /// `file:` path names. `None` when the file holds no pipeline.
    #[must_use]
    pub fn program(&self) -> Option<Program> {
        let mut pipelines = self
            .checked
            .pipelines
            .iter()
            .filter_map(|(id, p)| Some((*id, p.as_ref()?)));
        let (_, root) = pipelines.next()?;
        let mut program = Program::new(root.clone());
        for (_, pipeline) in pipelines {
            program.add_file(pipeline.clone());
        }
        // pipeline_ex steps read their raw mappings from the text.
        for (id, file) in self.checked.sources.iter() {
            program.add_source(id, file.name(), file.text());
        }
        for (span, id) in self.calls() {
            program.add_call(span, id);
        }
        Some(program)
    }

    /// Every `file:` path of every checked pipeline (by its span) with the file it names.
    #[must_use]
    pub fn calls(&self) -> Vec<(Span, FileId)> {
        let mut calls = Vec::new();
        for pipeline in self
            .checked
            .pipelines
            .iter()
            .filter_map(|(_, p)| p.as_ref())
        {
            add_calls(
                &mut calls,
                &self.checked.sources,
                pipeline.file,
                &pipeline.steps,
            );
        }
        calls
    }

    /// A hash of every source file's text, in the order the checker read them: equal
    /// hashes mean the run would execute the same pipeline.
    #[must_use]
    pub fn source_hash(&self) -> String {
        // FNV-1a, 64 bits: stable across Rust releases (unlike `DefaultHasher`), and
        // enough to notice an edited file.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (_, file) in self.checked.sources.iter() {
            for byte in file.text().bytes().chain([0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

fn add_calls(calls: &mut Vec<(Span, FileId)>, sources: &SourceMap, file: FileId, steps: &[Step]) {
    let from = sources
        .get(file)
        .map(|f| f.name().to_owned())
        .unwrap_or_default();
    for step in steps {
        match &step.kind {
            StepKind::Pipeline {
                source: PipelineSource::File(path),
                ..
            } => {
                let target = resolve_relative(&from, &path.text);
                if let Some((id, _)) = sources.iter().find(|(_, f)| f.name() == target) {
                    calls.push((path.span, id));
                }
            }
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => add_calls(calls, sources, file, &inner.steps),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    add_calls(calls, sources, file, &case.steps);
                }
                add_calls(calls, sources, file, default);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                add_calls(calls, sources, file, steps);
            }
            _ => {}
        }
    }
}
