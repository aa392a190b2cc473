//! [`SqliteStore`]: checkpoints in an embedded SQLite file (rusqlite, SQLite compiled in).
//!
//! WAL mode with `synchronous=FULL`: each step is one transaction whose commit is synced
//! to disk before `save_step` returns, so the next step never starts before the previous
//! one is durable, and a killed process loses at most the steps that were still running.
//! Tables (schema version 1, in `PRAGMA user_version`):
//!
//! ```sql
//! runs(run_id PK, pipeline, pipeline_hash, file, inputs JSON, status, parent,
//!      outputs JSON, error JSON, created_ms, updated_ms)
//! steps(run_id, key, status, result JSON, seq, finished_ms, PRIMARY KEY(run_id, key))
//! responses(key PK, response JSON, created_ms)   -- the response cache, see crate::cache
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::{CheckpointStore, RunRecord, RunStatus, StepRecord, StoreError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    pipeline TEXT NOT NULL,
    pipeline_hash TEXT NOT NULL,
    file TEXT NOT NULL,
    inputs TEXT NOT NULL,
    status TEXT NOT NULL,
    parent TEXT,
    outputs TEXT,
    error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL,
    seq INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    response TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
PRAGMA user_version = 1;
";

/// Checkpoints in a SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Mutex<Connection>,
    path: PathBuf,
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Opens (creating if needed) a SQLite file in WAL mode with `synchronous=FULL` and the
/// checkpoint tables.
pub(crate) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let failed =
        |e: rusqlite::Error| StoreError::new(format!("cannot open `{}`: {e}", path.display()));
    let connection = Connection::open(path).map_err(failed)?;
    connection
        .busy_timeout(std::time::Duration::from_secs(10))
        .map_err(failed)?;
    // `journal_mode` answers with the mode it set; WAL lets a reader (another `pipec`)
    // look at runs while one writes.
    connection
        .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(failed)?;
    connection
        .execute_batch("PRAGMA synchronous = FULL;")
        .map_err(failed)?;
    connection.execute_batch(SCHEMA).map_err(failed)?;
    Ok(connection)
}

impl SqliteStore {
    /// Opens the store at `path`, creating the file and its tables if needed (its
    /// directory must exist).
    ///
    /// # Errors
    /// When the file cannot be opened or is not a pipec checkpoint database.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let connection = open_connection(&path)?;
        Ok(SqliteStore {
            connection: Mutex::new(connection),
            path,
        })
    }

    /// The file it writes.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let connection = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&connection)
            .map_err(|e| StoreError::new(format!("{what} in `{}`: {e}", self.path.display())))
    }
}

fn json_text(value: &Value) -> String {
    value.to_string()
}

