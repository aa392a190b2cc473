//! The HTTP providers against the fake provider server on 127.0.0.1 (real sockets, real
//! time): wire formats, faults and retries, secrets, concurrency.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

mod common;
mod concurrency;
mod faults;
mod secrets;
mod wire_formats;
