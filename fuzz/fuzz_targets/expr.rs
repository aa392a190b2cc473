//! Arbitrary UTF-8 through the template and condition parsers of the expression language
//! (`grammar/expr.pest`). Both must return a tree or errors, never panic, overflow the
//! stack or hang; and every span they report must lie inside the input, on char
//! boundaries, start ≤ end (the lowering slices the file with them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipec_syntax::expr::{RelSpan, parse_expr, parse_template};

fn check_span(src: &str, span: &RelSpan, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end
            && end <= src.len()
            && src.is_char_boundary(start)
            && src.is_char_boundary(end),
        "{what} span {span:?} is not a char range of the {}-byte input {src:?}",
        src.len()
    );
}

fuzz_target!(|src: &str| {
    let (mut template, errors) = parse_template(src);
    for error in &errors {
        check_span(src, &error.span, "template error");
    }
    template.rebase_spans(&mut |span| {
        check_span(src, &span, "template");
        span
    });
    match parse_expr(src) {
        Ok(mut expr) => expr.rebase_spans(&mut |span| {
            check_span(src, &span, "expression");
            span
        }),
        Err(error) => check_span(src, &error.span, "expression error"),
    }
});
