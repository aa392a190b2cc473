//! A `.pipe` file's diagnostics point into the DSL source the same way.
pipec_macros::include_pipeline!("pipelines/bad_reference.pipe");

fn main() {}
