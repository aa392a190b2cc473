//! pipec's diagnostics are compile errors: each with its code, message, snippet and help.
pipec_macros::include_pipeline!("pipelines/two_errors.pipec.yaml");

fn main() {}
