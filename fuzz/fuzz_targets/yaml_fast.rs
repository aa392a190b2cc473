//! Differential fuzzing of the YAML fast path: whenever it reads an input (rather than
//! leaving it to saphyr), its document and diagnostics must equal what saphyr's events
//! build, span for span. Inputs are biased towards pipeline-shaped YAML by a seed corpus of
//! the repository's examples and fixtures (see README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipec_diagnostics::FileId;
use pipec_syntax::yaml_paths::{dump, parse_fast_only, parse_with_saphyr};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = parse_fast_only(FileId(0), text) {
        let reference = parse_with_saphyr(FileId(0), text);
        assert_eq!(dump(&fast), dump(&reference), "fast path disagrees with saphyr");
    }
});
