//! `pipec build` end to end: generated crates built into real binaries (with clippy as the
//! compiler wrapper, so any clippy or rustc warning in the generated code fails the test)
//! and run against `pipec-fake-provider` on 127.0.0.1: every example in each input mode
//! matching `pipec run`, the runtime's options in a generated binary (`--events`,
//! `--resume`, bounded `--batch` concurrency and its progress bar, the version handshake),
//! `--lib` crates called from another crate, and what `pipec build` refuses.
//!
//! The generated crates share one target directory (`target/pipec-build/`), so the
//! runtime's dependencies are compiled once; each further crate compiles only itself.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "shared with the run tests; these tests use part of it"
)]
#[path = "../run/common.rs"]
mod common;
mod examples;
mod library;
mod refusals;
mod runtime_options;
mod support;
