//! Helpers of the build tests: `pipec build` with the shared target directory and clippy as
//! the compiler wrapper, a generated binary run with only the test's environment, and one
//! HTTP/1.1 request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{document, repo_root, stderr, stdout};

/// The target directory every generated crate of the tests builds in.
pub fn target_dir() -> PathBuf {
    repo_root().join("target/pipec-build")
}

/// `pipec build FILE -o OUT EXTRA...` with the real environment (cargo needs it), the shared
/// target directory and clippy as the workspace compiler wrapper.
pub fn pipec_build(dir: &Path, file: &str, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(["build", file, "-o"])
        .arg(out)
        .args(extra)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver")
        .output()
        .unwrap()
}

/// Builds `file` into `out`, failing the test on any warning; returns the printed path of
/// the binary (or the `.rlib` with `--lib`).
pub fn build_with(dir: &Path, file: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let output = pipec_build(dir, file, out, extra);
    let log = stderr(&output);
    assert!(output.status.success(), "{file}: build failed\n{log}");
    assert!(
        !log.contains("warning"),
        "{file}: the generated crate has warnings\n{log}"
    );
    let path = PathBuf::from(stdout(&output).trim());
    assert!(path.is_file(), "{file}: nothing at {}", path.display());
    path
}

/// Builds `file` into a binary at `out`; returns the binary's path.
pub fn build(dir: &Path, file: &str, out: &Path) -> PathBuf {
    build_with(dir, file, out, &[])
}

/// A generated binary run in `dir` with exactly `env`.
pub fn binary(bin: &Path, dir: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap()
}

/// The outputs of a succeeded `--json` document.
pub fn outputs(o: &Output) -> Value {
    let document = document(o);
    assert_eq!(document["status"], "succeeded", "{document}\n{}", stderr(o));
    document["outputs"].clone()
}

/// One HTTP/1.1 request; the status and the JSON body.
pub fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(body).unwrap())
}
