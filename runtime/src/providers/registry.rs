//! [`ProviderRegistry`]: the provider names a pipeline's `models:` use, turned into
//! providers built from the environment, each with its own circuit breaker.
//!
//! | provider | wire format | key variable | base URL variable (default) |
//! |---|---|---|---|
//! | `openai` | OpenAI | `OPENAI_API_KEY` | `OPENAI_BASE_URL` (`https://api.openai.com/v1`) |
//! | `anthropic` | Anthropic | `ANTHROPIC_API_KEY` | `ANTHROPIC_BASE_URL` (`https://api.anthropic.com`) |
//! | `gemini` | Gemini | `GEMINI_API_KEY` | `GEMINI_BASE_URL` (`https://generativelanguage.googleapis.com`) |
//! | `ollama` | OpenAI | `OLLAMA_API_KEY` (optional) | `OLLAMA_BASE_URL` (`http://localhost:11434/v1`) |
//! | `vllm` | OpenAI | `VLLM_API_KEY` (optional) | `VLLM_BASE_URL` (`http://localhost:8000/v1`) |
//! | `openai_compatible` | OpenAI | `OPENAI_COMPATIBLE_API_KEY` (optional) | `OPENAI_COMPATIBLE_BASE_URL` (required) |
//!
//! `replay` has no environment: the caller inserts a [`ReplayProvider`](super::ReplayProvider)
//! (`pipec run --replay FILE`). Providers are built on first use, so a pipeline whose
//! Anthropic step never runs needs no Anthropic key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::breaker::{BreakerConfig, CircuitBreaker};
use super::env::{Env, non_empty};
use super::error::{ErrorKind, ProviderError};
use super::http::{ApiFormat, HttpConfig};
use super::secret::Secret;
use super::{AnthropicProvider, GeminiProvider, OpenAiProvider, Provider};

/// How to reach one named provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderSpec {
    /// The name used in `models:` (`ollama`).
    pub name: &'static str,
    /// The wire format it speaks.
    pub format: ApiFormat,
    /// The variable holding its key.
    pub key_var: &'static str,
    /// The variable overriding its base URL.
    pub base_url_var: &'static str,
    /// Its base URL when the variable is unset; `None` when the variable is required.
    pub default_base_url: Option<&'static str>,
}

/// Every provider name with an environment, in the order of the table above.
pub const PROVIDER_SPECS: &[ProviderSpec] = &[
    ProviderSpec {
        name: "openai",
        format: ApiFormat::OpenAi,
        key_var: "OPENAI_API_KEY",
        base_url_var: "OPENAI_BASE_URL",
        default_base_url: Some("https://api.openai.com/v1"),
    },
    ProviderSpec {
        name: "anthropic",
        format: ApiFormat::Anthropic,
        key_var: "ANTHROPIC_API_KEY",
        base_url_var: "ANTHROPIC_BASE_URL",
        default_base_url: Some("https://api.anthropic.com"),
    },
    ProviderSpec {
        name: "gemini",
        format: ApiFormat::Gemini,
        key_var: "GEMINI_API_KEY",
        base_url_var: "GEMINI_BASE_URL",
        default_base_url: Some("https://generativelanguage.googleapis.com"),
    },
    ProviderSpec {
        name: "ollama",
        format: ApiFormat::OpenAi,
        key_var: "OLLAMA_API_KEY",
        base_url_var: "OLLAMA_BASE_URL",
        default_base_url: Some("http://localhost:11434/v1"),
    },
    ProviderSpec {
        name: "vllm",
        format: ApiFormat::OpenAi,
        key_var: "VLLM_API_KEY",
        base_url_var: "VLLM_BASE_URL",
        default_base_url: Some("http://localhost:8000/v1"),
    },
    ProviderSpec {
        name: "openai_compatible",
        format: ApiFormat::OpenAi,
        key_var: "OPENAI_COMPATIBLE_API_KEY",
        base_url_var: "OPENAI_COMPATIBLE_BASE_URL",
        default_base_url: None,
    },
];

/// The spec of a provider name, if it has an environment.
#[must_use]
pub fn provider_spec(name: &str) -> Option<&'static ProviderSpec> {
    PROVIDER_SPECS.iter().find(|spec| spec.name == name)
}

/// A provider ready to call, with the breaker every call to it shares.
#[derive(Clone)]
pub struct RegisteredProvider {
    /// The provider (one attempt per call).
    pub provider: Arc<dyn Provider>,
    /// Its circuit breaker.
    pub breaker: Arc<CircuitBreaker>,
}

