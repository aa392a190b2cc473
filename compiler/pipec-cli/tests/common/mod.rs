//! What the CLI's test crates share: the repository root, the real `pipec` binary run
//! from it, and a fresh scratch directory per test.

#![allow(
    dead_code,
    reason = "each test crate includes this module and uses a part of it"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root (the binary runs there, so paths such as `examples/...` work).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `pipec ARGS` from the repository root, without colour (`NO_COLOR=1`).
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pipec"));
    command
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1");
    command
}

/// Run `pipec ARGS` from the repository root, without colour.
pub fn pipec(args: &[&str]) -> Output {
    command(args).output().expect("run pipec")
}

/// An empty directory of this test crate named `name`, made anew.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(env!("CARGO_CRATE_NAME"))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}
