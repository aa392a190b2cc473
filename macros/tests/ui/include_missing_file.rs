//! P0870: the file cannot be read.
pipec_macros::include_pipeline!("pipelines/missing.pipec.yaml");

fn main() {}
