//! `pipec run FILE`: check the pipeline (refusing on errors, shown as `pipec check` shows
//! them), check the inputs against its declared types, execute it with a checkpoint after
//! every step, and print the outputs. `--resume RUN_ID` continues a stopped run. Ctrl-C
//! cancels cleanly and leaves the run resumable.
//!
//! Exit status: 0 when the run succeeds, 1 when the pipeline has errors or the run fails,
//! 2 for a usage or I/O problem, 130 when cancelled.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use pipec_diagnostics::Severity;
use pipec_diagnostics::render::{ColorChoice, render_human, render_json};
use pipec_runtime::events::RunSummary;
use pipec_runtime::executor::{Executor, RunFailure, RunIdentity, RunOutcome, new_run_id};

use crate::running::load::{Loaded, check_file};
use crate::running::setup::{self, Options};
use crate::running::{inputs, report};

/// The arguments of `pipec run`.
#[derive(Debug, Clone)]
pub struct RunArgs {
    /// The pipeline file.
    pub file: PathBuf,
    /// `--input name=value`, repeated.
    pub input: Vec<String>,
    /// `--inputs JSON`.
    pub inputs: Option<String>,
    /// `--format json`.
    pub json: bool,
    /// `--resume RUN_ID`.
    pub resume: Option<String>,
    /// `--run-id ID`: the id of a new run.
    pub run_id: Option<String>,
    /// Runtime options.
    pub options: Options,
}

/// Run the command.
pub fn run(args: &RunArgs) -> ExitCode {
    let loaded = match checked(&args.file, args.json, "running") {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Some(program) = loaded.program() else {
        eprintln!("error: `{}` holds no pipeline", args.file.display());
        return ExitCode::from(1);
    };
    let given = match inputs::gather(program.root(), args.inputs.as_deref(), &args.input) {
        Ok(given) => given,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let preflight = pipec_runtime::executor::preflight(&program).map_err(|e| vec![e]);
    let prepared = preflight.and_then(|()| match &args.resume {
        Some(_) => Ok(()),
        None => pipec_runtime::inputs::prepare(program.root(), given.clone()).map(drop),
    });
    if let Err(errors) = prepared {
        let failure = RunFailure {
            run_id: None,
            errors,
            summary: RunSummary::default(),
        };
        report::failure(&loaded.checked.sources, &failure, args.json, None);
        return ExitCode::from(1);
    }
    report::warnings(
        &loaded.checked.sources,
        &pipec_runtime::executor::preflight_warnings(&program),
    );
    let (config, _store) = match setup::config(&args.options) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let executor = Executor::new(&program, config);
    let hash = loaded.source_hash();
    let run_id = args
        .resume
        .clone()
        .or_else(|| args.run_id.clone())
        .unwrap_or_else(new_run_id);
    let hint = resume_hint(&loaded.file, &run_id, &args.options);
    if !args.json {
        eprintln!("run {run_id}: {}", loaded.file);
    }
    let future = async {
        match &args.resume {
            Some(resume) => executor.resume(resume, &hash).await,
            None => {
                let identity = RunIdentity {
                    run_id: run_id.clone(),
                    pipeline_hash: hash.clone(),
                    file: loaded.file.clone(),
                };
                executor.run(identity, given).await
            }
        }
    };
    finish(&executor, &loaded, &run_id, future, args.json, &hint)
}

/// Checks `file`; on errors prints them as `pipec check` does (saying it is not `doing`
/// it) and returns the exit status.
pub fn checked(file: &std::path::Path, json: bool, doing: &str) -> Result<Loaded, ExitCode> {
    let loaded = match check_file(file) {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(ExitCode::from(2));
        }
    };
    let result = &loaded.checked;
    if result.error_count() > 0 {
        if json {
            let text = render_json(&result.sources, result.files, &result.diagnostics);
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        } else {
            let mut text = render_human(&result.sources, &result.diagnostics, color());
            text.push_str(&format!(
                "`{}` has {} error(s); not {doing} it\n",
                loaded.file,
                result.error_count()
            ));
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
        return Err(ExitCode::from(1));
    }
    let warnings: Vec<_> = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .cloned()
        .collect();
    if !json && !warnings.is_empty() {
        let text = render_human(&result.sources, &warnings, color());
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
    Ok(loaded)
}

fn color() -> ColorChoice {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}

/// The command that resumes `run_id`.
pub fn resume_hint(file: &str, run_id: &str, options: &Options) -> String {
    let mut hint = format!("pipec run {file} --resume {run_id}");
    if let Some(db) = options
        .db
        .as_ref()
        .filter(|db| db.as_os_str() != setup::DEFAULT_DB)
    {
        hint.push_str(&format!(" --db {}", db.display()));
    }
    hint
}

/// Drives a run to its end (or Ctrl-C) on a tokio runtime and prints what happened.
pub fn finish(
    executor: &Executor<'_>,
    loaded: &Loaded,
    run_id: &str,
    future: impl Future<Output = Result<RunOutcome, RunFailure>>,
    json: bool,
    hint: &str,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        tokio::select! {
            result = future => Some(result),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    match result {
        Some(Ok(outcome)) => {
            report::outcome(&outcome, json);
            ExitCode::SUCCESS
        }
        Some(Err(failure)) => {
            let hint = failure.run_id.is_some().then_some(hint);
            report::failure(&loaded.checked.sources, &failure, json, hint);
            ExitCode::from(1)
        }
        None => {
            executor.record_cancelled(run_id, RunSummary::default());
            let failure = RunFailure {
                run_id: Some(run_id.to_owned()),
                errors: vec![pipec_runtime::executor::RunError::new(
                    pipec_diagnostics::Code::P0717,
                    "the run was cancelled (Ctrl-C)",
                )],
                summary: RunSummary::default(),
            };
            report::failure(&loaded.checked.sources, &failure, json, Some(hint));
            ExitCode::from(130)
        }
    }
}
