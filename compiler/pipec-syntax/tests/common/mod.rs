//! Helpers shared by the integration tests: finding the repository's YAML files.

use std::path::{Path, PathBuf};

/// Every `.yaml`/`.yml` file below `dir`, recursively (none when it does not exist).
pub fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}
