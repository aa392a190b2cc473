//! `pipec fmt FILE|DIR...`: rewrite `.pipe` files in the canonical layout
//! (`pipec_syntax::dsl::print`), or with `--check` only list the files that would change.
//! A file with syntax errors is never rewritten: its diagnostics are printed as `pipec
//! check` prints them. Exit status: 0 done (or, with `--check`, nothing to change), 1 a
//! file would change (`--check`) or has syntax errors, 2 a usage or I/O problem.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use pipec_check::{InputFile, check};
use pipec_diagnostics::FileId;
use pipec_syntax::dsl::print::format_pipe;

use super::check::human_report;
use crate::disk::{DiskLoader, collect_files};

/// Run the command.
pub fn run(paths: &[PathBuf], check_only: bool) -> ExitCode {
    let files = match collect_files(paths, &["pipe"]) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if files.is_empty() {
        eprintln!("error: no .pipe files found in the given paths");
        return ExitCode::from(2);
    }
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    for file in files {
        let formatted = std::str::from_utf8(&file.bytes)
            .ok()
            .and_then(|text| format_pipe(FileId(0), text).ok());
        let Some(formatted) = formatted else {
            // Not UTF-8, or syntax errors: report it as `pipec check` would.
            let result = check(vec![file], &mut DiskLoader);
            let report = human_report(&result, std::io::stdout().is_terminal());
            if stdout.write_all(report.as_bytes()).is_err() {
                return ExitCode::from(2);
            }
            failed = true;
            continue;
        };
        if formatted.as_bytes() == file.bytes {
            continue;
        }
        if check_only {
            if writeln!(stdout, "{}", file.name).is_err() {
                return ExitCode::from(2);
            }
            failed = true;
        } else if let Err(e) = write(&file, &formatted) {
            eprintln!("error: cannot write `{}`: {e}", file.name);
            return ExitCode::from(2);
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write(file: &InputFile, text: &str) -> std::io::Result<()> {
    std::fs::write(&file.name, text)
}
