//! Every compile error of pipec-macros, compiled by trybuild: each case in
//! `macros/tests/ui/` must fail with exactly the rustc output in the `.stderr` beside it
//! (`TRYBUILD=overwrite` rewrites them; review the diff like a snapshot's).

#[test]
fn every_macro_error_is_a_spanned_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("../tests/ui/*.rs");
}
