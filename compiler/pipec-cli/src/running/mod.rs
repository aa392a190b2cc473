//! What `pipec run` and `pipec replay` share: loading and checking the pipeline into a
//! runnable program, reading inputs from the command line, setting up the runtime
//! (providers from the environment, the checkpoint file, events, the cache, Ctrl-C), and
//! printing outcomes and run-time errors.

pub mod inputs;
pub mod load;
pub mod report;

/// Setting the runtime up from flags and the step display live in `pipec-app`, which
/// generated binaries share.
pub use pipec_app::setup;
