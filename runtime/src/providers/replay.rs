//! Recorded responses: [`ReplayProvider`] answers from a recording, keyed by the exact
//! request, with no network; [`Recorder`] wraps a real provider and writes the recording.
//!
//! A recording is JSON Lines, one `{"request": ChatRequest, "response": ChatResponse}` per
//! line. Two requests match when their [`ChatRequest::key`]s are equal: the same model,
//! temperature, max_tokens and messages, byte for byte.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::error::{ErrorKind, ProviderError};
use super::request::ChatRequest;
use super::response::ChatResponse;
use super::{Provider, ProviderFuture};

/// One line of a recording.
#[derive(Serialize, Deserialize)]
struct Entry {
    request: ChatRequest,
    response: ChatResponse,
}

/// Serves recorded responses for tests and benchmarks.
#[derive(Debug, Default)]
pub struct ReplayProvider {
    responses: HashMap<String, ChatResponse>,
    calls: AtomicU64,
}

impl ReplayProvider {
    /// An empty recording.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A provider serving the recording in `jsonl` (blank lines are skipped; a later line
    /// for the same request replaces an earlier one).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the first line that is not a recording entry.
    pub fn from_jsonl(jsonl: &str) -> Result<Self, ProviderError> {
        let mut replay = Self::new();
        for (index, line) in jsonl.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: Entry = serde_json::from_str(line).map_err(|error| {
                ProviderError::new(
                    ErrorKind::InvalidConfig,
                    "replay",
                    format!("recording line {}: {error}", index + 1),
                )
            })?;
            replay.insert(&entry.request, entry.response);
        }
        Ok(replay)
    }

    /// Records `response` as the answer to `request`.
    pub fn insert(&mut self, request: &ChatRequest, response: ChatResponse) {
        self.responses.insert(request.key(), response);
    }

    /// How many recordings there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.responses.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.responses.is_empty()
    }

    /// How many calls were answered (misses included).
    #[must_use]
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn lookup(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let key = request.key();
        self.responses.get(&key).cloned().ok_or_else(|| {
            let mut hasher = DefaultHasher::new();
            key.hash(&mut hasher);
            ProviderError::new(
                ErrorKind::ReplayMiss,
                "replay",
                format!(
                    "no recording for this request (model `{}`, {} messages, key {:016x})",
                    request.settings.model,
                    request.messages.len(),
                    hasher.finish()
                ),
            )
        })
    }
}

impl Provider for ReplayProvider {
    fn name(&self) -> &str {
        "replay"
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        let result = self.lookup(request);
        Box::pin(async move { result })
    }
}

/// Wraps a provider and keeps every successful exchange, to be saved as a recording.
#[derive(Debug)]
pub struct Recorder<P> {
    inner: P,
    entries: Mutex<Vec<String>>,
}

impl<P: Provider> Recorder<P> {
    /// A recorder around `inner`.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The recording so far, as JSON Lines for [`ReplayProvider::from_jsonl`].
    #[must_use]
    pub fn to_jsonl(&self) -> String {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut text = String::new();
        for line in entries.iter() {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

impl<P: Provider> Provider for Recorder<P> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(async move {
            let response = self.inner.complete(request).await?;
            let entry = Entry {
                request: request.clone(),
                response: response.clone(),
            };
            if let Ok(line) = serde_json::to_string(&entry) {
                self.entries
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(line);
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::request::{Message, ModelSettings};

    fn request(text: &str) -> ChatRequest {
        ChatRequest::new(ModelSettings::new("m"), vec![Message::user(text)])
    }

    #[tokio::test]
    async fn replays_exact_requests_only() {
        let mut replay = ReplayProvider::new();
        replay.insert(&request("a"), ChatResponse::text("A"));
        assert_eq!(replay.complete(&request("a")).await.unwrap().text, "A");
        let miss = replay.complete(&request("a ")).await.unwrap_err();
        assert_eq!(miss.kind(), ErrorKind::ReplayMiss);
        assert!(
            miss.to_string()
                .starts_with("replay: no recorded response: no recording"),
            "{miss}"
        );
        assert_eq!(replay.calls(), 2);
    }

    #[tokio::test]
    async fn a_recording_replays() {
        let mut source = ReplayProvider::new();
        source.insert(&request("q1"), ChatResponse::text("r1"));
        source.insert(&request("q2"), ChatResponse::text("r2"));
        let recorder = Recorder::new(source);
        recorder.complete(&request("q1")).await.unwrap();
        recorder.complete(&request("q2")).await.unwrap();
        assert!(recorder.complete(&request("q3")).await.is_err());
        let jsonl = recorder.to_jsonl();
        assert_eq!(jsonl.lines().count(), 2);

        let replay = ReplayProvider::from_jsonl(&format!("\n{jsonl}\n")).unwrap();
        assert_eq!(replay.len(), 2);
        assert_eq!(replay.complete(&request("q2")).await.unwrap().text, "r2");
    }

    #[test]
    fn a_bad_line_is_named() {
        let error = ReplayProvider::from_jsonl("\n{\"request\": 1}\n").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidConfig);
        assert!(error.message().starts_with("recording line 2:"), "{error}");
    }
}
