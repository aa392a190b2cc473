//! [`Program`]: the checked pipeline to run, with every pipeline file it calls.
//!
//! The runtime reads no files: the caller (the CLI, a test) hands over the pipelines that
//! `pipec_check::check` lowered, and says which file each `file:` path of a `pipeline` step
//! names (the checker follows the same paths through its `FileLoader`). A `file:` path is
//! identified by its span, which is unique in the program. pipeline_ex files also need their
//! text ([`Program::add_source`]): pipeline_ex steps read keys of their raw mapping that the
//! IR does not carry.

use std::collections::HashMap;

use pipec_diagnostics::{FileId, Span};
use pipec_ir::{Dialect, Name, Pipeline};
use serde_json::Value;

use super::pipeline_ex::RawSource;

/// A pipeline and the pipeline files it calls, ready to run.
#[derive(Debug, Clone)]
pub struct Program {
    root: Pipeline,
    files: HashMap<FileId, Pipeline>,
    calls: HashMap<Span, FileId>,
    sources: HashMap<FileId, RawSource>,
}

impl Program {
    /// A program whose entry point is `root` and that calls no file.
    #[must_use]
    pub fn new(root: Pipeline) -> Program {
        Program {
            root,
            files: HashMap::new(),
            calls: HashMap::new(),
            sources: HashMap::new(),
        }
    }

    /// Adds a pipeline file that `file:` paths may name.
    pub fn add_file(&mut self, pipeline: Pipeline) {
        if pipeline.file != self.root.file {
            self.files.entry(pipeline.file).or_insert(pipeline);
        }
    }

    /// Records that the `file:` path written at `path` names the file `target`.
    pub fn add_call(&mut self, path: Span, target: FileId) {
        self.calls.insert(path, target);
    }

    /// Adds the text of file `file` (named `name`; its extension says YAML or JSON), which
    /// pipeline_ex steps of that file read their raw mappings from.
    pub fn add_source(&mut self, file: FileId, name: &str, text: &str) {
        self.sources
            .insert(file, RawSource::parse(file, name, text));
    }

    /// The raw mapping (a pipeline_ex step or workflow) written at `span`, if its file's text
    /// was added.
    #[must_use]
    pub fn raw(&self, span: Span) -> Option<&Value> {
        self.sources.get(&span.file)?.get(span)
    }

    /// Where the key at dotted `path` is written inside the raw mapping at `span`.
    #[must_use]
    pub fn raw_key_span(&self, span: Span, path: &str) -> Option<Span> {
        self.sources.get(&span.file)?.key_span(span, path)
    }

    /// The entry point.
    #[must_use]
    pub fn root(&self) -> &Pipeline {
        &self.root
    }

    /// The pipeline a `file:` path names, if the caller supplied it.
    #[must_use]
    pub fn called(&self, path: &Name) -> Option<&Pipeline> {
        let target = self.calls.get(&path.span)?;
        if *target == self.root.file {
            return Some(&self.root);
        }
        self.files.get(target)
    }

    /// Every pipeline_ex pipeline file of the program (the root first), for the checks made
    /// before a run.
    #[must_use]
    pub fn pipeline_ex_files(&self) -> Vec<&Pipeline> {
        let mut files: Vec<&Pipeline> = self.files.values().collect();
        files.sort_by_key(|p| p.file);
        std::iter::once(&self.root)
            .chain(files)
            .filter(|p| p.dialect == Dialect::PipelineEx)
            .collect()
    }
}