fn parse_json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl CheckpointStore for SqliteStore {
    fn create_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        let now = now_ms();
        self.with("cannot record the run", |c| {
            c.execute(
                "INSERT OR REPLACE INTO runs (run_id, pipeline, pipeline_hash, file, inputs, status, parent, outputs, error, created_ms, updated_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    run.run_id,
                    run.pipeline,
                    run.pipeline_hash,
                    run.file,
                    json_text(&run.inputs),
                    run.status.as_str(),
                    run.parent,
                    run.outputs.as_ref().map(json_text),
                    run.error.as_ref().map(json_text),
                    now
                ],
            )
            .map(drop)
        })
    }

    fn save_step(
        &self,
        run_id: &str,
        key: &str,
        status: &str,
        result: &Value,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        self.with("cannot save the checkpoint", |c| {
            c.execute(
                "INSERT OR REPLACE INTO steps (run_id, key, status, result, seq, finished_ms)
                 VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run_id = ?1), ?5)",
                params![run_id, key, status, json_text(result), now],
            )
            .map(drop)
        })
    }

    fn finish_run(
        &self,
        run_id: &str,
        status: RunStatus,
        outputs: Option<&Value>,
        error: Option<&Value>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        self.with("cannot record the run's end", |c| {
            c.execute(
                "UPDATE runs SET status = ?2, outputs = ?3, error = ?4, updated_ms = ?5 WHERE run_id = ?1",
                params![
                    run_id,
                    status.as_str(),
                    outputs.map(json_text),
                    error.map(json_text),
                    now
                ],
            )
            .map(drop)
        })
    }

    fn load(&self, run_id: &str) -> Result<Option<(RunRecord, Vec<StepRecord>)>, StoreError> {
        self.with("cannot read the run", |c| {
            let run = c
                .query_row(
                    "SELECT run_id, pipeline, pipeline_hash, file, inputs, status, parent, outputs, error FROM runs WHERE run_id = ?1",
                    params![run_id],
                    |row| {
                        let status: String = row.get(5)?;
                        Ok(RunRecord {
                            run_id: row.get(0)?,
                            pipeline: row.get(1)?,
                            pipeline_hash: row.get(2)?,
                            file: row.get(3)?,
                            inputs: parse_json(row.get(4)?).unwrap_or(Value::Null),
                            status: RunStatus::parse(&status).unwrap_or(RunStatus::Failed),
                            parent: row.get(6)?,
                            outputs: parse_json(row.get(7)?),
                            error: parse_json(row.get(8)?),
                        })
                    },
                )
                .optional()?;
            let Some(run) = run else {
                return Ok(None);
            };
            let mut statement = c.prepare(
                "SELECT key, status, result, seq FROM steps WHERE run_id = ?1 ORDER BY seq",
            )?;
            let steps = statement
                .query_map(params![run_id], |row| {
                    let seq: i64 = row.get(3)?;
                    Ok(StepRecord {
                        key: row.get(0)?,
                        status: row.get(1)?,
                        result: parse_json(row.get(2)?).unwrap_or(Value::Null),
                        seq: u64::try_from(seq).unwrap_or(0),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some((run, steps)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "pipec-store-{}-{}-{name}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("runs.sqlite")
    }

    #[test]
    fn runs_and_steps_survive_reopening() {
        let path = temp("reopen");
        {
            let store = SqliteStore::open(&path).unwrap();
            store
                .create_run(&RunRecord {
                    run_id: "r1".into(),
                    pipeline: "p".into(),
                    pipeline_hash: "h".into(),
                    file: "p.yaml".into(),
                    inputs: json!({"x": 1}),
                    status: RunStatus::Running,
                    parent: None,
                    outputs: None,
                    error: None,
                })
                .unwrap();
            store.save_step("r1", "a", "ok", &json!({"v": 1})).unwrap();
            store.save_step("r1", "b", "skipped", &Value::Null).unwrap();
            store.save_step("r1", "a", "ok", &json!({"v": 2})).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let (run, steps) = store.load("r1").unwrap().unwrap();
        assert_eq!(run.inputs, json!({"x": 1}));
        assert_eq!(run.status, RunStatus::Running);
        let keys: Vec<(&str, u64)> = steps.iter().map(|s| (s.key.as_str(), s.seq)).collect();
        assert_eq!(keys, [("b", 2), ("a", 3)]);
        assert_eq!(steps[1].result, json!({"v": 2}));
        store
            .finish_run("r1", RunStatus::Succeeded, Some(&json!({"o": 1})), None)
            .unwrap();
        let (run, _) = store.load("r1").unwrap().unwrap();
        assert_eq!(run.status, RunStatus::Succeeded);
        assert_eq!(run.outputs, Some(json!({"o": 1})));
        assert!(store.load("nope").unwrap().is_none());
        let mode: String = store
            .with("read", |c| {
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))
            })
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_an_error() {
        let path = temp("garbage");
        std::fs::write(&path, b"this is not a database, just text").unwrap();
        let error = SqliteStore::open(&path).unwrap_err();
        assert!(error.message.contains("cannot open"), "{error}");
    }
}
