//! pipec's runtime: what `pipec run` and generated crates use to execute a checked pipeline.
//!
//! This first part is the provider layer ([`providers`]): a provider-neutral chat request
//! and response, the OpenAI, Anthropic and Gemini HTTP clients, a replay provider, and the
//! reliability wrappers (retries, circuit breaker, rate limiter). The executor, the
//! DSPy-exact prompts and the checkpoints build on it.
//!
//! **Invariant:** API keys live only inside [`providers::Secret`]. Nothing in this crate
//! prints, serialises or puts a key into an error; a provider's error text has the key
//! replaced before anyone sees it.

pub mod providers;
