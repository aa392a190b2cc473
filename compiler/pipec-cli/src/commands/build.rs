//! `pipec build FILE [--target rust] [-o DIR] [--no-compile] [--release] [--lib] [--offline]`:
//! check the pipeline (refusing on errors, shown as `pipec check` shows them), then hand it
//! to the chosen back-end. Each back-end lives in its own module under `build/` and owns what
//! happens after the check; this file holds only the shared arguments and the dispatch, so a
//! new target is one variant and one module.
//!
//! Exit status: 0 built (or written with `--no-compile`), 1 the pipeline has errors or the
//! back-end's tool failed, 2 a usage or I/O problem.

mod rust;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::commands::run::checked;

/// The back-ends `pipec build` can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// A Cargo crate and its native binary (or library, with `--lib`).
    Rust,
}

/// The arguments of `pipec build`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// The pipeline file.
    pub file: PathBuf,
    /// Where to write the generated project (default: `build/NAME` under the working
    /// directory).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The back-end.
    #[arg(long, value_enum, default_value_t = Target::Rust)]
    pub target: Target,
    /// Write the generated project only; do not compile it.
    #[arg(long)]
    pub no_compile: bool,
    /// Build with `cargo build --release`.
    #[arg(long)]
    pub release: bool,
    /// Generate a library crate with the typed pipeline function instead of a binary.
    #[arg(long)]
    pub lib: bool,
    /// Pass `--offline` to cargo (automatic inside the pipec repository).
    #[arg(long)]
    pub offline: bool,
}

/// Runs the command.
pub fn run(args: &BuildArgs) -> ExitCode {
    let loaded = match checked(&args.file, false, "building") {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    match args.target {
        Target::Rust => rust::build(&loaded, args),
    }
}
