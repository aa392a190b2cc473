//! `include_pipeline!` takes one string literal.
const PATH: &str = "pipelines/two_errors.pipec.yaml";
pipec_macros::include_pipeline!(PATH);

fn main() {}
