//! pipec's runtime: what `pipec run` and generated crates use to execute a checked pipeline.
//!
//! - [`executor`]: runs a checked [`executor::Program`] on tokio — the step graph with
//!   independent steps in parallel, maps, loops, branches, sub-pipelines, `set`,
//!   `transform`, `when`, per-step retries and timeouts, run-time limits, checkpoints,
//!   resume and replay.
//! - [`adapter`]: how signature calls become prompts and replies become values (DSPy's
//!   ChatAdapter / JSONAdapter, byte-exact through `pipec-adapter`, behind the
//!   [`adapter::Adapter`] trait).
//! - [`providers`]: a provider-neutral chat request and response, the OpenAI, Anthropic and
//!   Gemini HTTP clients, a replay provider, the reliability wrappers (retries, circuit
//!   breaker, rate limiter), and the registry mapping `models:` provider names to them.
//! - [`checkpoint`], [`cache`], [`events`], [`inputs`]: the SQLite checkpoint store, the
//!   response cache, the event stream and run summary, and input validation.
//!
//! **Invariant:** API keys live only inside [`providers::Secret`]. Nothing in this crate
//! prints, serialises or puts a key into an error, an event or a checkpoint; a provider's
//! error text has the key replaced before anyone sees it.

pub mod adapter;
pub mod cache;
pub mod checkpoint;
pub mod events;
pub mod executor;
pub mod inputs;
pub mod providers;
