//! `pipec replay RUN_ID --from STEP`: a new run of the same pipeline with the same inputs,
//! in which the steps that finished before STEP did in run RUN_ID are restored and STEP
//! and everything after it run again (time travel). The pipeline is the file the run was
//! made from, or `--file`; it may have changed since (that is the point: fix a prompt,
//! replay from its step).

use std::path::PathBuf;
use std::process::ExitCode;

use pipec_runtime::executor::{Executor, RunIdentity, new_run_id};

use super::run::{checked, finish, resume_hint};
use crate::running::setup::{self, Options};

/// The arguments of `pipec replay`.
#[derive(Debug, Clone)]
pub struct ReplayArgs {
    /// The run to replay.
    pub run_id: String,
    /// The step to replay from (a key such as `each[2]/summarize`, or an id).
    pub from: String,
    /// The pipeline file, if not the one the run was made from.
    pub file: Option<PathBuf>,
    /// `--format json`.
    pub json: bool,
    /// Runtime options.
    pub options: Options,
}

/// Run the command.
pub fn run(args: &ReplayArgs) -> ExitCode {
    let (config, store) = match setup::config(&args.options) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let file = match &args.file {
        Some(file) => file.clone(),
        None => match store.load(&args.run_id) {
            Ok(Some((run, _))) => PathBuf::from(run.file),
            Ok(None) => {
                eprintln!(
                    "error[P0713]: no run `{}` in the checkpoint store",
                    args.run_id
                );
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("error[P0715]: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let loaded = match checked(&file, args.json, "running") {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Some(program) = loaded.program() else {
        eprintln!("error: `{}` holds no pipeline", file.display());
        return ExitCode::from(1);
    };
    let executor = Executor::new(&program, config);
    let run_id = new_run_id();
    if !args.json {
        eprintln!(
            "run {run_id}: replaying {} from `{}`",
            args.run_id, args.from
        );
    }
    let identity = RunIdentity {
        run_id: run_id.clone(),
        pipeline_hash: loaded.source_hash(),
        file: loaded.file.clone(),
    };
    let hint = resume_hint(&loaded.file, &run_id, &args.options);
    let future = executor.replay(&args.run_id, &args.from, identity);
    finish(&executor, &loaded, &run_id, future, args.json, &hint)
}
