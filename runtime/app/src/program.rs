//! A checked pipeline as a runnable [`Program`]: the file's pipeline, every file it calls,
//! and which file each `file:` path names; and the hash of the sources that identifies
//! the program when a run is resumed. `pipec run` and generated binaries both build their
//! program here, so they run the same thing.

use pipec_check::CheckResult;
use pipec_check::driver::resolve_relative;
use pipec_diagnostics::{FileId, SourceMap};
use pipec_ir::{PipelineSource, Step, StepKind};
use pipec_runtime::executor::Program;

/// The runnable program of a check: its first pipeline is the entry point. `None` when the
/// check found no pipeline.
#[must_use]
pub fn program(checked: &CheckResult) -> Option<Program> {
    let mut pipelines = checked
        .pipelines
        .iter()
        .filter_map(|(id, p)| Some((*id, p.as_ref()?)));
    let (_, root) = pipelines.next()?;
    let mut program = Program::new(root.clone());
    for (_, pipeline) in pipelines {
        program.add_file(pipeline.clone());
    }
    // pipeline_ex steps read their raw mappings from the text.
    for (id, file) in checked.sources.iter() {
        program.add_source(id, file.name(), file.text());
    }
    for (_, pipeline) in checked
        .pipelines
        .iter()
        .filter_map(|(id, p)| Some((*id, p.as_ref()?)))
    {
        add_calls(
            &mut program,
            &checked.sources,
            pipeline.file,
            &pipeline.steps,
        );
    }
    Some(program)
}

/// A hash of every source file's text, in the order the checker read them: equal hashes
/// mean a run would execute the same pipeline.
#[must_use]
pub fn source_hash(sources: &SourceMap) -> String {
    // FNV-1a, 64 bits: stable across Rust releases (unlike `DefaultHasher`), and enough to
    // notice an edited file.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, file) in sources.iter() {
        for byte in file.text().bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn add_calls(program: &mut Program, sources: &SourceMap, file: FileId, steps: &[Step]) {
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
                    program.add_call(path.span, id);
                }
            }
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => add_calls(program, sources, file, &inner.steps),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    add_calls(program, sources, file, &case.steps);
                }
                add_calls(program, sources, file, default);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                add_calls(program, sources, file, steps);
            }
            _ => {}
        }
    }
}
