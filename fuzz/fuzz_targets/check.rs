//! Arbitrary bytes through the whole check, once as a YAML file and once as a JSON file:
//! decode, front-end, lowering and every pass, then both renderers (as `pipec check` does).
//! The checker must never panic, hang or allocate without bound, whatever the input.
//!
//! The in-memory loader serves the same bytes as `sub.yaml` and `sub.json`, so an input that
//! names `pipeline_file: sub.yaml` (or itself, `input.yaml`) reaches file loading and the
//! file-cycle check too.
//!
//! `PIPEC_FUZZ_SKIP_KNOWN=1` skips inputs that trigger bugs already reported and kept in
//! `regressions/check/` (see README.md), so a long run finds new ones instead of the same
//! crash again; without it every input is checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::render::{ColorChoice, render_human, render_json};

/// Inputs that hit a reported, not yet fixed bug.
fn known_bug(data: &[u8]) -> bool {
    // regressions/check/nul-after-invalid-utf8: a NUL byte after invalid UTF-8 panics in
    // pipec-check/src/input.rs (`problem_diagnostic` slices the lossy text off a char
    // boundary).
    data.iter()
        .position(|&b| b == 0)
        .is_some_and(|at| std::str::from_utf8(&data[..at]).is_err())
}

fuzz_target!(|data: &[u8]| {
    static SKIP_KNOWN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let skip = *SKIP_KNOWN
        .get_or_init(|| std::env::var_os("PIPEC_FUZZ_SKIP_KNOWN").is_some_and(|v| v == "1"));
    if skip && known_bug(data) {
        return;
    }
    for name in ["input.yaml", "input.json"] {
        let mut loader = MemoryLoader::new();
        loader.insert("sub.yaml", data.to_vec());
        loader.insert("sub.json", data.to_vec());
        let result = check(
            vec![InputFile {
                name: name.to_owned(),
                bytes: data.to_vec(),
            }],
            &mut loader,
        );
        let human = render_human(&result.sources, &result.diagnostics, ColorChoice::Never);
        let json = render_json(&result.sources, result.files, &result.diagnostics);
        std::hint::black_box((human, json));
    }
});
