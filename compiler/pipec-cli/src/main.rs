//! `pipec`, the command-line front door. This is the only crate that touches the file
//! system, the environment and the terminal; everything it calls is pure.

mod commands;
mod disk;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// A compiler for declarative LLM pipelines.
#[derive(Debug, Parser)]
#[command(
    name = "pipec",
    version,
    about = "A compiler for declarative LLM pipelines: check, explain, schema, prompt.",
    after_help = "Examples:\n  pipec check examples/code_review.pipec.yaml\n  pipec check pipelines/ --format json\n  pipec explain P0202\n  pipec schema > pipec.schema.json\n  pipec prompt examples/rag_qa.pipec.yaml --step answer --inputs '{\"question\": \"Why?\", \"context\": \"...\"}'"
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
    /// Print the exact messages a predict-like step sends (DSPy 3.4.1's ChatAdapter), as
    /// JSON `[{"role", "content"}]`.
    #[command(
        after_help = "The file is checked first and refused if it has errors. Errors specific to this command carry a code: unknown-step, not-a-predict-step, invalid-inputs, cannot-format.\n\nExit status: 0 printed, 1 refused, 2 for a usage or I/O problem.\n\nExample:\n  pipec prompt examples/code_review.pipec.yaml --step analyze --inputs '{\"code\": \"fn main() {}\", \"language\": \"rust\"}'"
    )]
    Prompt {
        /// The pipeline file.
        file: std::path::PathBuf,
        /// The id of a `predict` or `chain_of_thought` step.
        #[arg(long)]
        step: String,
        /// The step's input values as a JSON object.
        #[arg(long, default_value = "{}")]
        inputs: String,
        /// Which DSPy adapter's messages: `chat` (DSPy's default) or `json` (its fallback).
        #[arg(long, value_enum, default_value_t = AdapterChoice::Chat)]
        adapter: AdapterChoice,
    },
}

/// The adapters `prompt` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AdapterChoice {
    /// `dspy.ChatAdapter`.
    Chat,
    /// `dspy.JSONAdapter`.
    Json,
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
        Command::Prompt {
            file,
            step,
            inputs,
            adapter,
        } => {
            let adapter = match adapter {
                AdapterChoice::Chat => pipec_adapter::Adapter::Chat,
                AdapterChoice::Json => pipec_adapter::Adapter::Json,
            };
            commands::prompt::run(&file, &step, &inputs, adapter)
        }
    }
}
