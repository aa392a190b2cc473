//! Check the pipeline file (with every file it calls) and turn the checked pipelines into a
//! runnable [`Program`], plus the hash that identifies its sources for resuming.

use std::path::Path;

use pipec_check::{CheckResult, check};
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
        pipec_app::program::program(&self.checked)
    }

    /// A hash of every source file's text, in the order the checker read them: equal
    /// hashes mean the run would execute the same pipeline.
    #[must_use]
    pub fn source_hash(&self) -> String {
        pipec_app::program::source_hash(&self.checked.sources)
    }
}
