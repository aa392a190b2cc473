//! The directories a pipeline_ex run writes in, and the one rule for every path it is
//! given: a path is confined to its directory. A relative path is joined onto the directory
//! (as pipeline_ex does); an absolute path, a `..` that climbs out, or a symbolic link
//! that leads out is refused (P0722) before anything is read or written.
//!
//! The workspace is the workflow's `workspace_dir` (default `./workspace`) and the output
//! directory its `defaults.output_dir` (default `./outputs`), both under the run's
//! working directory; a step's `output_to_file` (and a parallel_claude task's) is written in
//! the output directory (its result as pretty JSON, or as it is when it is text).

use std::path::{Component, Path, PathBuf};

use pipec_diagnostics::Code;
use serde_json::Value;

use super::Prepared;
use super::prompt::format_result;
use crate::executor::error::RunError;
use crate::executor::state::RunState;

/// A directory paths are confined to.
#[derive(Debug, Clone)]
pub struct Dir {
    /// Where it is.
    pub disk: PathBuf,
    /// As the workflow writes it (`./workspace`), for results and messages.
    pub shown: String,
}

impl Dir {
    fn new(run: &RunState<'_>, written: &str) -> Dir {
        Dir {
            disk: run.config.working_dir.join(written),
            shown: written.to_owned(),
        }
    }

    /// `path` as results show it: joined onto the directory as written.
    #[must_use]
    pub fn show(&self, path: &str) -> String {
        Path::new(&self.shown).join(path).display().to_string()
    }
}

/// The workspace directory of the step's workflow.
#[must_use]
pub fn workspace_dir(run: &RunState<'_>, workflow: &Value) -> Dir {
    let dir = workflow
        .get("workspace_dir")
        .and_then(Value::as_str)
        .unwrap_or("./workspace");
    Dir::new(run, dir)
}

/// The output directory of the step's workflow.
#[must_use]
pub fn output_dir(run: &RunState<'_>, workflow: &Value) -> Dir {
    let dir = workflow
        .get("defaults")
        .and_then(|d| d.get("output_dir"))
        .and_then(Value::as_str)
        .unwrap_or("./outputs");
    Dir::new(run, dir)
}

/// `path` inside `dir`, or P0722.
///
/// # Errors
/// P0722 when the path leaves `dir`.
pub fn confine(dir: &Dir, path: &str, what: &str) -> Result<PathBuf, RunError> {
    let base = dir.disk.as_path();
    let escape = || {
        RunError::new(
            Code::P0722,
            format!("{what} `{path}` is outside the directory `{}`", dir.shown),
        )
        .with_label("outside the directory")
        .with_help("use a path relative to that directory, without `..` climbing out of it")
    };
    let relative = Path::new(path);
    let mut depth: usize = 0;
    for component in relative.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth = depth.checked_sub(1).ok_or_else(escape)?,
            Component::RootDir | Component::Prefix(_) => return Err(escape()),
        }
    }
    let joined = base.join(relative);
    // A symbolic link may still lead out: compare the real paths of what exists.
    if let Ok(real_base) = base.canonicalize() {
        let mut existing = joined.as_path();
        while !existing.exists() {
            match existing.parent() {
                Some(parent) => existing = parent,
                None => break,
            }
        }
        if let Ok(real) = existing.canonicalize()
            && !real.starts_with(&real_base)
        {
            return Err(escape());
        }
    }
    Ok(joined)
}

/// An I/O failure of a file operation as P0723.
#[must_use]
pub fn io_error(what: &str, path: &Path, error: &std::io::Error) -> RunError {
    RunError::new(
        Code::P0723,
        format!("cannot {what} `{}`: {error}", path.display()),
    )
}

/// Writes the step's `output_to_file`, if it has one.
///
/// # Errors
/// P0722 for a path outside the output directory, P0723 when it cannot be written.
pub fn output_to_file(
    run: &RunState<'_>,
    prepared: &Prepared,
    result: &Value,
) -> Result<(), RunError> {
    match prepared.raw.get("output_to_file").and_then(Value::as_str) {
        Some(file) => write_output(run, prepared, file, "output_to_file", result),
        None => Ok(()),
    }
}

/// Writes `result` to `file` in the output directory; `key` is where the step names the
/// file (`parallel_tasks.0.output_to_file`).
///
/// # Errors
/// P0722 for a path outside the output directory, P0723 when it cannot be written.
pub fn write_output(
    run: &RunState<'_>,
    prepared: &Prepared,
    file: &str,
    key: &str,
    result: &Value,
) -> Result<(), RunError> {
    let dir = output_dir(run, &prepared.workflow);
    let path = confine(&dir, file, "`output_to_file`")
        .map_err(|e| prepared.at_key(run.program, key, e))?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
    }
    std::fs::write(&path, format_result(result)).map_err(|e| io_error("write", &path, &e))
}
