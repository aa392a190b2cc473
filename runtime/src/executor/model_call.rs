//! One model call of a step: the response cache, then the provider through [`Reliable`]
//! (rate limiter ▸ circuit breaker ▸ attempt ▸ retry) with the step's `retry` and
//! `timeout`, each attempt reserving its worst case from the run's [`Budget`] first.
//!
//! [`Budget`]: super::budget::Budget

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::time::Instant;

use super::budget::{Cost, estimate_tokens};
use super::error::RunError;
use super::models::ResolvedModel;
use super::state::{RunState, millis};
use crate::events::Event;
use crate::providers::{
    ChatRequest, ChatResponse, ErrorKind, Message, Provider, ProviderError, ProviderFuture,
    Reliable, RetryEvent, RetryPolicy, Usage,
};

/// What a step's call is, for accounting and events.
#[derive(Debug, Clone, Copy)]
pub struct CallSite<'a> {
    /// The step key.
    pub key: &'a str,
    /// Attempts per call (the step's `retry`).
    pub max_attempts: u32,
    /// Per-attempt timeout in seconds (the step's `timeout`).
    pub timeout_s: Option<f64>,
    /// The adapter that formatted the messages (`chat`, `json`), or `none`.
    pub adapter: &'a str,
}

/// Sends `messages` to `model` and returns the response.
///
/// # Errors
/// P0707 when the budget refuses an attempt; the provider's failure otherwise (P0703,
/// P0704, P0705, P0709).
pub async fn complete(
    run: &RunState<'_>,
    site: CallSite<'_>,
    model: &ResolvedModel,
    messages: Vec<Message>,
) -> Result<ChatResponse, RunError> {
    let request = ChatRequest::new(model.settings.clone(), messages);
    let started = Instant::now();
    let prompt_chars: usize = request
        .messages
        .iter()
        .map(|m| m.content.chars().count())
        .sum();
    if let Some(cache) = &run.config.cache
        && let Some(response) = cache.get(&request)
    {
        run.count(|s| s.cache_hits += 1);
        emit_call(run, site, model, &response, prompt_chars, 0, true, started);
        return Ok(response);
    }
    let registered = run
        .config
        .providers
        .get(&model.provider)
        .map_err(|e| RunError::from_provider(&e))?;
    let budgeted = Budgeted {
        run,
        inner: registered.provider,
        worst: Cost::worst(
            prompt_chars,
            model.settings.max_tokens,
            model.settings.price,
        ),
        prompt_chars,
        refusal: Mutex::new(None),
        attempts: AtomicU32::new(0),
    };
    let policy = RetryPolicy {
        max_retries: site.max_attempts.saturating_sub(1),
        attempt_timeout: site
            .timeout_s
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(std::time::Duration::from_secs_f64),
        ..run.config.retry.clone()
    };
    let mut reliable = Reliable::new(budgeted, policy).with_breaker(registered.breaker);
    if let Some(sink) = run.config.events.clone() {
        let step = site.key.to_owned();
        let run_started = run.started();
        reliable = reliable.with_observer(move |retry: &RetryEvent| {
            sink.emit(&Event::Retry {
                step: step.clone(),
                provider: retry.provider.clone(),
                attempt: retry.attempt,
                error: retry.kind.code().to_owned(),
                status: retry.status,
                delay_ms: millis(retry.delay),
                at_ms: millis(run_started.elapsed()),
            });
        });
    }
    let result = reliable.complete(&request).await;
    let refusal = reliable
        .inner()
        .refusal
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    let response = match (result, refusal) {
        (_, Some(refused)) => return Err(refused),
        (Err(error), None) => return Err(RunError::from_provider(&error)),
        (Ok(response), None) => response,
    };
    let attempts = reliable.inner().attempts.load(Ordering::Relaxed);
    emit_call(
        run,
        site,
        model,
        &response,
        prompt_chars,
        attempts,
        false,
        started,
    );
    if let Some(cache) = &run.config.cache {
        cache.put(&request, &response);
    }
    Ok(response)
}

/// The tokens a call used: the provider's count, or an estimate from the texts.
fn usage_of(response: &ChatResponse, prompt_chars: usize) -> Usage {
    response.usage.unwrap_or(Usage {
        input_tokens: estimate_tokens(prompt_chars),
        output_tokens: estimate_tokens(response.text.chars().count()),
    })
}

#[allow(clippy::too_many_arguments, reason = "one event's fields")]
fn emit_call(
    run: &RunState<'_>,
    site: CallSite<'_>,
    model: &ResolvedModel,
    response: &ChatResponse,
    prompt_chars: usize,
    attempts: u32,
    cached: bool,
    started: Instant,
) {
    let usage = usage_of(response, prompt_chars);
    let cost = if cached {
        Cost::default()
    } else {
        Cost::of(usage, model.settings.price)
    };
    if !cached {
        run.count(|s| {
            s.input_tokens += usage.input_tokens;
            s.output_tokens += usage.output_tokens;
        });
    }
    tracing::info!(
        step = site.key,
        provider = %model.provider,
        model = %model.settings.model,
        input_tokens = usage.input_tokens,
        output_tokens = usage.output_tokens,
        cached,
        "model call"
    );
    run.emit(Event::ModelCall {
        step: site.key.to_owned(),
        provider: model.provider.clone(),
        model: model.settings.model.clone(),
        adapter: site.adapter.to_owned(),
        attempts,
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        cost_usd: cost.usd,
        cached,
        duration_ms: millis(started.elapsed()),
        at_ms: run.at_ms(),
    });
}

/// A provider whose every attempt first reserves its worst case from the run's budget and
/// then records what it used. A refused reservation is kept aside (the executor reports it
/// as P0707) and surfaces as a final, non-retryable error so [`Reliable`] stops at once.
struct Budgeted<'r> {
    run: &'r RunState<'r>,
    inner: Arc<dyn Provider>,
    worst: Cost,
    prompt_chars: usize,
    refusal: Mutex<Option<RunError>>,
    attempts: AtomicU32,
}

impl Provider for Budgeted<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(async move {
            let reservation = match self.run.budget.reserve(self.worst) {
                Ok(reservation) => reservation,
                Err(refused) => {
                    *self.refusal.lock().unwrap_or_else(PoisonError::into_inner) = Some(refused);
                    return Err(ProviderError::new(
                        ErrorKind::InvalidConfig,
                        self.inner.name(),
                        "the run's budget refused this call",
                    ));
                }
            };
            self.attempts.fetch_add(1, Ordering::Relaxed);
            let result = self.inner.complete(request).await;
            let used = result.as_ref().ok().map(|response| {
                Cost::of(
                    usage_of(response, self.prompt_chars),
                    request.settings.price,
                )
            });
            self.run.budget.settle(reservation, used);
            result
        })
    }
}
