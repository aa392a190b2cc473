//! One `pipec check` from bytes to sorted diagnostics.
//!
//! Order: decode → parse (YAML, JSON or the `.pipe` DSL, by extension) → lower → load every
//! `pipeline_file` the pipelines name (through the [`FileLoader`], transitively; each file
//! once) → the file-level cycle check → the per-pipeline passes. Files reached only through
//! `pipeline_file` are checked like the ones named on the command line, but do not count in
//! `files`.

use std::collections::HashMap;

use pipec_diagnostics::{Code, Diagnostic, Diagnostics, FileId, SourceMap};
use pipec_ir::lower::lower_document;
use pipec_ir::{Pipeline, PipelineSource, Step, StepKind};
use pipec_syntax::{SourceFormat, parse};

use crate::input::{decode, problem_diagnostic};
use crate::passes::{self, Program};

/// A file handed to the checker.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Display name (the path as the user wrote it, or as resolved by the loader).
    pub name: String,
    /// Raw contents.
    pub bytes: Vec<u8>,
}

/// Why a referenced file could not be provided.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// The path that was tried, as the loader resolved it.
    pub resolved: String,
    /// What went wrong ("not found", an OS error).
    pub reason: String,
}

/// Supplies files named by `pipeline_file`/`file`. The CLI reads the disk; tests and the
/// language server serve memory.
pub trait FileLoader {
    /// Read `path` as written inside the file named `from`. Paths are relative to the
    /// directory of `from`. The returned [`InputFile::name`] is the resolved name; equal
    /// names mean the same file.
    ///
    /// # Errors
    /// When the file cannot be provided.
    fn load(&mut self, from: &str, path: &str) -> Result<InputFile, LoadError>;
}

/// A loader over an in-memory map of normalised paths to contents.
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    files: HashMap<String, Vec<u8>>,
}

impl MemoryLoader {
    /// An empty loader.
    #[must_use]
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Add a file under a path such as `dir/a.yaml`.
    pub fn insert(&mut self, path: &str, contents: impl Into<Vec<u8>>) {
        self.files.insert(normalize(path), contents.into());
    }
}

impl FileLoader for MemoryLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<InputFile, LoadError> {
        let resolved = resolve_relative(from, path);
        match self.files.get(&resolved) {
            Some(bytes) => Ok(InputFile {
                name: resolved,
                bytes: bytes.clone(),
            }),
            None => Err(LoadError {
                resolved,
                reason: "not found".into(),
            }),
        }
    }
}

/// `path` relative to the directory of `from`, normalised (`.` and `..` folded). Absolute
/// paths are kept.
#[must_use]
pub fn resolve_relative(from: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalize(path);
    }
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    if dir.is_empty() {
        normalize(path)
    } else {
        normalize(&format!("{dir}/{path}"))
    }
}

fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Everything a check produced.
#[derive(Debug)]
pub struct CheckResult {
    /// Every file read, for rendering.
    pub sources: SourceMap,
    /// Diagnostics sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files given (not counting files reached through `pipeline_file`).
    pub files: usize,
    /// The lowered pipelines by file (for back-ends and tests); `None` where lowering found
    /// no pipeline.
    pub pipelines: Vec<(FileId, Option<Pipeline>)>,
}

