//! The real `pipec-fake-provider` binary as a process: its first stdout line, its flags,
//! and every runtime provider talking to it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use pipec_fake_provider::Stats;
use pipec_runtime::providers::{
    AnthropicProvider, ChatRequest, ErrorKind, GeminiProvider, Message, ModelSettings,
    OpenAiProvider, Provider, Reliable, RetryPolicy,
};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_pipec-fake-provider");
const KEY: &str = "sk-binary-test-5c1e";

/// A running server process, killed when dropped.
struct Running {
    child: Child,
    addr: SocketAddr,
}

async fn spawn(args: &[&str]) -> Running {
    let mut child = Command::new(BINARY)
        // Stop by itself even if this test process dies without killing it.
        .args(["--exit-after-secs", "60"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("no address within 10 s")
    .unwrap();
    let addr = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("first line `{line}` is not an address"));
    Running { child, addr }
}

async fn run(args: &[&str]) -> std::process::Output {
    tokio::time::timeout(
        Duration::from_secs(10),
        Command::new(BINARY).args(args).output(),
    )
    .await
    .unwrap()
    .unwrap()
}

fn request(model: &str) -> ChatRequest {
    let system = "Your input fields are:\n1. `q` (str):\nYour output fields are:\n1. `ok` (bool):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## q ## ]]\n{q}\n\n[[ ## ok ## ]]\n{ok}        # note: the value you produce must be True or False\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Check.";
    ChatRequest::new(
        ModelSettings::new(model),
        vec![
            Message::system(system),
            Message::user("[[ ## q ## ]]\nfine?"),
        ],
    )
}

async fn fetch_stats(addr: SocketAddr) -> Stats {
    reqwest::get(format!("http://{addr}/_stats"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_provider_against_the_binary() {
    let mut server = spawn(&[
        "--addr",
        "127.0.0.1:0",
        "--require-key",
        KEY,
        "--plan",
        "server_error,ok,rate_limited",
        "--retry-after-secs",
        "0",
    ])
    .await;
    assert!(server.addr.ip().is_loopback() && server.addr.port() != 0);
    let base = format!("http://{}", server.addr);
    let openai_base = format!("{base}/v1");
    let openai = OpenAiProvider::from_env(&[
        ("OPENAI_API_KEY", KEY),
        ("OPENAI_BASE_URL", openai_base.as_str()),
    ])
    .unwrap();
    let anthropic = AnthropicProvider::from_env(&[
        ("ANTHROPIC_API_KEY", KEY),
        ("ANTHROPIC_BASE_URL", base.as_str()),
    ])
    .unwrap();
    let gemini =
        GeminiProvider::from_env(&[("GEMINI_API_KEY", KEY), ("GEMINI_BASE_URL", base.as_str())])
            .unwrap();
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::retries(3)
    };
    let expected = "[[ ## ok ## ]]\nTrue\n\n[[ ## completed ## ]]";

    // server_error, then ok: one retry.
    let reliable = Reliable::new(openai, policy.clone());
    assert_eq!(
        reliable
            .complete(&request("gpt-4o-mini"))
            .await
            .unwrap()
            .text,
        expected
    );
    // rate_limited with Retry-After: 0, then the plan is spent.
    let reliable = Reliable::new(anthropic, policy.clone());
    assert_eq!(
        reliable.complete(&request("claude-x")).await.unwrap().text,
        expected
    );
    let response = Reliable::new(gemini, policy)
        .complete(&request("gemini-x"))
        .await
        .unwrap();
    assert_eq!(response.text, expected);
    assert!(response.usage.is_some());

    let stats = fetch_stats(server.addr).await;
    assert_eq!((stats.requests, stats.ok), (5, 3), "{stats:?}");
    assert_eq!(
        (stats.faults.server_error, stats.faults.rate_limited),
        (1, 1)
    );
    assert_eq!(
        (
            stats.by_format.openai,
            stats.by_format.anthropic,
            stats.by_format.gemini
        ),
        (2, 2, 1)
    );

    // A wrong key is refused and never retried.
    let wrong = OpenAiProvider::from_env(&[
        ("OPENAI_API_KEY", "nope"),
        ("OPENAI_BASE_URL", openai_base.as_str()),
    ])
    .unwrap();
    let error = Reliable::new(wrong, RetryPolicy::retries(3))
        .complete(&request("m"))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.status(), error.attempts()),
        (ErrorKind::Auth, Some(401), 1)
    );

    // Admin endpoints work on the process too.
    let reset = reqwest::Client::new()
        .post(format!("{base}/_reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(fetch_stats(server.addr).await, Stats::default());

    server.child.kill().await.unwrap();
}

#[tokio::test]
async fn a_script_file_and_latency_from_flags() {
    let script =
        std::env::temp_dir().join(format!("pipec-fake-script-{}.json", std::process::id()));
    std::fs::write(
        &script,
        r#"[{"contains": "fine?", "fields": {"ok": false}}]"#,
    )
    .unwrap();
    let server = spawn(&["--script", script.to_str().unwrap(), "--latency-ms", "100"]).await;
    let base = format!("http://{}/v1", server.addr);
    let openai = OpenAiProvider::from_env(&[("OPENAI_BASE_URL", base.as_str())]).unwrap();
    let start = std::time::Instant::now();
    let response = openai.complete(&request("m")).await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(100));
    assert_eq!(
        response.text,
        "[[ ## ok ## ]]\nFalse\n\n[[ ## completed ## ]]"
    );
    std::fs::remove_file(&script).unwrap();
}

#[tokio::test]
async fn help_usage_errors_and_loopback_only() {
    let help = run(&["--help"]).await;
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("GET /_stats"));

    let bad = run(&["--fault-rate", "7"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--fault-rate"));

    let public = run(&["--addr", "0.0.0.0:0"]).await;
    assert_eq!(public.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&public.stderr).contains("not a loopback address"));
    assert!(public.stdout.is_empty());
}
