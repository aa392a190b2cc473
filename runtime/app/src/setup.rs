//! The runtime set up from the command line: providers from the process environment (and
//! a recording with `--replay`), the SQLite checkpoint file (`--db`, default
//! `.pipec/runs.sqlite`), events (`--events FILE|-`), the progress display, the response
//! cache (`--cache`).
//!
//! `PIPEC_RETRY_BASE_MS` sets the first retry's backoff ceiling (default 500 ms; it
//! doubles each retry) — for tests and impatient local servers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pipec_runtime::cache::SqliteCache;
use pipec_runtime::checkpoint::{CheckpointStore, SqliteStore};
use pipec_runtime::events::{EventSink, JsonLines};
use pipec_runtime::executor::RunConfig;
use pipec_runtime::providers::{ProcessEnv, ProviderRegistry, ReplayProvider, RetryPolicy};

use crate::progress::{Progress, Tee};

/// The default checkpoint file, under the working directory.
pub const DEFAULT_DB: &str = ".pipec/runs.sqlite";

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The checkpoint file.
    pub db: Option<PathBuf>,
    /// `--events`: a file, or `-` for stdout.
    pub events: Option<String>,
    /// `--cache`.
    pub cache: bool,
    /// `--replay FILE`: recorded responses for the `replay` provider.
    pub replay: Option<PathBuf>,
    /// Whether to show progress on stderr.
    pub progress: bool,
}

/// The configuration and the store it writes to.
///
/// # Errors
/// A message naming the file that could not be opened.
pub fn config(options: &Options) -> Result<(RunConfig, Arc<dyn CheckpointStore>), String> {
    let db = options
        .db
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB));
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    let store: Arc<dyn CheckpointStore> = Arc::new(SqliteStore::open(&db).map_err(|e| e.message)?);
    let registry = ProviderRegistry::new(ProcessEnv);
    if let Some(path) = &options.replay {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let replay = ReplayProvider::from_jsonl(&text).map_err(|e| e.to_string())?;
        registry.insert("replay", Arc::new(replay));
    }
    let mut config = RunConfig::new(Arc::new(registry));
    config.store = Some(Arc::clone(&store));
    config.retry = retry_policy();
    let mut sinks: Vec<Arc<dyn EventSink>> = Vec::new();
    if let Some(target) = &options.events {
        sinks.push(events_sink(target)?);
    }
    if options.progress {
        sinks.push(Arc::new(Progress));
    }
    if !sinks.is_empty() {
        config.events = Some(Arc::new(Tee(sinks)));
    }
    if options.cache {
        config.cache = Some(Arc::new(SqliteCache::open(&db).map_err(|e| e.message)?));
    }
    Ok((config, store))
}

fn events_sink(target: &str) -> Result<Arc<dyn EventSink>, String> {
    if target == "-" {
        return Ok(Arc::new(JsonLines::new(std::io::stdout())));
    }
    let path = Path::new(target);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
    Ok(Arc::new(JsonLines::new(file)))
}

fn retry_policy() -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    if let Some(ms) = std::env::var("PIPEC_RETRY_BASE_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        policy.base_delay = std::time::Duration::from_millis(ms);
        policy.max_delay = policy.max_delay.max(policy.base_delay);
    }
    policy
}
