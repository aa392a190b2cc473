//! Helpers: a fake server on its own tokio runtime, a scratch directory, the binary run in
//! it with only the environment the test gives.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pipec_fake_provider::{Config, FakeServer};
use serde_json::Value;

/// A fake server and the runtime that serves it.
pub struct Fake {
    pub server: FakeServer,
    _runtime: tokio::runtime::Runtime,
}

pub fn fake(config: Config) -> Fake {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(FakeServer::start(config)).unwrap();
    Fake {
        server,
        _runtime: runtime,
    }
}

/// A fresh scratch directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pipec-run-{name}-{}-{}",
        std::process::id(),
        fastrand_u64()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fastrand_u64() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        u64::try_from(d.as_nanos() % u128::from(u64::MAX)).unwrap_or(0)
    })
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The environment pointing every provider at `server` (keys included).
pub fn env(server: &FakeServer) -> Vec<(String, String)> {
    let url = server.url();
    vec![
        ("OPENAI_BASE_URL".into(), format!("{url}/v1")),
        ("ANTHROPIC_BASE_URL".into(), url.clone()),
        ("ANTHROPIC_API_KEY".into(), "test-key".into()),
        ("GEMINI_BASE_URL".into(), url),
        ("GEMINI_API_KEY".into(), "test-key".into()),
        ("PIPEC_RETRY_BASE_MS".into(), "5".into()),
    ]
}

/// `pipec ARGS` in `dir` with exactly `env`.
pub fn pipec_command(dir: &Path, env: &[(String, String)], args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pipec"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)));
    command
}

pub fn pipec(dir: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    pipec_command(dir, env, args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON document `--format json` printed (its last line).
pub fn document(o: &Output) -> Value {
    let text = stdout(o);
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {text}\nstderr: {}", stderr(o)))
}

/// How many recorded requests contain `needle` anywhere in their body.
pub fn requests_containing(server: &FakeServer, needle: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.body.to_string().contains(needle))
        .count()
}