/// Providers by name, built on first use.
pub struct ProviderRegistry {
    env: Box<dyn Env + Send + Sync>,
    breaker: BreakerConfig,
    providers: Mutex<HashMap<String, RegisteredProvider>>,
}

impl std::fmt::Debug for ProviderRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderRegistry")
            .field("breaker", &self.breaker)
            .finish_non_exhaustive()
    }
}

impl ProviderRegistry {
    /// A registry reading `env`, with default breakers.
    #[must_use]
    pub fn new(env: impl Env + Send + Sync + 'static) -> ProviderRegistry {
        ProviderRegistry {
            env: Box::new(env),
            breaker: BreakerConfig::default(),
            providers: Mutex::new(HashMap::new()),
        }
    }

    /// The same registry whose breakers use `config`.
    #[must_use]
    pub fn with_breaker(mut self, config: BreakerConfig) -> ProviderRegistry {
        self.breaker = config;
        self
    }

    /// Serves `name` with `provider` (a replay provider, a test double) instead of the
    /// environment's.
    pub fn insert(&self, name: &str, provider: Arc<dyn Provider>) {
        let registered = RegisteredProvider {
            provider,
            breaker: Arc::new(CircuitBreaker::new(self.breaker.clone())),
        };
        self.lock().insert(name.to_owned(), registered);
    }

    /// The provider called `name`, built from the environment on first use.
    ///
    /// # Errors
    /// [`ErrorKind::MissingApiKey`] when its key is required and unset,
    /// [`ErrorKind::InvalidConfig`] for an unknown name or an unusable base URL.
    pub fn get(&self, name: &str) -> Result<RegisteredProvider, ProviderError> {
        if let Some(found) = self.lock().get(name) {
            return Ok(found.clone());
        }
        let provider = self.build(name)?;
        let registered = RegisteredProvider {
            provider,
            breaker: Arc::new(CircuitBreaker::new(self.breaker.clone())),
        };
        // Two steps may build the same provider at once; the first one stored wins, so
        // every caller shares one breaker.
        Ok(self
            .lock()
            .entry(name.to_owned())
            .or_insert(registered)
            .clone())
    }

    fn build(&self, name: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        let Some(spec) = provider_spec(name) else {
            let message = if name == "replay" {
                "no recording loaded: pass `--replay FILE` to serve recorded responses".to_owned()
            } else {
                format!("unknown provider `{name}`")
            };
            return Err(ProviderError::new(ErrorKind::InvalidConfig, name, message));
        };
        let env = &*self.env;
        let base_url = non_empty(env, spec.base_url_var)
            .or_else(|| spec.default_base_url.map(str::to_owned))
            .ok_or_else(|| {
                ProviderError::new(
                    ErrorKind::InvalidConfig,
                    name,
                    format!("set {} to the server's base URL", spec.base_url_var),
                )
            })?;
        let mut config = HttpConfig::new(name, base_url);
        config.api_key = non_empty(env, spec.key_var).and_then(Secret::new);
        Ok(match spec.format {
            ApiFormat::OpenAi => Arc::new(OpenAiProvider::new(&config)?),
            ApiFormat::Anthropic => Arc::new(AnthropicProvider::new(&config)?),
            ApiFormat::Gemini => Arc::new(GeminiProvider::new(&config)?),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, RegisteredProvider>> {
        self.providers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_servers_need_no_key_and_vendors_do() {
        let registry = ProviderRegistry::new([("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1")]);
        assert!(registry.get("ollama").is_ok());
        assert!(registry.get("vllm").is_ok());
        let missing = registry.get("anthropic").err().map(|e| e.kind());
        assert_eq!(missing, Some(ErrorKind::MissingApiKey));
        let compatible = registry.get("openai_compatible").err().map(|e| e.kind());
        assert_eq!(compatible, Some(ErrorKind::InvalidConfig));
        let replay = registry.get("replay").err().map(|e| e.message().to_owned());
        assert!(replay.is_some_and(|m| m.contains("--replay")));
    }

    #[test]
    fn one_provider_and_breaker_per_name() {
        let registry = ProviderRegistry::new([("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")]);
        let a = registry.get("openai").ok().map(|r| r.breaker);
        let b = registry.get("openai").ok().map(|r| r.breaker);
        assert!(matches!((a, b), (Some(a), Some(b)) if Arc::ptr_eq(&a, &b)));
    }
}
