//! Arbitrary UTF-8 through the DSL front-end and the whole check, as a `.pipe` file.
//!
//! Three properties on every input:
//! - the front-end's pest-free fast paths agree with pest (`parse_ast` and
//!   `parse_ast_by_pest` give the same tree and the same diagnostics);
//! - every diagnostic span is a char range of the input;
//! - the whole check (DSL front-end, desugaring, native lowering, every pass, both
//!   renderers) returns, without a panic, a stack overflow or a hang. The in-memory loader
//!   serves the same text as `sub.pipe`, so `pipeline "sub.pipe"(...)` calls and file cycles
//!   are reached too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipec_check::{InputFile, MemoryLoader, check};
use pipec_diagnostics::FileId;
use pipec_diagnostics::render::{ColorChoice, render_human, render_json};
use pipec_syntax::dsl::{parse_ast, parse_ast_by_pest};

fuzz_target!(|src: &str| {
    let fast = parse_ast(FileId(0), src);
    let reference = parse_ast_by_pest(FileId(0), src);
    assert_eq!(
        fast, reference,
        "the fast paths disagree with pest on {src:?}"
    );
    for d in &fast.1 {
        let (start, end) = (d.primary.span.start as usize, d.primary.span.end as usize);
        assert!(
            start <= end
                && end <= src.len()
                && src.is_char_boundary(start)
                && src.is_char_boundary(end),
            "{} span {start}..{end} is not a char range of {src:?}",
            d.code
        );
    }

    let mut loader = MemoryLoader::new();
    loader.insert("sub.pipe", src.as_bytes().to_vec());
    let result = check(
        vec![InputFile {
            name: "input.pipe".to_owned(),
            bytes: src.as_bytes().to_vec(),
        }],
        &mut loader,
    );
    let human = render_human(&result.sources, &result.diagnostics, ColorChoice::Never);
    let json = render_json(&result.sources, result.files, &result.diagnostics);
    std::hint::black_box((human, json));
});
