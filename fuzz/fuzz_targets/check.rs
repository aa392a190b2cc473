//! Arbitrary bytes through the whole check, once as a YAML file and once as a JSON file:
//! decode, front-end, lowering and every pass, then both renderers (as `pipec check` does).
//! The checker must never panic, hang or allocate without bound, whatever the input.
//!
//! The in-memory loader serves the same bytes as `sub.yaml` and `sub.json`, so an input that
//! names `pipeline_file: sub.yaml` (or itself, `input.yaml`) reaches file loading and the
//! file-cycle check too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::render::{ColorChoice, render_human, render_json};

fuzz_target!(|data: &[u8]| {
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
