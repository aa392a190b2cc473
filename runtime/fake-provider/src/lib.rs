//! A fake model provider for tests and benchmarks: a real HTTP server on loopback that
//! speaks the OpenAI chat-completions, Anthropic Messages and Gemini `generateContent` wire
//! formats and answers in DSPy's ChatAdapter format, built from the prompt's own field list.
//!
//! It can be slow on purpose (latency), fail on purpose (5xx, 429 with `Retry-After`,
//! hangs, truncated and garbage bodies, at a rate drawn from a seeded generator or in a
//! fixed plan), answer from a script (a prompt substring mapped to a canned reply, field
//! values or an error), and it counts what it received (`GET /_stats`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use pipec_fake_provider::{Config, FakeServer};
//! let server = FakeServer::start(Config { latency_ms: 50, ..Config::default() }).await?;
//! let base_url = format!("{}/v1", server.url()); // for an OpenAI client
//! // ... run the client ...
//! assert_eq!(server.stats().requests, 0);
//! # let _ = base_url; Ok(()) }
//! ```
//!
//! It only ever binds loopback addresses.

pub mod adapter;
mod body;
mod config;
mod schema;
mod server;
mod stats;
mod wire;

pub use config::{Config, Fault, Rule, parse_script};
pub use server::{FakeServer, RecordedRequest};
pub use stats::{FaultCounts, FormatCounts, Stats};
pub use wire::Format;
