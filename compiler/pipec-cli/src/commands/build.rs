//! `pipec build FILE --target TARGET [-o DIR]`: a back-end's output written to disk. This
//! build has the DSPy back-end (`--target dspy`, in `build_dspy.rs`); the Rust back-end is
//! not in it, and `--target rust` says so.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The back-ends `--target` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// A Rust crate linking pipec's runtime.
    Rust,
    /// A Python project for dspy 3.4.1.
    Dspy,
}

/// Run the command.
pub fn run(file: &Path, target: Target, out: Option<&PathBuf>) -> ExitCode {
    match target {
        Target::Dspy => super::build_dspy::run(file, out),
        Target::Rust => {
            eprintln!(
                "error: the Rust back-end (`--target rust`) is not in this build of pipec; use `--target dspy`"
            );
            ExitCode::from(2)
        }
    }
}
