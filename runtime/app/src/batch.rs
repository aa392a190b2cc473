//! `--batch in.jsonl [--out out.jsonl]`: one run per input line, at most `concurrency` at
//! once, results written in input order (one JSON line each: the line number and the
//! document `--json` prints), a progress bar on a terminal, a total on stderr. A line that
//! is not an inputs object fails alone (P0851); exit status 1 when any line failed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use futures_util::StreamExt;
use futures_util::stream;
use serde_json::{Map, Value};

use crate::report;
use crate::runner::{Pipeline, Runner};

/// Runs every line of `path`.
pub async fn batch<P: Pipeline>(
    runner: &Runner,
    path: &Path,
    out: Option<&Path>,
    concurrency: usize,
) -> ExitCode {
    let text = match tokio::fs::read_to_string(path).await {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut sink: Box<dyn Write> = match out {
        None => Box::new(std::io::stdout()),
        Some(out) => match std::fs::File::create(out) {
            Ok(file) => Box::new(std::io::BufWriter::new(file)),
            Err(e) => {
                eprintln!("error: cannot create `{}`: {e}", out.display());
                return ExitCode::from(2);
            }
        },
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, line))
        .collect();
    let total = lines.len();
    let mut bar = Bar::new(total);
    let mut results = stream::iter(lines)
        .map(|(number, line)| async move { (number, runner.run_text::<P>(line.as_bytes()).await) })
        .buffered(concurrency);
    let mut failed = 0;
    while let Some((number, result)) = results.next().await {
        let document = match result {
            Ok(document) => document,
            Err(failure) => {
                failed += 1;
                report::failed(&runner.loaded().sources, &failure)
            }
        };
        let mut line = Map::new();
        line.insert("line".into(), Value::from(number));
        if let Value::Object(fields) = document {
            line.extend(fields);
        }
        if writeln!(sink, "{}", Value::Object(line)).is_err() {
            eprintln!("error: cannot write the results");
            return ExitCode::from(2);
        }
        bar.advance(failed);
    }
    let _ = sink.flush();
    bar.finish();
    eprintln!(
        "batch: {total} runs, {} succeeded, {failed} failed",
        total - failed
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A one-line progress bar on stderr, drawn only on a terminal.
struct Bar {
    total: usize,
    done: usize,
    draw: bool,
}

impl Bar {
    fn new(total: usize) -> Bar {
        Bar {
            total,
            done: 0,
            draw: crate::cli::interactive(),
        }
    }

    fn advance(&mut self, failed: usize) {
        self.done += 1;
        if !self.draw {
            return;
        }
        const WIDTH: usize = 30;
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
        let bar = format!("{}{}", "#".repeat(filled), " ".repeat(WIDTH - filled));
        eprint!("\r[{bar}] {}/{} ({failed} failed)", self.done, self.total);
    }

    fn finish(&self) {
        if self.draw {
            eprintln!();
        }
    }
}
