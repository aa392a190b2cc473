//! The response cache (`pipec run --cache`): a model call whose exact request
//! ([`ChatRequest::key`]: model, temperature, max_tokens, messages) was answered before
//! gets the stored response instead of a call. It spends no budget and counts as a cache
//! hit in the summary. [`SqliteCache`] keeps responses in the checkpoint file's
//! `responses` table, so they outlive the run.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::checkpoint::StoreError;
use crate::checkpoint::sqlite_support::{now_ms, open_connection};
use crate::providers::{ChatRequest, ChatResponse};

/// Responses by request.
pub trait ResponseCache: Send + Sync {
    /// The stored response to `request`, if any.
    fn get(&self, request: &ChatRequest) -> Option<ChatResponse>;
    /// Stores `response` as the answer to `request`. A cache that cannot write drops it.
    fn put(&self, request: &ChatRequest, response: &ChatResponse);
}

/// Responses in a SQLite file (the checkpoint database).
#[derive(Debug)]
pub struct SqliteCache {
    connection: Mutex<Connection>,
}

impl SqliteCache {
    /// Opens the cache in the SQLite file at `path` (created if needed).
    ///
    /// # Errors
    /// When the file cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteCache, StoreError> {
        Ok(SqliteCache {
            connection: Mutex::new(open_connection(path.as_ref())?),
        })
    }
}

impl ResponseCache for SqliteCache {
    fn get(&self, request: &ChatRequest) -> Option<ChatResponse> {
        let connection = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let text: Option<String> = connection
            .query_row(
                "SELECT response FROM responses WHERE key = ?1",
                params![request.key()],
                |row| row.get(0),
            )
            .optional()
            .ok()
            .flatten();
        text.and_then(|t| serde_json::from_str(&t).ok())
    }

    fn put(&self, request: &ChatRequest, response: &ChatResponse) {
        let Ok(text) = serde_json::to_string(response) else {
            return;
        };
        let connection = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // A cache that cannot write only costs a later call; the run goes on.
        let _ = connection.execute(
            "INSERT OR REPLACE INTO responses (key, response, created_ms) VALUES (?1, ?2, ?3)",
            params![request.key(), text, now_ms()],
        );
    }
}

/// Responses in memory.
#[derive(Debug, Default)]
pub struct MemoryCache {
    responses: Mutex<HashMap<String, ChatResponse>>,
}

impl ResponseCache for MemoryCache {
    fn get(&self, request: &ChatRequest) -> Option<ChatResponse> {
        self.responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&request.key())
            .cloned()
    }

    fn put(&self, request: &ChatRequest, response: &ChatResponse) {
        self.responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(request.key(), response.clone());
    }
}
