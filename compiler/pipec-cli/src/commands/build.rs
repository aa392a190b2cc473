//! `pipec build FILE [--target rust|dspy] [-o DIR] [--no-compile] [--release] [--lib]
//! [--offline]`: the shared arguments and the dispatch to a back-end, so a new target is one
//! variant and one module. `rust` (the default, `build/rust.rs`) checks the pipeline
//! (refusing on errors, shown as `pipec check` shows them) and builds a Cargo crate; `dspy`
//! (`build_dspy.rs`) checks it and writes a Python project. The cargo flags (`--no-compile`,
//! `--release`, `--lib`, `--offline`) belong to the Rust back-end and are refused with
//! `dspy`.
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
    /// A Python project for dspy 3.4.1.
    Dspy,
}

/// The arguments of `pipec build`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// The pipeline file.
    pub file: PathBuf,
    /// Where to write the generated project (default: `build/NAME` for `rust`,
    /// `NAME_dspy` for `dspy`, under the working directory).
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
    match args.target {
        Target::Rust => match checked(&args.file, false, "building") {
            Ok(loaded) => rust::build(&loaded, args),
            Err(code) => code,
        },
        Target::Dspy => {
            let rust_only = [
                ("--no-compile", args.no_compile),
                ("--release", args.release),
                ("--lib", args.lib),
                ("--offline", args.offline),
            ];
            if let Some((flag, _)) = rust_only.iter().find(|(_, given)| *given) {
                eprintln!(
                    "error: `{flag}` is an option of `--target rust`; `--target dspy` writes a Python project and compiles nothing"
                );
                return ExitCode::from(2);
            }
            super::build_dspy::run(&args.file, args.out.as_ref())
        }
    }
}
