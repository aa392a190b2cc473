//! `pipec build FILE [-o DIR] [--no-compile] [--release] [--lib] [--offline]`: check the
//! pipeline (refusing on errors, shown as `pipec check` shows them), generate a Cargo crate
//! with `pipec-codegen`, write it, and run `cargo build` on it, printing the binary's path.
//!
//! Inside the pipec repository the crate depends on the in-tree runtime by path and starts
//! from the repository's `Cargo.lock`, so cargo resolves the same crate versions the
//! workspace already compiled, and builds with `--offline` (every crate is in the local
//! registry cache); elsewhere it depends on the published `pipec-app` of this version.
//!
//! Exit status: 0 built (or written with `--no-compile`), 1 the pipeline has errors or
//! cargo failed, 2 a usage or I/O problem.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use pipec_codegen::{Options, RuntimeDep};

use crate::commands::run::checked;

/// The back-ends `pipec build` can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// A Cargo crate and its native binary.
    Rust,
    /// A Python package of DSPy modules.
    Dspy,
}

/// The arguments of `pipec build`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// The pipeline file.
    pub file: PathBuf,
    /// Where to write the crate (default: `build/NAME` under the working directory).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The back-end.
    #[arg(long, value_enum, default_value_t = Target::Rust)]
    pub target: Target,
    /// Write the crate only; do not run cargo.
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
    if args.target == Target::Dspy {
        eprintln!(
            "error: `pipec build --target dspy` is not available in this build of pipec; use `--target rust` (the default)"
        );
        return ExitCode::from(2);
    }
    let loaded = match checked(&args.file, false, "building") {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let in_tree = in_tree_runtime();
    let options = Options {
        pipec_version: env!("CARGO_PKG_VERSION").to_owned(),
        runtime: match &in_tree {
            Some(path) => RuntimeDep::Path(path.display().to_string()),
            None => RuntimeDep::Version(env!("CARGO_PKG_VERSION").to_owned()),
        },
        lib: args.lib,
    };
    let Some(files) = pipec_codegen::generate(&loaded.checked, &options) else {
        eprintln!("error: `{}` holds no pipeline", args.file.display());
        return ExitCode::from(1);
    };
    let crate_name = pipec_codegen::root(&loaded.checked)
        .map(|p| pipec_codegen::names::crate_name(&p.name.text))
        .unwrap_or_default();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("build").join(&crate_name));
    if let Err(message) = write(&out, &files) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if in_tree.is_some() {
        seed_lock_file(&out);
    }
    eprintln!("wrote crate `{crate_name}` to {}", out.display());
    if args.no_compile {
        println!("{}", out.display());
        return ExitCode::SUCCESS;
    }
    cargo_build(&out, args, in_tree.is_some())
}

/// The in-tree `runtime/app` crate, when this `pipec` runs from a pipec checkout.
fn in_tree_runtime() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../runtime/app");
    path.join("Cargo.toml")
        .is_file()
        .then(|| path.canonicalize().ok())
        .flatten()
}

/// Writes every file, leaving files whose contents are unchanged untouched (so cargo does
/// not rebuild them).
fn write(out: &Path, files: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    for (path, contents) in files {
        let path = out.join(path);
        if std::fs::read(&path).is_ok_and(|old| old == contents.as_bytes()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        }
        std::fs::write(&path, contents)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}

/// Starts the crate from the repository's lock file (cargo drops the entries it does not
/// need), so it builds with the versions the workspace already compiled.
fn seed_lock_file(out: &Path) {
    let lock = out.join("Cargo.lock");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    if !lock.exists() {
        let _ = std::fs::copy(source, lock);
    }
}

fn cargo_build(out: &Path, args: &BuildArgs, in_tree: bool) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(out.join("Cargo.toml"))
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if args.release {
        command.arg("--release");
    }
    if args.offline || in_tree {
        command.arg("--offline");
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            return ExitCode::from(2);
        }
    };
    if !output.status.success() {
        eprintln!(
            "error: cargo could not build the generated crate in {}",
            out.display()
        );
        return ExitCode::from(1);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let artifact = stdout
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| {
            if args.lib {
                m["filenames"]
                    .as_array()?
                    .first()?
                    .as_str()
                    .map(str::to_owned)
            } else {
                m["executable"].as_str().map(str::to_owned)
            }
        })
        .next();
    match artifact {
        Some(path) => {
            println!("{path}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: cargo built nothing in {}", out.display());
            ExitCode::from(1)
        }
    }
}
