//! `pipec`, the command-line front door. This is the only crate that touches the file
//! system, the environment and the terminal; everything it calls is pure.

mod commands;
mod disk;
mod running;

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
    about = "A compiler for declarative LLM pipelines: check, run, replay, build, prompt, explain, schema.",
    after_help = "Examples:\n  pipec check examples/code_review.pipec.yaml\n  pipec check pipelines/ --format json\n  pipec run examples/router.pipec.yaml --input ticket=\"The app crashes on login\"\n  pipec prompt examples/rag_qa.pipec.yaml --step answer --inputs '{\"question\": \"Why?\", \"context\": \"...\"}'\n  pipec explain P0202\n  pipec schema > pipec.schema.json"
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
    /// Run a pipeline: check it, check the inputs, execute it with a checkpoint after
    /// every step, print the outputs.
    #[command(
        after_help = "Providers read their keys and base URLs from the environment (OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, GEMINI_API_KEY, OLLAMA_BASE_URL, ...; see the README).\n\nExit status: 0 when the run succeeds, 1 when the pipeline has errors or the run fails, 2 for a usage or I/O problem, 130 when cancelled with Ctrl-C.\n\nExamples:\n  pipec run examples/code_review.pipec.yaml --input code=\"fn main() {}\"\n  pipec run examples/rag_qa.pipec.yaml --inputs '{\"question\": \"...\", \"passages\": [\"...\"]}' --format json\n  pipec run examples/router.pipec.yaml --resume r1a2b3c4d5e6f7"
    )]
    Run {
        /// The pipeline file.
        file: std::path::PathBuf,
        /// An input as name=value (text for `str` inputs, JSON otherwise); repeatable.
        #[arg(long = "input", value_name = "NAME=VALUE")]
        input: Vec<String>,
        /// All inputs as one JSON object (`--input` values override its keys).
        #[arg(long, value_name = "JSON")]
        inputs: Option<String>,
        /// Continue a stopped run from its checkpoint instead of starting a new one.
        #[arg(long, value_name = "RUN_ID", conflicts_with_all = ["input", "inputs", "run_id"])]
        resume: Option<String>,
        /// The id of the new run (default: generated).
        #[arg(long, value_name = "ID")]
        run_id: Option<String>,
        #[command(flatten)]
        runtime: RuntimeArgs,
    },
    /// Re-run a finished or stopped run from one of its steps, with the earlier steps'
    /// results restored (a new run).
    Replay {
        /// The run to replay.
        run_id: String,
        /// The step to re-run from: its key (`each[2]/summarize`) or id.
        #[arg(long, value_name = "STEP")]
        from: String,
        /// The pipeline file (default: the file the run was made from).
        #[arg(long, value_name = "FILE")]
        file: Option<std::path::PathBuf>,
        #[command(flatten)]
        runtime: RuntimeArgs,
    },
    /// Compile a pipeline to a Cargo crate and a native binary (CLI, --batch, serve).
    #[command(
        after_help = "Exit status: 0 built, 1 the pipeline has errors or cargo failed, 2 for a usage or I/O problem.\n\nExamples:\n  pipec build examples/code_review.pipec.yaml --release\n  pipec build examples/rag_qa.pipec.yaml -o rag --no-compile\n  pipec build examples/router.pipec.yaml --lib"
    )]
    Build(commands::build::BuildArgs),
    /// Print the JSON Schema of the native pipeline format.
    Schema,
    /// Print the exact messages a predict-like step sends (DSPy 3.4.1's ChatAdapter), as
    /// JSON `[{"role", "content"}]`.
    #[command(
        after_help = "The file is checked first and refused if it has errors. Errors specific to this command: P0202 (no such step), P0718 (not a predict step), P0719 (inputs that do not fit the signature), P0720 (a signature the adapters cannot format).\n\nExit status: 0 printed, 1 refused, 2 for a usage or I/O problem.\n\nExample:\n  pipec prompt examples/code_review.pipec.yaml --step analyze --inputs '{\"code\": \"fn main() {}\", \"language\": \"rust\"}'"
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

/// Options of `run` and `replay`.
#[derive(Debug, clap::Args)]
struct RuntimeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write one JSON line per event (run and step started/finished, model calls, retries)
    /// to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE|-")]
    events: Option<String>,
    /// The checkpoint file (SQLite).
    #[arg(long, value_name = "PATH", default_value = ".pipec/runs.sqlite")]
    db: std::path::PathBuf,
    /// Answer repeated identical model requests from the response cache (in the checkpoint
    /// file).
    #[arg(long)]
    cache: bool,
    /// Serve the `replay` provider from this recording (JSON Lines of request/response).
    #[arg(long, value_name = "FILE")]
    replay: Option<std::path::PathBuf>,
}

impl RuntimeArgs {
    fn options(&self) -> running::setup::Options {
        use std::io::IsTerminal;
        running::setup::Options {
            db: Some(self.db.clone()),
            events: self.events.clone(),
            cache: self.cache,
            replay: self.replay.clone(),
            progress: self.format == Format::Human && std::io::stderr().is_terminal(),
        }
    }
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
        Command::Run {
            file,
            input,
            inputs,
            resume,
            run_id,
            runtime,
        } => commands::run::run(&commands::run::RunArgs {
            file,
            input,
            inputs,
            json: runtime.format == Format::Json,
            resume,
            run_id,
            options: runtime.options(),
        }),
        Command::Replay {
            run_id,
            from,
            file,
            runtime,
        } => commands::replay::run(&commands::replay::ReplayArgs {
            run_id,
            from,
            file,
            json: runtime.format == Format::Json,
            options: runtime.options(),
        }),
        Command::Build(args) => commands::build::run(&args),
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
