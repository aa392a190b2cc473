//! `pipec check`: gather files, run the checker, print diagnostics, set the exit status
//! (0 clean or warnings only, 1 errors, 2 usage or I/O problem).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use pipec_check::check;
use pipec_diagnostics::render::{ColorChoice, render_human, render_json};

use crate::disk::{DiskLoader, collect_inputs};

/// Run the command.
pub fn run(paths: &[PathBuf], json: bool) -> ExitCode {
    let inputs = match collect_inputs(paths) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if inputs.is_empty() {
        eprintln!("error: no pipeline files (.yaml, .yml, .json) found in the given paths");
        return ExitCode::from(2);
    }
    let result = check(inputs, &mut DiskLoader);
    let mut stdout = std::io::stdout().lock();
    let written = if json {
        stdout.write_all(render_json(&result.sources, result.files, &result.diagnostics).as_bytes())
    } else {
        stdout.write_all(human_report(&result, std::io::stdout().is_terminal()).as_bytes())
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    if result.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The human rendering of a check with its summary line, coloured on a terminal unless
/// `NO_COLOR` is set (also what `fmt` and `convert` print for a file they refuse).
pub fn human_report(result: &pipec_check::CheckResult, terminal: bool) -> String {
    let color = if terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let errors = result.error_count();
    let warnings = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == pipec_diagnostics::Severity::Warning)
        .count();
    let mut text = render_human(&result.sources, &result.diagnostics, color);
    text.push_str(&summary(result.files, errors, warnings));
    text
}

fn summary(files: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "checked {}: {}, {}\n",
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
