//! `pipec check` throughput on generated chains of 1k, 10k and 100k steps, beside three
//! references on the same files: saphyr (the YAML library pipec builds on) loading the file
//! into its spanned tree (`MarkedYaml::load_from_str`), saphyr-parser pulling its events with
//! nothing built (a stricter floor, shown for information), and PyYAML's C loader
//! (`yaml.load(f, Loader=yaml.CSafeLoader)`, through `scripts/bench_pyyaml.py`).
//!
//! Run with `cargo bench -p pipec-check --bench check_throughput` (see `benches/README.md`
//! at the repository root). A plain `main` (`harness = false`): each measurement is
//! repeated and the median reported. The bench fails (exit 1) when a generated file does
//! not check cleanly, or when a goal is missed:
//! - the whole check takes at most 1.5× saphyr's load time at 100k steps;
//! - the whole check is at least 15× faster than PyYAML's C loader (when it is available);
//! - time per step at 100k steps is at most 1.5× the time per step at 10k (linear growth).
//!
//! Environment:
//! - `PIPEC_BENCH_PYTHON`: the Python interpreter for the PyYAML column (default `python3`);
//! - `PIPEC_BENCH_SIZES`: comma-separated step counts instead of `1000,10000,100000`
//!   (goals whose sizes are missing are skipped);
//! - `PIPEC_BENCH_NO_PYYAML=1`: skip the PyYAML column;
//! - `PIPEC_BENCH_ONLY_PARSER=1`: only run the parser-only floor, the same way (to compare
//!   instruction counts of the two under callgrind);
//! - `PIPEC_BENCH_ONLY_CHECK=1`: only run the full check, repeatedly, with no tables
//!   (for profilers such as `valgrind --tool=callgrind`).

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use pipec_check::passes::{self, Program};
use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_diagnostics::{Diagnostics, SourceMap};
use pipec_ir::lower::lower_document;
use pipec_syntax::{SourceFormat, parse};

/// Goal: check time / saphyr load time at the largest size.
const MAX_CHECK_OVER_LOAD: f64 = 1.5;
/// Goal: PyYAML C loader time / check time.
const MIN_SPEEDUP_VS_PYYAML: f64 = 15.0;
/// Goal: time per step at 100k / time per step at 10k.
const MAX_PER_STEP_GROWTH: f64 = 1.5;

