//! The command line of a generated binary. The generated `main` parses its own clap struct
//! (one `--NAME` flag per pipeline input, plus the flattened [`RunArgs`] and [`RuntimeArgs`],
//! and the `serve` subcommand) and hands over to [`main`], which runs once, a `--batch`
//! dataset, or the HTTP server.
//!
//! Exit status, as `pipec run`: 0 succeeded, 1 the run (or a batch line) failed, 2 a usage
//! or start-up problem (P0850 included), 130 cancelled.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use pipec_runtime::executor::{RunFailure, RunOutcome, new_run_id};
use pipec_runtime::inputs::parse_cli_value;
use serde_json::{Map, Value};

use crate::runner::{Pipeline, Runner, from_outputs, to_object, typed_inputs};
use crate::setup::{self, Options};
use crate::{batch, report, serve};

/// How to run once or over a dataset.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The inputs as one JSON object (flags given too override its keys).
    #[arg(long, value_name = "JSON")]
    pub inputs: Option<String>,
    /// Run every line of a JSON Lines file (one inputs object per line).
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
    /// With `--batch`: write the results, one JSON line per input line, to FILE (default stdout).
    #[arg(long, value_name = "FILE", requires = "batch")]
    pub out: Option<PathBuf>,
    /// Continue a stopped run from its checkpoint.
    #[arg(long, value_name = "RUN_ID", conflicts_with = "batch")]
    pub resume: Option<String>,
    /// Print one JSON document (as `pipec run --format json`) instead of `name: value` lines.
    #[arg(long)]
    pub json: bool,
}

/// How the runtime is set up (as `pipec run`'s options).
#[derive(Debug, Clone, clap::Args)]
pub struct RuntimeArgs {
    /// Write one JSON line per event to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE|-", global = true)]
    pub events: Option<String>,
    /// The checkpoint file (SQLite).
    #[arg(long, value_name = "PATH", default_value = setup::DEFAULT_DB, global = true)]
    pub db: PathBuf,
    /// Answer repeated identical model requests from the response cache.
    #[arg(long, global = true)]
    pub cache: bool,
    /// Serve the `replay` provider from this recording (JSON Lines of request/response).
    #[arg(long, value_name = "FILE", global = true)]
    pub replay: Option<PathBuf>,
    /// Most runs at once with `--batch` or `serve`.
    #[arg(long, default_value_t = 4, value_name = "N", global = true)]
    pub concurrency: usize,
}

/// `serve`: an HTTP API of the pipeline.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on (`127.0.0.1:0` picks a free port; the bound address is
    /// printed on stdout).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

