//! Code generation time per example: `pipec_codegen::generate` on each checked example (the
//! check itself not timed), the median of 51 runs after a warm-up. Prints one line per
//! example; figures are recorded in benches/README.md.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark")]

use std::path::Path;
use std::time::{Duration, Instant};

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_codegen::{Options, RuntimeDep, generate};

fn main() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut loader = MemoryLoader::new();
    for sub in [
        "router/bug_triage.pipec.yaml",
        "router/feature_request.pipec.yaml",
    ] {
        loader.insert(
            &format!("examples/{sub}"),
            std::fs::read(examples.join(sub)).unwrap(),
        );
    }
    let options = Options {
        pipec_version: env!("CARGO_PKG_VERSION").to_owned(),
        runtime: RuntimeDep::Version(env!("CARGO_PKG_VERSION").to_owned()),
        lib: false,
    };
    for name in [
        "code_review.pipec.yaml",
        "rag_qa.pipec.yaml",
        "router.pipec.yaml",
        "batch_summarize.pipec.yaml",
    ] {
        let input = InputFile {
            name: format!("examples/{name}"),
            bytes: std::fs::read(examples.join(name)).unwrap(),
        };
        let checked = check(vec![input], &mut loader.clone());
        assert_eq!(checked.error_count(), 0, "{name}");
        let _ = generate(&checked, &options).unwrap();
        let mut times: Vec<Duration> = (0..51)
            .map(|_| {
                let start = Instant::now();
                let files = generate(&checked, &options).unwrap();
                let elapsed = start.elapsed();
                assert!(!files.is_empty());
                elapsed
            })
            .collect();
        times.sort();
        println!("{name:<28} {:>8.1} µs", times[25].as_secs_f64() * 1e6);
    }
}