/// One generated pipeline and what was measured on it.
struct Case {
    steps: usize,
    text: String,
    path: PathBuf,
    parser_s: f64,
    load_s: f64,
    check_s: f64,
    pyyaml_s: Option<f64>,
    phases: Vec<(&'static str, f64)>,
}

/// The same allocator as the `pipec` binary (`compiler/pipec-cli/src/main.rs`), for both the
/// floor and the check, so the figures are what a user of the binary gets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/chain.rs"]
mod chain;

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

fn input(case_steps: usize, text: &str) -> InputFile {
    InputFile {
        name: format!("chain_{case_steps}.pipec.yaml"),
        bytes: text.as_bytes().to_vec(),
    }
}

/// The floor: saphyr-parser's events, nothing built. Returns the event count.
fn parse_only(text: &str) -> Result<usize, String> {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut events = 0usize;
    while let Some(event) = parser.next_event() {
        let event = event.map_err(|e| format!("saphyr-parser rejected the generated file: {e}"))?;
        black_box(&event);
        events += 1;
    }
    Ok(events)
}

/// The loading reference: saphyr's own loader building its spanned tree (`MarkedYaml`), the
/// tree the design notes name for span-keeping YAML. Returns the number of documents.
fn load_only(text: &str) -> Result<usize, String> {
    use saphyr::LoadableYamlNode as _;
    let docs = saphyr::MarkedYaml::load_from_str(text)
        .map_err(|e| format!("saphyr rejected the generated file: {e}"))?;
    Ok(black_box(docs).len())
}

/// Median of `reps` timings of `f`, after one untimed warm-up run.
fn median_time(reps: usize, mut f: impl FnMut() -> Duration) -> f64 {
    f();
    let mut times: Vec<f64> = (0..reps).map(|_| f().as_secs_f64()).collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn reps_for(steps: usize) -> usize {
    match steps {
        0..=2_000 => 21,
        2_001..=20_000 => 9,
        _ => 5,
    }
}

/// One full check, with the result dropped outside the timed region.
fn time_check(steps: usize, text: &str) -> Duration {
    let file = input(steps, text);
    let start = Instant::now();
    let result = check(vec![file], &mut MemoryLoader::new());
    let elapsed = start.elapsed();
    drop(black_box(result));
    elapsed
}

/// The check, phase by phase, the way `pipec_check::check` runs them (no inline
/// sub-pipelines or `pipeline_file` references in the generated chain). Returns the time
/// of each phase; the result of each run is dropped outside the timings.
fn time_phases(text: &str) -> Vec<(&'static str, Duration)> {
    let bytes = text.as_bytes().to_vec();
    let mut laps = Laps {
        last: Instant::now(),
        out: Vec::with_capacity(10),
    };
    // Decode: UTF-8 validation, copy into the source map (with its line index).
    let mut sources = SourceMap::new();
    let decoded = std::str::from_utf8(&bytes)
        .map(str::to_owned)
        .unwrap_or_default();
    let id = sources.add("chain.pipec.yaml", decoded);
    laps.mark("decode + source map");
    let Some(file) = sources.get(id) else {
        return laps.out;
    };
    let text = file.text();
    let parsed = parse(id, text, SourceFormat::Yaml);
    laps.mark("parse (tree build)");
    let Some(doc) = parsed.document else {
        return laps.out;
    };
    let lowered = lower_document(&doc, text);
    laps.mark("lower");
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(parsed.diagnostics);
    diagnostics.extend(lowered.diagnostics);
    let pipelines = vec![(id, lowered.pipeline)];
    let calls = Vec::new();
    let program = Program::new(&pipelines, &calls, &sources);
    passes::file_cycles::check(&program, &mut diagnostics);
    laps.mark("program + file cycles");
    if let Some(pipeline) = pipelines[0].1.as_ref() {
        let resolution = passes::resolve::resolve(pipeline, &mut diagnostics);
        laps.mark("resolve");
        passes::step_cycles::check(&resolution, &mut diagnostics);
        laps.mark("step cycles");
        passes::types::check(&program, pipeline, &resolution, &mut diagnostics);
        laps.mark("types");
        passes::limits::check(&program, pipeline, &resolution, &mut diagnostics);
        laps.mark("limits");
        if !diagnostics.has_errors() {
            passes::lints::check(pipeline, &resolution, &mut diagnostics);
        }
        laps.mark("lints");
        drop(black_box(resolution));
    }
    let sorted = diagnostics.into_sorted();
    laps.mark("sort diagnostics");
    drop(black_box((sorted, program, doc)));
    laps.out
}

/// Consecutive phase timings.
struct Laps {
    last: Instant,
    out: Vec<(&'static str, Duration)>,
}

impl Laps {
    fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.out.push((name, now - self.last));
        self.last = now;
    }
}

/// Median time of each phase over `reps` runs.
fn median_phases(reps: usize, text: &str) -> Vec<(&'static str, f64)> {
    let runs: Vec<Vec<(&'static str, Duration)>> = (0..reps).map(|_| time_phases(text)).collect();
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    (0..first.len())
        .map(|i| {
            let mut times: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.get(i))
                .map(|(_, d)| d.as_secs_f64())
                .collect();
            times.sort_by(f64::total_cmp);
            (first[i].0, times[times.len() / 2])
        })
        .collect()
}

/// Check once and insist on zero errors: timing a failing check is worthless.
fn assert_clean(steps: usize, text: &str) -> Result<(), String> {
    let result = check(vec![input(steps, text)], &mut MemoryLoader::new());
    if result.error_count() == 0 && result.pipelines.iter().all(|(_, p)| p.is_some()) {
        return Ok(());
    }
    let shown: Vec<_> = result.diagnostics.iter().take(20).cloned().collect();
    eprintln!(
        "{}",
        render_human(&result.sources, &shown, ColorChoice::Never)
    );
    Err(format!(
        "the generated {steps}-step pipeline does not check cleanly ({} errors, {} diagnostics; first {} shown above)",
        result.error_count(),
        result.diagnostics.len(),
        shown.len()
    ))
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn sizes() -> Result<Vec<usize>, String> {
    match std::env::var("PIPEC_BENCH_SIZES") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|s| {
                s.trim()
                    .replace('_', "")
                    .parse::<usize>()
                    .map_err(|e| format!("PIPEC_BENCH_SIZES: `{s}`: {e}"))
            })
            .collect(),
        _ => Ok(vec![1_000, 10_000, 100_000]),
    }
}

/// The PyYAML C loader's median load time for each file, or why it is unavailable.
fn pyyaml_times(paths: &[&Path]) -> Result<Vec<f64>, String> {
    let python = std::env::var("PIPEC_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&python)
        .args(["-c", "import yaml; yaml.CSafeLoader"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!(
                "`{python}` has no yaml.CSafeLoader: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Err(e) => return Err(format!("cannot run `{python}`: {e}")),
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bench_pyyaml.py");
    let out = Command::new(&python)
        .arg(&script)
        .args(paths)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{} printed no JSON: {e}", script.display()))?;
    let results = report["results"]
        .as_array()
        .ok_or("bench_pyyaml.py: no `results`")?;
    paths
        .iter()
        .map(|p| {
            results
                .iter()
                .find(|r| r["file"].as_str() == p.to_str())
                .and_then(|r| r["median_s"].as_f64())
                .ok_or_else(|| format!("bench_pyyaml.py: no result for {}", p.display()))
        })
        .collect()
}

fn run() -> Result<bool, String> {
    let sizes = sizes()?;
    if env_flag("PIPEC_BENCH_ONLY_CHECK") {
        for &steps in &sizes {
            let text = chain::yaml_chain(steps);
            assert_clean(steps, &text)?;
            let median = median_time(reps_for(steps), || time_check(steps, &text));
            println!("{steps} steps: check {:.2} ms", median * 1e3);
        }
        return Ok(true);
    }
    if env_flag("PIPEC_BENCH_ONLY_PARSER") {
        for &steps in &sizes {
            let text = chain::yaml_chain(steps);
            let median = median_time(reps_for(steps), || {
                let start = Instant::now();
                black_box(parse_only(&text)).ok();
                start.elapsed()
            });
            println!("{steps} steps: parser-only {:.2} ms", median * 1e3);
        }
        return Ok(true);
    }

    let dir = std::env::temp_dir().join(format!("pipec-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut cases = Vec::new();
    for &steps in &sizes {
        let text = chain::yaml_chain(steps);
        let path = dir.join(format!("chain_{steps}.pipec.yaml"));
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        assert_clean(steps, &text)?;
        let reps = reps_for(steps);
        eprintln!(
            "measuring {steps} steps ({:.2} MB, {reps} runs each)...",
            text.len() as f64 / 1e6
        );
        let parser_s = median_time(reps, || {
            let start = Instant::now();
            let events = parse_only(&text);
            let elapsed = start.elapsed();
            black_box(events.ok());
            elapsed
        });
        parse_only(&text)?;
        load_only(&text)?;
        let load_s = median_time(reps, || {
            let start = Instant::now();
            let docs = load_only(&text);
            let elapsed = start.elapsed();
            drop(black_box(docs));
            elapsed
        });
        let check_s = median_time(reps, || time_check(steps, &text));
        let phases = median_phases(reps, &text);
        cases.push(Case {
            steps,
            text,
            path,
            parser_s,
            load_s,
            check_s,
            pyyaml_s: None,
            phases,
        });
    }

    let pyyaml_note = if env_flag("PIPEC_BENCH_NO_PYYAML") {
        Some("PyYAML C loader skipped (PIPEC_BENCH_NO_PYYAML)".to_owned())
    } else {
        eprintln!("measuring PyYAML's C loader...");
        let paths: Vec<&Path> = cases.iter().map(|c| c.path.as_path()).collect();
        match pyyaml_times(&paths) {
            Ok(times) => {
                for (case, t) in cases.iter_mut().zip(times) {
                    case.pyyaml_s = Some(t);
                }
                None
            }
            Err(e) => Some(format!("PyYAML C loader unavailable: {e}")),
        }
    };
    let _ = std::fs::remove_dir_all(&dir);

    print_tables(&cases, pyyaml_note.as_deref());
    Ok(goals(&cases))
}

fn print_tables(cases: &[Case], pyyaml_note: Option<&str>) {
    println!();
    println!(
        "| steps | file MB | events ms | saphyr load ms | check ms | check/events | check/load | PyYAML C ms | speed-up vs PyYAML | check MB/s | check steps/s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for c in cases {
        let mb = c.text.len() as f64 / 1e6;
        let (py, speedup) = match c.pyyaml_s {
            Some(p) => (format!("{:.1}", p * 1e3), format!("{:.1}×", p / c.check_s)),
            None => ("n/a".to_owned(), "n/a".to_owned()),
        };
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} | {:.1} | {:.0} |",
            c.steps,
            mb,
            c.parser_s * 1e3,
            c.load_s * 1e3,
            c.check_s * 1e3,
            c.check_s / c.parser_s,
            c.check_s / c.load_s,
            py,
            speedup,
            mb / c.check_s,
            c.steps as f64 / c.check_s,
        );
    }
    if let Some(note) = pyyaml_note {
        println!("\n{note}");
    }
    if let (Some(first), Some(last)) = (cases.first(), cases.last()) {
        let per = |c: &Case| c.check_s / c.steps as f64 * 1e6;
        println!(
            "\nlinearity: {:.3} µs/step at {} steps, {:.3} µs/step at {} steps ({:.2}×)",
            per(first),
            first.steps,
            per(last),
            last.steps,
            per(last) / per(first)
        );
    }
    println!("\nphases of the check (median ms; parse = saphyr events + spanned tree):");
    let mut header = String::from("| phase |");
    let mut rule = String::from("|---|");
    for c in cases {
        let _ = write!(header, " {} steps |", c.steps);
        rule.push_str("---:|");
    }
    println!("{header}\n{rule}");
    let Some(first) = cases.first() else { return };
    for (i, (name, _)) in first.phases.iter().enumerate() {
        let mut row = format!("| {name} |");
        for c in cases {
            match c.phases.get(i) {
                Some((_, t)) => {
                    let _ = write!(
                        row,
                        " {:.2} ({:.0}%) |",
                        t * 1e3,
                        t / c.phases.iter().map(|p| p.1).sum::<f64>() * 1e2
                    );
                }
                None => row.push_str(" - |"),
            }
        }
        println!("{row}");
    }
}

/// Print each goal's verdict; false when one is missed.
fn goals(cases: &[Case]) -> bool {
    let mut ok = true;
    println!("\ngoals:");
    let at = |steps: usize| cases.iter().find(|c| c.steps == steps);
    match at(100_000) {
        Some(c) => {
            let ratio = c.check_s / c.load_s;
            let pass = ratio <= MAX_CHECK_OVER_LOAD;
            ok &= pass;
            println!(
                "  [{}] check/saphyr load at 100k steps: {ratio:.2} (goal ≤ {MAX_CHECK_OVER_LOAD}); check/events (information): {:.2}",
                verdict(pass),
                c.check_s / c.parser_s
            );
        }
        None => println!("  [skip] check/saphyr load at 100k steps: 100k not measured"),
    }
    let with_py: Vec<&Case> = cases.iter().filter(|c| c.pyyaml_s.is_some()).collect();
    if with_py.is_empty() {
        println!("  [skip] speed-up vs PyYAML's C loader: PyYAML unavailable");
    }
    for c in with_py {
        let speedup = c.pyyaml_s.unwrap_or(0.0) / c.check_s;
        let pass = speedup >= MIN_SPEEDUP_VS_PYYAML;
        ok &= pass;
        println!(
            "  [{}] speed-up vs PyYAML's C loader at {} steps: {speedup:.1}× (goal ≥ {MIN_SPEEDUP_VS_PYYAML}×)",
            verdict(pass),
            c.steps
        );
    }
    match (at(10_000), at(100_000)) {
        (Some(a), Some(b)) => {
            let growth = (b.check_s / b.steps as f64) / (a.check_s / a.steps as f64);
            let pass = growth <= MAX_PER_STEP_GROWTH;
            ok &= pass;
            println!(
                "  [{}] time per step, 100k vs 10k steps: {growth:.2}× (goal ≤ {MAX_PER_STEP_GROWTH}×)",
                verdict(pass)
            );
        }
        _ => println!("  [skip] linearity: needs 10k and 100k steps"),
    }
    println!("{}", if ok { "all goals met" } else { "GOALS MISSED" });
    ok
}

fn verdict(pass: bool) -> &'static str {
    if pass { "pass" } else { "FAIL" }
}
