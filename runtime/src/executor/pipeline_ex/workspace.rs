//! The directories a pipeline_ex run writes in, and the one rule for every path it is
//! given: a path is confined to its directory. A relative path is joined onto the directory
//! (as pipeline_ex does); an absolute path, a `..` that climbs out, or a symbolic link
//! that leads out is refused (P0722) before anything is read or written.
//!
//! The workspace is the workflow's `workspace_dir` (default `./workspace`) and the output
//! directory its `defaults.output_dir` (default `./outputs`), both under the run's
//! working directory; a step's `output_to_file` is written in the output directory (its
//! result as pretty JSON, or as it is when it is text).

use std::path::{Component, Path, PathBuf};

use pipec_diagnostics::Code;
use serde_json::Value;

use super::Prepared;
use super::prompt::format_result;
use crate::executor::error::RunError;
use crate::executor::state::RunState;

/// The workspace directory of the step's workflow.
#[must_use]
pub fn workspace_dir(run: &RunState<'_>, workflow: &Value) -> PathBuf {
    let dir = workflow
        .get("workspace_dir")
        .and_then(Value::as_str)
        .unwrap_or("./workspace");
    run.config.working_dir.join(dir)
}

/// The output directory of the step's workflow.
#[must_use]
pub fn output_dir(run: &RunState<'_>, workflow: &Value) -> PathBuf {
    let dir = workflow
        .get("defaults")
        .and_then(|d| d.get("output_dir"))
        .and_then(Value::as_str)
        .unwrap_or("./outputs");
    run.config.working_dir.join(dir)
}

/// `path` inside `base`, or P0722.
///
/// # Errors
/// P0722 when the path leaves `base`.
pub fn confine(base: &Path, path: &str, what: &str) -> Result<PathBuf, RunError> {
    let escape = || {
        RunError::new(
            Code::P0722,
            format!(
                "{what} `{path}` is outside the directory `{}`",
                base.display()
            ),
        )
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
    let Some(file) = prepared.raw.get("output_to_file").and_then(Value::as_str) else {
        return Ok(());
    };
    let dir = output_dir(run, &prepared.workflow);
    let path = confine(&dir, file, "`output_to_file`")?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
    }
    std::fs::write(&path, format_result(result)).map_err(|e| io_error("write", &path, &e))
}
