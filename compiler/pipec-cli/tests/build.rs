//! `pipec build` end to end: each example is built into a real binary (with clippy as the
//! compiler wrapper, so any clippy or rustc warning in the generated code fails the test),
//! then run against `pipec-fake-provider` on 127.0.0.1 with `--inputs` JSON, with flags, in
//! `--batch` mode and in `serve` mode over real HTTP — each giving the outputs `pipec run`
//! gives for the same inputs.
//!
//! The generated crates share one target directory (`target/pipec-build/`), so the
//! runtime's dependencies are compiled once; each further example compiles only itself.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "shared with the run tests; this test uses part of it"
)]
#[path = "run/common.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use pipec_fake_provider::Config;
use serde_json::{Value, json};

use common::{document, env, fake, pipec, repo_root, scratch, stderr, stdout};

/// The examples built, with the inputs they run with.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "code_review.pipec.yaml",
        r#"{"code": "fn main() { let x = 1; }"}"#,
    ),
    (
        "rag_qa.pipec.yaml",
        r#"{"question": "What is pipec?", "passages": ["pipec checks pipelines.", "It runs them too."]}"#,
    ),
    (
        "router.pipec.yaml",
        r#"{"ticket": "The app crashes when I log in."}"#,
    ),
    (
        "batch_summarize.pipe",
        r#"{"documents": ["First document.", "Second document."]}"#,
    ),
];

/// `pipec build FILE -o OUT` with the real environment (cargo needs it), the shared target
/// directory and clippy as the workspace compiler wrapper. Returns the binary's path.
fn build(dir: &Path, example: &str, out: &Path) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(["build", example, "-o"])
        .arg(out)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", repo_root().join("target/pipec-build"))
        .env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver")
        .output()
        .unwrap();
    let log = stderr(&output);
    assert!(output.status.success(), "{example}: build failed\n{log}");
    assert!(
        !log.contains("warning"),
        "{example}: the generated crate has warnings\n{log}"
    );
    let path = PathBuf::from(stdout(&output).trim());
    assert!(path.is_file(), "{example}: no binary at {}", path.display());
    path
}

fn binary(bin: &Path, dir: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap()
}

fn outputs(o: &Output) -> Value {
    let document = document(o);
    assert_eq!(document["status"], "succeeded", "{document}\n{}", stderr(o));
    document["outputs"].clone()
}

/// One HTTP/1.1 request; the status and the JSON body.
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
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

#[test]
fn the_built_binary_runs_like_pipec_run() {
    let fake = fake(Config::default());
    let env = env(&fake.server);
    let dir = scratch("build");
    let examples = repo_root().join("examples");
    for (example, inputs) in EXAMPLES {
        let file = examples.join(example);
        let file = file.to_str().unwrap();
        let name = example.split('.').next().unwrap();
        let bin = build(&dir, file, &dir.join(name));
        let db = format!("{name}.sqlite");
        let expected = outputs(&pipec(
            &dir,
            &env,
            &[
                "run", file, "--inputs", inputs, "--format", "json", "--db", &db,
            ],
        ));
        let got = outputs(&binary(
            &bin,
            &dir,
            &env,
            &["--inputs", inputs, "--json", "--db", &db],
        ));
        assert_eq!(got, expected, "{example}: --inputs");
    }

    // code_review in every mode: flags, --batch, serve.
    let bin = dir.join("target-bin");
    std::fs::copy(
        build(
            &dir,
            examples.join("code_review.pipec.yaml").to_str().unwrap(),
            &dir.join("code_review"),
        ),
        &bin,
    )
    .unwrap();
    let file = examples.join("code_review.pipec.yaml");
    let file = file.to_str().unwrap();
    let run = |code: &str| {
        outputs(&pipec(
            &dir,
            &env,
            &[
                "run",
                file,
                "--input",
                &format!("code={code}"),
                "--format",
                "json",
                "--db",
                "cr.sqlite",
            ],
        ))
    };
    let expected = run("fn main() {}");
    let flags = binary(
        &bin,
        &dir,
        &env,
        &[
            "--code",
            "fn main() {}",
            "--language",
            "rust",
            "--json",
            "--db",
            "cr.sqlite",
        ],
    );
    assert_eq!(outputs(&flags), expected, "flags");

    std::fs::write(
        dir.join("in.jsonl"),
        "{\"code\": \"fn main() {}\"}\n{\"code\": \"fn a() {}\", \"language\": \"rust\"}\n\n{\"code\": 5}\n",
    )
    .unwrap();
    let batch = binary(
        &bin,
        &dir,
        &env,
        &[
            "--batch",
            "in.jsonl",
            "--out",
            "out.jsonl",
            "--concurrency",
            "2",
            "--db",
            "cr.sqlite",
        ],
    );
    assert_eq!(
        batch.status.code(),
        Some(1),
        "one line fails: {}",
        stderr(&batch)
    );
    assert!(
        stderr(&batch).contains("3 runs, 2 succeeded, 1 failed"),
        "{}",
        stderr(&batch)
    );
    let lines: Vec<Value> = std::fs::read_to_string(dir.join("out.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["outputs"], expected);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["outputs"], run("fn a() {}"));
    assert_eq!(lines[2]["line"], 4);
    assert_eq!(lines[2]["status"], "failed");
    assert_eq!(lines[2]["errors"][0]["code"], "P0851", "{}", lines[2]);

    let mut server = Command::new(&bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--db", "serve.sqlite"])
        .current_dir(&dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let (status, health) = http(&addr, "GET", "/health", "");
    assert_eq!(status, 200);
    assert_eq!(
        health,
        json!({"status": "ok", "pipeline": "code_review", "pipec_version": env!("CARGO_PKG_VERSION")})
    );
    let (status, body) = http(&addr, "POST", "/run", r#"{"code": "fn main() {}"}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outputs"], expected);
    let (status, body) = http(&addr, "POST", "/run", r#"{"code": ["not", "a", "string"]}"#);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["code"], "P0851", "{body}");
    let (status, body) = http(&addr, "POST", "/run", "not json");
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (400, &json!("P0851")),
        "{body}"
    );
    let (status, _) = http(&addr, "GET", "/nowhere", "");
    assert_eq!(status, 404);
    server.kill().unwrap();
    let _ = server.wait();
}