impl CheckResult {
    /// Number of errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Check `inputs`, loading referenced pipeline files through `loader`.
pub fn check(inputs: Vec<InputFile>, loader: &mut dyn FileLoader) -> CheckResult {
    let files = inputs.len();
    let mut session = Session::default();
    let mut queue: Vec<FileId> = Vec::new();
    for input in inputs {
        if let Some(id) = session.add(input) {
            queue.push(id);
        }
    }
    // Follow pipeline_file references breadth-first; each file is lowered once.
    let mut next = 0;
    while next < queue.len() {
        let id = queue[next];
        next += 1;
        for (path, span) in session.file_references(id) {
            let from = session
                .sources
                .get(id)
                .map(|f| f.name().to_owned())
                .unwrap_or_default();
            let target = match session.by_name.get(&resolve_relative(&from, &path.text)) {
                Some(&existing) => Some(existing),
                None => {
                    match loader.load(&from, &path.text) {
                        Ok(file) => match session.by_name.get(&file.name) {
                            Some(&existing) => Some(existing),
                            None => {
                                let new = session.add(file);
                                if let Some(new) = new {
                                    queue.push(new);
                                }
                                new
                            }
                        },
                        Err(e) => {
                            session.diagnostics.push(
                            Diagnostic::new(Code::P0212, span, format!("cannot read pipeline file `{}`", path.text))
                                .with_primary_label(format!("{}: {}", e.resolved, e.reason))
                                .with_help("paths are relative to the directory of the file that names them"),
                        );
                            None
                        }
                    }
                }
            };
            if let Some(target) = target {
                session.calls.push(passes::FileCall {
                    from: id,
                    to: target,
                    span,
                });
            }
        }
    }
    let program = Program::new(&session.pipelines, &session.calls, &session.sources);
    passes::run(&program, &mut session.diagnostics);
    CheckResult {
        sources: session.sources,
        diagnostics: session.diagnostics.into_sorted(),
        files,
        pipelines: session.pipelines,
    }
}

#[derive(Default)]
struct Session {
    sources: SourceMap,
    diagnostics: Diagnostics,
    pipelines: Vec<(FileId, Option<Pipeline>)>,
    by_name: HashMap<String, FileId>,
    calls: Vec<passes::FileCall>,
}

impl Session {
    /// Decode, parse and lower one file; `None` if the same name was added before.
    fn add(&mut self, input: InputFile) -> Option<FileId> {
        if self.by_name.contains_key(&input.name) {
            return None;
        }
        let (text, problem) = decode(&input.bytes);
        let format = SourceFormat::from_file_name(&input.name);
        let name = input.name;
        let id = self.sources.add(name.clone(), text);
        self.by_name.insert(name, id);
        let Some(file) = self.sources.get(id) else {
            return Some(id);
        };
        let text = file.text();
        if let Some(problem) = problem {
            self.diagnostics
                .push(problem_diagnostic(id, text, &problem));
            self.pipelines.push((id, None));
            return Some(id);
        }
        let parsed = parse(id, text, format);
        self.diagnostics.extend(parsed.diagnostics);
        let pipeline = parsed.document.and_then(|doc| {
            let lowered = lower_document(&doc, text);
            self.diagnostics.extend(lowered.diagnostics);
            lowered.pipeline
        });
        self.pipelines.push((id, pipeline));
        Some(id)
    }

    /// The `pipeline_file` paths a file's pipeline names, at any depth.
    fn file_references(&self, id: FileId) -> Vec<(pipec_ir::Name, pipec_diagnostics::Span)> {
        let mut out = Vec::new();
        if let Some((_, Some(pipeline))) = self.pipelines.iter().find(|(f, _)| *f == id) {
            collect_file_refs(&pipeline.steps, &mut out);
        }
        out
    }
}

fn collect_file_refs(steps: &[Step], out: &mut Vec<(pipec_ir::Name, pipec_diagnostics::Span)>) {
    for step in steps {
        match &step.kind {
            StepKind::Pipeline {
                source: PipelineSource::File(path),
                ..
            } => out.push((path.clone(), path.span)),
            StepKind::Pipeline {
                source: PipelineSource::Inline(inner),
                ..
            } => collect_file_refs(&inner.steps, out),
            StepKind::Branch { cases, default } => {
                for case in cases {
                    collect_file_refs(&case.steps, out);
                }
                collect_file_refs(default, out);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                collect_file_refs(steps, out)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_calling_file() {
        assert_eq!(resolve_relative("dir/a.yaml", "b.yaml"), "dir/b.yaml");
        assert_eq!(resolve_relative("dir/a.yaml", "../b.yaml"), "b.yaml");
        assert_eq!(resolve_relative("a.yaml", "./sub/../b.yaml"), "b.yaml");
        assert_eq!(resolve_relative("x/a.yaml", "/abs/b.yaml"), "/abs/b.yaml");
    }
}
