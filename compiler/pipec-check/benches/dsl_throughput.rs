//! `pipec check` on the same generated pipeline written in the DSL (`.pipe`) and in native
//! YAML: a chain of 10,000 `llm` steps, each reading the previous one (the chain of
//! `check_throughput`). Both files must check with zero errors and lower to pipelines with
//! the same steps; then each full check is timed (median of several runs after a warm-up)
//! and the bench prints milliseconds and MB/s for both.
//!
//! Run with `cargo bench -p pipec-check --bench dsl_throughput` (see `benches/README.md`).
//! A plain `main` (`harness = false`). It exits non-zero when a file does not check
//! cleanly, or when the DSL check is slower than the YAML check: the goal is that the DSL
//! path is at least as fast as YAML.
//!
//! It also times the front-ends alone (text to document), and the DSL's syntax tree built by
//! pest alone, without the fast paths of `pipec_syntax::dsl` for common statements.
//!
//! Environment: `PIPEC_BENCH_STEPS` sets the step count (default 10000),
//! `PIPEC_BENCH_REPS` the number of timed runs (default 9), and `PIPEC_BENCH_ONLY_DSL=1`
//! runs only the DSL check, repeatedly, with no tables (for profilers).

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::FileId;
use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_syntax::dsl::parse_ast_by_pest;
use pipec_syntax::{SourceFormat, parse};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn env_number(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{name} must be a whole number, not `{text}`")),
        Err(_) => Ok(default),
    }
}

#[path = "common/chain.rs"]
mod chain;

/// The same chain in the DSL.
fn pipe(steps: usize) -> String {
    let mut out = String::with_capacity(300 + steps * 80);
    out.push_str(
        "/// A generated chain of llm steps, each refining the previous one.\n\
         pipeline chain\n\n\
         input topic: str\n\n\
         model m = \"openai/gpt-4o-mini\" {\n    max_tokens 256\n    max_input_tokens 1000\n    \
         price { input_per_mtok 0.15; output_per_mtok 0.6 }\n}\n\n\
         limits { max_llm_calls 1000000 }\n\n",
    );
    for i in 0..steps {
        if i == 0 {
            out.push_str("step s0 = llm \"Start on {{ inputs.topic }}\" { model m }\n");
            continue;
        }
        let prev = i - 1;
        let _ = write!(
            out,
            "step s{i} = llm \"Refine: {{{{ steps.s{prev} }}}} for {{{{ inputs.topic }}}}\" {{"
        );
        if i % 4 == 0 {
            let _ = write!(out, "\n    model m\n    when steps.s{prev} != ''\n}}\n");
        } else {
            out.push_str(" model m }\n");
        }
    }
    let _ = writeln!(out, "\noutput result = steps.s{}", steps.saturating_sub(1));
    out
}

fn input(name: &str, text: &str) -> InputFile {
    InputFile {
        name: name.to_owned(),
        bytes: text.as_bytes().to_vec(),
    }
}

/// Check once and insist on a clean result; the number of steps lowered.
fn check_clean(name: &str, text: &str) -> Result<usize, String> {
    let result = check(vec![input(name, text)], &mut MemoryLoader::new());
    if !result.diagnostics.is_empty() {
        let rendered = render_human(&result.sources, &result.diagnostics, ColorChoice::Never);
        let head: String = rendered.lines().take(40).collect::<Vec<_>>().join("\n");
        return Err(format!("{name} does not check clean:\n{head}"));
    }
    let steps = result
        .pipelines
        .first()
        .and_then(|(_, p)| p.as_ref())
        .map_or(0, |p| p.steps.len());
    Ok(steps)
}

/// Median of `reps` timings (seconds) returned by `run`, after one untimed run.
fn median(reps: usize, mut run: impl FnMut() -> f64) -> f64 {
    run();
    let mut times: Vec<f64> = (0..reps).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Median seconds of `reps` full checks; dropping the result is not timed.
fn median_check(name: &str, text: &str, reps: usize) -> f64 {
    median(reps, || {
        let file = input(name, text);
        let start = Instant::now();
        let result = check(vec![file], &mut MemoryLoader::new());
        let elapsed = start.elapsed().as_secs_f64();
        drop(black_box(result));
        elapsed
    })
}

fn run() -> Result<bool, String> {
    let steps = env_number("PIPEC_BENCH_STEPS", 10_000)?;
    let reps = env_number("PIPEC_BENCH_REPS", 9)?.max(1);
    let (yaml_text, pipe_text) = (chain::yaml_chain(steps), pipe(steps));
    let yaml_name = format!("chain_{steps}.pipec.yaml");
    let pipe_name = format!("chain_{steps}.pipe");
    let yaml_steps = check_clean(&yaml_name, &yaml_text)?;
    let pipe_steps = check_clean(&pipe_name, &pipe_text)?;
    if yaml_steps != steps || pipe_steps != steps {
        return Err(format!(
            "expected {steps} steps, lowered {yaml_steps} from YAML and {pipe_steps} from the DSL"
        ));
    }
    if std::env::var("PIPEC_BENCH_ONLY_DSL").is_ok() {
        for _ in 0..reps {
            drop(black_box(check(
                vec![input(&pipe_name, &pipe_text)],
                &mut MemoryLoader::new(),
            )));
        }
        return Ok(true);
    }
    let yaml_s = median_check(&yaml_name, &yaml_text, reps);
    let pipe_s = median_check(&pipe_name, &pipe_text, reps);

    println!("pipec check on a {steps}-step chain, median of {reps} runs:\n");
    println!("| source | file MB | check ms | MB/s | steps/s |");
    println!("|---|---:|---:|---:|---:|");
    for (label, text, seconds) in [
        ("DSL (.pipe)", &pipe_text, pipe_s),
        ("YAML", &yaml_text, yaml_s),
    ] {
        #[allow(clippy::cast_precision_loss, reason = "sizes are far below 2^52")]
        let (mb, per_step) = (text.len() as f64 / 1e6, steps as f64);
        println!(
            "| {label} | {mb:.2} | {:.2} | {:.1} | {:.0} |",
            seconds * 1e3,
            mb / seconds,
            per_step / seconds
        );
    }
    let front_end = |format| {
        median(reps, || {
            let text = if format == SourceFormat::Pipe {
                &pipe_text
            } else {
                &yaml_text
            };
            let start = Instant::now();
            let parsed = parse(FileId(0), text, format);
            let elapsed = start.elapsed().as_secs_f64();
            drop(black_box(parsed));
            elapsed
        })
    };
    let (pipe_front, yaml_front) = (front_end(SourceFormat::Pipe), front_end(SourceFormat::Yaml));
    let pest_only = median(reps, || {
        let start = Instant::now();
        let tree = parse_ast_by_pest(FileId(0), &pipe_text);
        let elapsed = start.elapsed().as_secs_f64();
        drop(black_box(tree));
        elapsed
    });
    println!(
        "\nfront-end alone (text to document): DSL {:.2} ms, YAML {:.2} ms; \
         the DSL's syntax tree with pest alone (no fast paths): {:.2} ms",
        pipe_front * 1e3,
        yaml_front * 1e3,
        pest_only * 1e3
    );
    let ratio = pipe_s / yaml_s;
    println!("\nDSL time / YAML time: {ratio:.2} (goal: at most 1.00)");
    if ratio > 1.0 {
        eprintln!("goal missed: the DSL check is slower than the YAML check");
        return Ok(false);
    }
    Ok(true)
}
