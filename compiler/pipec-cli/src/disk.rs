//! File system access: expanding the paths given on the command line, and loading the
//! files that `pipeline_file:` names.

use std::path::{Path, PathBuf};

use pipec_check::{FileLoader, InputFile, LoadError};

const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "pipe"];

/// Files named directly are taken whatever their extension; directories are searched
/// recursively for YAML, JSON and `.pipe` files, skipping hidden entries, in sorted order.
///
/// # Errors
/// A message naming the path that could not be read.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<InputFile>, String> {
    collect_files(paths, EXTENSIONS)
}

/// [`collect_inputs`], searching directories for files with one of `extensions` (`pipec
/// fmt` looks for `.pipe` files only).
///
/// # Errors
/// A message naming the path that could not be read.
pub fn collect_files(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<InputFile>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if meta.is_dir() {
            walk(path, extensions, &mut files)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        } else {
            files.push(path.clone());
        }
    }
    let mut inputs = Vec::with_capacity(files.len());
    for file in files {
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
        inputs.push(InputFile {
            name: display(&file),
            bytes,
        });
    }
    Ok(inputs)
}

fn walk(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            walk(&entry, extensions, out)?;
        } else if entry
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(entry);
        }
    }
    Ok(())
}

fn display(path: &Path) -> String {
    let text = path.to_string_lossy().into_owned();
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// Loads `pipeline_file` targets from disk, relative to the calling file's directory.
#[derive(Debug, Default)]
pub struct DiskLoader;

impl FileLoader for DiskLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<InputFile, LoadError> {
        let resolved = pipec_check::driver::resolve_relative(from, path);
        match std::fs::read(&resolved) {
            Ok(bytes) => Ok(InputFile {
                name: resolved,
                bytes,
            }),
            Err(e) => Err(LoadError {
                resolved,
                reason: e.to_string(),
            }),
        }
    }
}