/// Runs the generated binary's command: `flags` are the per-input flags as given.
#[must_use]
pub fn main<P: Pipeline>(
    flags: Vec<(&'static str, Option<String>)>,
    run: &RunArgs,
    runtime: &RuntimeArgs,
    serve_args: Option<&ServeArgs>,
) -> ExitCode {
    let options = Options {
        db: Some(runtime.db.clone()),
        events: runtime.events.clone(),
        cache: runtime.cache,
        replay: runtime.replay.clone(),
        progress: false,
    };
    let config = match setup::config(&options) {
        Ok((config, _store)) => config,
        Err(message) => return usage(&message),
    };
    let runner = match Runner::new::<P>(config) {
        Ok(runner) => runner,
        Err(message) => return usage(&message),
    };
    let Ok(tokio) = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    else {
        return usage("cannot start the async runtime");
    };
    let concurrency = runtime.concurrency.max(1);
    if let Some(args) = serve_args {
        return tokio.block_on(serve::serve::<P>(runner, &args.addr, concurrency));
    }
    if let Some(path) = &run.batch {
        return tokio.block_on(batch::batch::<P>(
            &runner,
            path,
            run.out.as_deref(),
            concurrency,
        ));
    }
    let inputs = match gather(&runner, run.inputs.as_deref(), flags) {
        Ok(inputs) => inputs,
        Err(message) => return usage(&message),
    };
    let run_id = run.resume.clone().unwrap_or_else(new_run_id);
    let future = async {
        let outcome = match &run.resume {
            Some(resume) => runner.resume(resume).await?,
            None => {
                let typed: P::Inputs = typed_inputs(inputs)?;
                runner.run_json(run_id.clone(), to_object(&typed)?).await?
            }
        };
        let outputs = from_outputs::<P>(&outcome)?;
        Ok::<_, RunFailure>((outcome, outputs))
    };
    let result = tokio.block_on(async {
        tokio::select! {
            result = future => Some(result),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    match result {
        Some(Ok((outcome, outputs))) => {
            print_outcome(
                &outcome,
                &serde_json::to_value(&outputs).unwrap_or(Value::Null),
                run.json,
            );
            ExitCode::SUCCESS
        }
        Some(Err(failure)) => {
            print_failure(&runner, &failure, run.json);
            ExitCode::from(1)
        }
        None => {
            runner.record_cancelled(&run_id);
            eprintln!("run {run_id} cancelled; resume it with `--resume {run_id}`");
            ExitCode::from(130)
        }
    }
}

/// `--inputs` first, then each given flag over it; a flag's text is read by its input's
/// declared type (text for strings and enums, JSON otherwise), as `pipec run --input`.
fn gather(
    runner: &Runner,
    json: Option<&str>,
    flags: Vec<(&'static str, Option<String>)>,
) -> Result<Map<String, Value>, String> {
    let mut inputs = match json {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err("`--inputs` must be a JSON object".to_owned()),
            Err(e) => return Err(format!("`--inputs` is not valid JSON: {e}")),
        },
    };
    let root = runner.loaded().program.root();
    for (name, text) in flags {
        let Some(text) = text else { continue };
        let value = match root.inputs.iter().find(|p| p.name.text == name) {
            Some(param) => parse_cli_value(&param.ty.ty, &root.types, &text),
            None => Value::String(text),
        };
        inputs.insert(name.to_owned(), value);
    }
    Ok(inputs)
}

fn print_outcome(outcome: &RunOutcome, outputs: &Value, json: bool) {
    let mut stdout = std::io::stdout().lock();
    if json {
        let document = report::succeeded(&outcome.run_id, outputs.clone(), &outcome.summary);
        let _ = writeln!(stdout, "{document}");
        return;
    }
    if let Value::Object(outputs) = outputs {
        for (name, value) in outputs {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let _ = writeln!(stdout, "{name}: {text}");
        }
    }
    eprintln!("run {} succeeded: {}", outcome.run_id, outcome.summary);
}

fn print_failure(runner: &Runner, failure: &RunFailure, json: bool) {
    let document = report::failed(&runner.loaded().sources, failure);
    if json {
        let _ = writeln!(std::io::stdout().lock(), "{document}");
        return;
    }
    let mut stderr = std::io::stderr().lock();
    for error in &failure.errors {
        let step = error
            .step
            .as_deref()
            .map(|s| format!("step `{s}`: "))
            .unwrap_or_default();
        let _ = writeln!(stderr, "error[{}]: {step}{}", error.code, error.message);
        if let Some(help) = &error.help {
            let _ = writeln!(stderr, "  = help: {help}");
        }
    }
    if let Some(run_id) = &failure.run_id {
        let _ = writeln!(
            stderr,
            "run {run_id} stopped; resume it with `--resume {run_id}`"
        );
    }
}

fn usage(message: &str) -> ExitCode {
    // Messages that are already rendered diagnostics (P0850, the checker's) print as they are.
    let prefix = if message.starts_with("error") {
        ""
    } else {
        "error: "
    };
    let _ = writeln!(std::io::stderr().lock(), "{prefix}{message}");
    ExitCode::from(2)
}

/// Whether to draw the batch progress bar (stderr is a terminal).
#[must_use]
pub fn interactive() -> bool {
    std::io::stderr().is_terminal()
}
