//! Errors in a file the pipeline calls are reported too, naming that file.
pipec_macros::include_pipeline!("pipelines/calls_broken.pipec.yaml");

fn main() {}
