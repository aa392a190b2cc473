//! The source files a generated crate embeds: the root file and every file its `file:`
//! paths call, transitively, each under the name the checker will resolve it to at start-up
//! (the root under its file name, the others relative to it), and where each is written in
//! the crate (`pipeline/NAME`).

use pipec_check::CheckResult;
use pipec_check::driver::resolve_relative;
use pipec_ir::{PipelineSource, Step, StepKind};

/// One embedded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The name the embedded checker reads it under.
    pub name: String,
    /// The name the check read it under (its path as the loader resolved it), so a caller
    /// that embeds by path (`include_pipeline!`) can find it on disk.
    pub source: String,
    /// Its path in the generated crate.
    pub disk_path: String,
    /// Its text, verbatim.
    pub text: String,
}

/// The embedded files, the root first, then in the order the calls are first met.
#[must_use]
pub fn embedded(checked: &CheckResult) -> Vec<Embedded> {
    let sources = &checked.sources;
    let pipelines: Vec<_> = checked
        .pipelines
        .iter()
        .filter_map(|(_, p)| p.as_ref())
        .collect();
    let Some(root) = pipelines.first() else {
        return Vec::new();
    };
    let Some(root_file) = sources.get(root.file) else {
        return Vec::new();
    };
    let root_name = root_file
        .name()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    // (checked name, embedded name), in discovery order.
    let mut found: Vec<(String, String)> = vec![(root_file.name().to_owned(), root_name)];
    let mut next = 0;
    while let Some((checked_name, embedded_name)) = found.get(next).cloned() {
        next += 1;
        let Some(pipeline) = pipelines.iter().find(|p| {
            sources
                .get(p.file)
                .is_some_and(|f| f.name() == checked_name)
        }) else {
            continue;
        };
        let mut paths = Vec::new();
        called_paths(&pipeline.steps, &mut paths);
        for path in paths {
            let target = resolve_relative(&checked_name, &path);
            if !found.iter().any(|(c, _)| *c == target)
                && sources.iter().any(|(_, f)| f.name() == target)
            {
                found.push((target, resolve_relative(&embedded_name, &path)));
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(checked_name, name)| {
            let (_, file) = sources.iter().find(|(_, f)| f.name() == checked_name)?;
            Some(Embedded {
                disk_path: disk_path(&name),
                source: checked_name,
                name,
                text: file.text().to_owned(),
            })
        })
        .collect()
}

/// `pipeline/NAME`, with `..` segments spelled `parent` so the file stays inside the crate.
fn disk_path(name: &str) -> String {
    let segments: Vec<&str> = name
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(|s| if s == ".." { "parent" } else { s })
        .collect();
    format!("pipeline/{}", segments.join("/"))
}

fn called_paths(steps: &[Step], out: &mut Vec<String>) {
    for step in steps {
        match &step.kind {
            StepKind::Pipeline {
                source: PipelineSource::File(path),
                ..
            } => out.push(path.text.clone()),
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => called_paths(&inner.steps, out),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    called_paths(&case.steps, out);
                }
                called_paths(default, out);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => called_paths(steps, out),
            _ => {}
        }
    }
}
