//! The executor end to end, in-process: pipelines checked by `pipec_check`, run against
//! `pipec-fake-provider` on 127.0.0.1 over real HTTP, counted on the server's side.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod adapters;
mod common;
mod durability;
mod faults;
mod inputs;
mod kinds;
mod limits;
mod observability;
mod pipeline_ex;
mod reliability;
mod scheduling;
