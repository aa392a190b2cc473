//! What `pipec build` and the binaries it generates cost, measured on the real binaries:
//!
//! 1. **build**: `pipec build --release` of `examples/code_review.pipec.yaml` — cold (an
//!    empty target directory, every dependency compiled; only with `PIPEC_BENCH_COLD=1`, as
//!    it takes minutes), warm with nothing changed, and warm after an edit of the pipeline
//!    (the generated crate alone recompiles).
//! 2. **start-up**: the code_review binary from spawning it to its first model request on
//!    the wire: the bench listens on 127.0.0.1 itself and stops the clock when the request's
//!    first byte arrives (clap, the version check, checking the embedded pipeline, opening
//!    the checkpoint file, the tokio runtime, formatting the prompt, connecting).
//! 3. **per step**: chains of 1 and 401 `llm` steps run against `pipec-fake-provider` (in
//!    this process, no added latency) by `pipec run` and by the generated binary; the
//!    per-step cost is the difference of the medians over the 400 extra steps (and of the
//!    minimums, which load on a shared machine disturbs less).
//!
//! Medians of repeated runs (counts below). `PIPEC_BENCH_OUT` is the scratch directory
//! (default `target/pipec-bench`); the generated crates build in `PIPEC_BENCH_OUT/target`.
//! Figures are recorded in benches/README.md.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark")]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pipec_fake_provider::{Config, FakeServer};

const STARTUP_RUNS: usize = 31;
const STEP_RUNS: usize = 11;
/// The long chain's length; the short one has one step.
const LONG: usize = 401;
const BUILD_RUNS: usize = 3;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `pipec build FILE -o OUT --release` building in `target`: the binary's path and the
/// wall time.
fn build(file: &Path, out: &Path, target: &Path) -> (PathBuf, Duration) {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(["build", "--release", "-o"])
        .arg(out)
        .arg(file)
        .env("CARGO_TARGET_DIR", target)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(output.status.success(), "pipec build {}", file.display());
    let path = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    (path, elapsed)
}

fn main() {
    let scratch = std::env::var_os("PIPEC_BENCH_OUT")
        .map_or_else(|| repo_root().join("target/pipec-bench"), PathBuf::from);
    std::fs::create_dir_all(&scratch).unwrap();
    let target = scratch.join("target");
    let cold = std::env::var_os("PIPEC_BENCH_COLD").is_some_and(|v| v == "1");

    let bin = build_times(&scratch, &target, cold);
    startup(&scratch, &bin);
    per_step(&scratch, &target);
}

/// Part 1; returns the code_review binary.
fn build_times(scratch: &Path, target: &Path, cold: bool) -> PathBuf {
    let source =
        std::fs::read_to_string(repo_root().join("examples/code_review.pipec.yaml")).unwrap();
    let file = scratch.join("code_review.pipec.yaml");
    std::fs::write(&file, &source).unwrap();
    let out = scratch.join("code_review");
    if cold {
        let _ = std::fs::remove_dir_all(target);
        let _ = std::fs::remove_dir_all(&out);
    }
    let (_, first) = build(&file, &out, target);
    if cold {
        println!(
            "build, cold (empty target dir)         {:>9.1} s",
            first.as_secs_f64()
        );
    }
    let unchanged = median(
        (0..BUILD_RUNS)
            .map(|_| build(&file, &out, target).1)
            .collect(),
    );
    println!(
        "build, warm, nothing changed           {:>9.0} ms",
        ms(unchanged)
    );
    let edited = median(
        (0..BUILD_RUNS)
            .map(|i| {
                std::fs::write(&file, format!("{source}# edit {i}\n")).unwrap();
                build(&file, &out, target).1
            })
            .collect(),
    );
    println!(
        "build, warm, pipeline edited           {:>9.0} ms",
        ms(edited)
    );
    std::fs::write(&file, &source).unwrap();
    build(&file, &out, target).0
}

