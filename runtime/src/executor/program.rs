//! [`Program`]: the checked pipeline to run, with every pipeline file it calls.
//!
//! The runtime reads no files: the caller (the CLI, a test) hands over the pipelines that
//! `pipec_check::check` lowered, and says which file each `file:` path of a `pipeline` step
//! names (the checker follows the same paths through its `FileLoader`). A `file:` path is
//! identified by its span, which is unique in the program.

use std::collections::HashMap;

use pipec_diagnostics::{FileId, Span};
use pipec_ir::{Dialect, Name, Pipeline};

/// A pipeline and the pipeline files it calls, ready to run.
#[derive(Debug, Clone)]
pub struct Program {
    root: Pipeline,
    files: HashMap<FileId, Pipeline>,
    calls: HashMap<Span, FileId>,
}

impl Program {
    /// A program whose entry point is `root` and that calls no file.
    #[must_use]
    pub fn new(root: Pipeline) -> Program {
        Program {
            root,
            files: HashMap::new(),
            calls: HashMap::new(),
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

    /// Whether every pipeline of the program is a native one (pipeline_ex files are not
    /// runnable yet); the first pipeline_ex pipeline otherwise.
    #[must_use]
    pub fn first_pipeline_ex(&self) -> Option<&Pipeline> {
        let mut files: Vec<&Pipeline> = self.files.values().collect();
        files.sort_by_key(|p| p.file);
        std::iter::once(&self.root)
            .chain(files)
            .find(|p| p.dialect == Dialect::PipelineEx)
    }
}
