//! `pipec run` and `pipec replay` end to end: the real binary, against
//! `pipec-fake-provider` on 127.0.0.1 (in this process), every example of `examples/` in
//! each provider wire format, the coded errors, resume, replay, and a run killed with
//! SIGKILL that resumes without calling a finished step again.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;
mod durability;
mod errors;
mod examples;
mod pipeline_ex;
mod prompts;