/// Part 2.
fn startup(scratch: &Path, bin: &Path) {
    let db = scratch.join("startup.sqlite");
    let mut times: Vec<Duration> = (0..STARTUP_RUNS)
        .map(|_| {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}/v1", listener.local_addr().unwrap());
            let start = Instant::now();
            let mut child = Command::new(bin)
                .args(["--code", "fn main() {}", "--db"])
                .arg(&db)
                .env_clear()
                .env("OPENAI_BASE_URL", url)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let (mut stream, _) = listener.accept().unwrap();
            let mut byte = [0u8; 1];
            stream.read_exact(&mut byte).unwrap();
            let elapsed = start.elapsed();
            let _ = child.kill();
            let _ = child.wait();
            elapsed
        })
        .collect();
    times.sort();
    println!(
        "start-up to first request              {:>9.2} ms median, {:.2} min, {:.2} max ({STARTUP_RUNS} runs; load {})",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

/// Part 3.
fn per_step(scratch: &Path, target: &Path) {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake: FakeServer = tokio
        .block_on(FakeServer::start(Config::default()))
        .unwrap();
    let url = format!("{}/v1", fake.url());
    let mut medians = Vec::new();
    for steps in [1, LONG] {
        let name = format!("chain_{steps}");
        let file = scratch.join(format!("{name}.pipec.yaml"));
        std::fs::write(&file, chain(&name, steps)).unwrap();
        let (bin, _) = build(&file, &scratch.join(&name), target);
        let db = scratch.join(format!("{name}.sqlite"));
        let time = |program: &Path, args: &[&str]| {
            let _ = std::fs::remove_file(&db);
            let start = Instant::now();
            let output = Command::new(program)
                .args(args)
                .arg("--db")
                .arg(&db)
                .env_clear()
                .env("OPENAI_BASE_URL", &url)
                .output()
                .unwrap();
            let elapsed = start.elapsed();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            elapsed
        };
        let file = file.to_str().unwrap();
        // Interleaved, so a burst of load on the shared machine hits both alike.
        let (mut interpreted, mut generated) = (Vec::new(), Vec::new());
        for _ in 0..STEP_RUNS {
            interpreted.push(time(Path::new(env!("CARGO_BIN_EXE_pipec")), &["run", file]));
            generated.push(time(&bin, &[]));
        }
        let min = |times: &[Duration]| times.iter().min().copied().unwrap_or_default();
        let mins = (min(&interpreted), min(&generated));
        let (interpreted, generated) = (median(interpreted), median(generated));
        println!(
            "{steps:>3}-step chain, whole run           pipec run {:>8.1} ms   generated {:>8.1} ms   (min {:.1} / {:.1})",
            ms(interpreted),
            ms(generated),
            ms(mins.0),
            ms(mins.1)
        );
        medians.push((interpreted, generated, mins));
    }
    let extra = (LONG - 1) as f64;
    let per = |long: Duration, short: Duration| ms(long.saturating_sub(short)) / extra;
    println!(
        "per step, of medians                   pipec run {:>8.3} ms   generated {:>8.3} ms",
        per(medians[1].0, medians[0].0),
        per(medians[1].1, medians[0].1)
    );
    println!(
        "per step, of minimums                  pipec run {:>8.3} ms   generated {:>8.3} ms",
        per(medians[1].2.0, medians[0].2.0),
        per(medians[1].2.1, medians[0].2.1)
    );
    println!(
        "load average at the end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

/// A chain of `steps` `llm` steps, each reading the previous one's output.
fn chain(name: &str, steps: usize) -> String {
    let mut text = format!(
        "pipec: 1\nname: {name}\nmodels: {{m: {{provider: openai, model: gpt-4o-mini, max_tokens: 50}}}}\ndefaults: {{model: m}}\nlimits: {{max_llm_calls: 10000}}\nsteps:\n  - {{id: s1, kind: llm, prompt: \"step 1\"}}\n"
    );
    for n in 2..=steps {
        text.push_str(&format!(
            "  - {{id: s{n}, kind: llm, prompt: \"step {n} after {{{{ steps.s{} }}}}\"}}\n",
            n - 1
        ));
    }
    text.push_str(&format!("outputs: {{last: steps.s{steps}}}\n"));
    text
}
