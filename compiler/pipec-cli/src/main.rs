//! `pipec`, the command-line front door. This is the only crate that touches the file
//! system, the environment and the terminal; everything it calls is pure.

mod commands;
mod disk;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// The checker allocates many small nodes; mimalloc serves them markedly faster than glibc
/// malloc (see benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A compiler for declarative LLM pipelines.
#[derive(Debug, Parser)]
#[command(
    name = "pipec",
    version,
    about = "A compiler for declarative LLM pipelines: check, explain, schema.",
    after_help = "Examples:\n  pipec check examples/code_review.pipec.yaml\n  pipec check pipelines/ --format json\n  pipec explain P0202\n  pipec schema > pipec.schema.json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check pipeline files (YAML or JSON; directories are searched recursively).
    #[command(
        after_help = "Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors, 2 for a usage or I/O problem.\n\nExamples:\n  pipec check examples/\n  pipec check a.yaml b.json --format json"
    )]
    Check {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Explain a diagnostic code, e.g. `pipec explain P0202`.
    Explain {
        /// The code (`P0202`) or its name (`unknown-step`).
        code: String,
    },
    /// Print the JSON Schema of the native pipeline format.
    Schema,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-style text.
    Human,
    /// One JSON document (see README, "JSON output").
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { paths, format } => commands::check::run(&paths, format == Format::Json),
        Command::Explain { code } => commands::explain::run(&code),
        Command::Schema => commands::schema::run(),
    }
}
