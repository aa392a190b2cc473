//! What `pipec run` and `pipec replay` share: loading and checking the pipeline into a
//! runnable program, reading inputs from the command line, setting up the runtime
//! (providers from the environment, the checkpoint file, events, the cache, Ctrl-C), and
//! printing outcomes and run-time errors.

pub mod inputs;
pub mod load;
pub mod progress;
pub mod report;
pub mod setup;
