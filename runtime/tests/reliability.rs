//! The reliability layer on a scripted in-process provider, with tokio's paused clock: exact
//! waits, no network, no real sleeping.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pipec_runtime::providers::{
    BreakerConfig, BreakerState, ChatRequest, ChatResponse, CircuitBreaker, ErrorKind, Message,
    ModelSettings, Provider, ProviderError, ProviderFuture, RateLimiter, Reliable, ReplayProvider,
    RetryEvent, RetryPolicy,
};
use tokio::time::Instant;

/// What the scripted provider does on one call.
#[derive(Clone)]
enum Step {
    Answer,
    Fail(ErrorKind, Option<u16>, Option<Duration>),
    Hang,
}

fn fail(kind: ErrorKind, status: u16) -> Step {
    Step::Fail(kind, Some(status), None)
}

/// A provider that plays `steps` in order (then answers), and notes when each call began.
struct Scripted {
    steps: Mutex<VecDeque<Step>>,
    calls: Mutex<Vec<Instant>>,
}

impl Scripted {
    fn new(steps: &[Step]) -> Self {
        Self {
            steps: Mutex::new(steps.iter().cloned().collect()),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn calls(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

impl Provider for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn complete<'a>(&'a self, _request: &'a ChatRequest) -> ProviderFuture<'a> {
        self.calls.lock().unwrap().push(Instant::now());
        let step = self
            .steps
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Step::Answer);
        Box::pin(async move {
            match step {
                Step::Answer => Ok(ChatResponse::text("ok")),
                Step::Fail(kind, status, retry_after) => {
                    let mut error = ProviderError::new(kind, "scripted", "scripted failure")
                        .with_retry_after(retry_after);
                    if let Some(status) = status {
                        error = error.with_status(status);
                    }
                    Err(error)
                }
                Step::Hang => std::future::pending().await,
            }
        })
    }
}

fn request() -> ChatRequest {
    ChatRequest::new(ModelSettings::new("m"), vec![Message::user("q")])
}

fn policy(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(10),
        ..RetryPolicy::default()
    }
}

fn recorder() -> (
    Arc<Mutex<Vec<RetryEvent>>>,
    impl Fn(&RetryEvent) + Send + Sync + 'static,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    (events, move |event: &RetryEvent| {
        sink.lock().unwrap().push(event.clone())
    })
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_waited_exactly_when_longer_than_the_backoff() {
    let provider = Scripted::new(&[Step::Fail(
        ErrorKind::RateLimited,
        Some(429),
        Some(Duration::from_secs(7)),
    )]);
    let reliable = Reliable::new(provider, policy(3));
    let start = Instant::now();
    reliable.complete(&request()).await.unwrap();
    // The backoff before retry 1 is at most 100 ms; the server asked for 7 s.
    assert_eq!(start.elapsed(), Duration::from_secs(7));
    let calls = reliable.inner().calls.lock().unwrap().clone();
    assert_eq!(calls[1] - calls[0], Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_fails_at_once() {
    let provider = Scripted::new(&[Step::Fail(
        ErrorKind::RateLimited,
        Some(429),
        Some(Duration::from_secs(3600)),
    )]);
    let reliable = Reliable::new(provider, policy(3));
    let start = Instant::now();
    let error = reliable.complete(&request()).await.unwrap_err();
    assert_eq!(
        (error.kind(), error.attempts()),
        (ErrorKind::RateLimited, 1)
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn backoff_is_exponential_with_full_jitter() {
    let steps = vec![fail(ErrorKind::ServerError, 503); 6];
    let (events, observer) = recorder();
    let reliable = Reliable::new(Scripted::new(&steps), policy(6))
        .with_observer(observer)
        .with_seed(3);
    let start = Instant::now();
    reliable.complete(&request()).await.unwrap();
    let events = events.lock().unwrap().clone();
    assert_eq!(events.len(), 6);
    let mut total = Duration::ZERO;
    for (index, event) in events.iter().enumerate() {
        let ceiling = Duration::from_millis(100) * 2_u32.pow(u32::try_from(index).unwrap());
        assert!(
            event.delay <= ceiling,
            "retry {}: {:?} > {ceiling:?}",
            index + 1,
            event.delay
        );
        assert_eq!(
            (event.attempt, event.status),
            (u32::try_from(index).unwrap() + 1, Some(503))
        );
        total += event.delay;
    }
    // Jitter: the six waits are not all the same, and the clock moved by their sum (tokio's
    // timer rounds each one up to the next millisecond).
    assert!(events.windows(2).any(|pair| pair[0].delay != pair[1].delay));
    let elapsed = start.elapsed();
    assert!(
        elapsed >= total && elapsed <= total + Duration::from_millis(6),
        "{elapsed:?}"
    );

    // The same seed gives the same waits.
    let (again, observer) = recorder();
    let reliable = Reliable::new(Scripted::new(&steps), policy(6))
        .with_observer(observer)
        .with_seed(3);
    reliable.complete(&request()).await.unwrap();
    let delays = |events: &[RetryEvent]| events.iter().map(|e| e.delay).collect::<Vec<_>>();
    assert_eq!(delays(&again.lock().unwrap()), delays(&events));
}

#[tokio::test(start_paused = true)]
async fn client_errors_and_final_kinds_are_never_retried() {
    let finals = [
        fail(ErrorKind::BadRequest, 400),
        fail(ErrorKind::Auth, 401),
        fail(ErrorKind::Auth, 403),
        fail(ErrorKind::BadRequest, 404),
        fail(ErrorKind::BadRequest, 422),
        Step::Fail(ErrorKind::MissingApiKey, None, None),
        Step::Fail(ErrorKind::InvalidConfig, None, None),
        Step::Fail(ErrorKind::ReplayMiss, None, None),
    ];
    for step in finals {
        let reliable = Reliable::new(Scripted::new(&[step]), policy(5));
        let error = reliable.complete(&request()).await.unwrap_err();
        assert_eq!(error.attempts(), 1, "{error}");
        assert_eq!(reliable.inner().calls(), 1, "{error}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_retryable_kind_is_retried() {
    for kind in [
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::RateLimited,
        ErrorKind::ServerError,
        ErrorKind::TruncatedBody,
        ErrorKind::InvalidResponse,
    ] {
        let reliable = Reliable::new(Scripted::new(&[Step::Fail(kind, None, None)]), policy(1));
        reliable.complete(&request()).await.unwrap();
        assert_eq!(reliable.inner().calls(), 2, "{kind}");
    }
}

#[tokio::test(start_paused = true)]
async fn exhausted_retries_report_the_attempts() {
    let steps = vec![fail(ErrorKind::ServerError, 502); 10];
    let reliable = Reliable::new(Scripted::new(&steps), policy(3));
    let error = reliable.complete(&request()).await.unwrap_err();
    assert_eq!(
        (error.kind(), error.status(), error.attempts()),
        (ErrorKind::ServerError, Some(502), 4)
    );
    assert_eq!(
        error.to_string(),
        "scripted: server error (HTTP 502): scripted failure (after 4 attempts)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hung_attempt_times_out_and_is_retried() {
    let policy = RetryPolicy {
        attempt_timeout: Some(Duration::from_secs(5)),
        ..policy(2)
    };
    let (events, observer) = recorder();
    let reliable = Reliable::new(Scripted::new(&[Step::Hang]), policy).with_observer(observer);
    let start = Instant::now();
    assert_eq!(reliable.complete(&request()).await.unwrap().text, "ok");
    assert!(start.elapsed() >= Duration::from_secs(5));
    assert!(start.elapsed() <= Duration::from_millis(5_100));
    assert_eq!(events.lock().unwrap()[0].kind, ErrorKind::Timeout);
    assert_eq!(reliable.inner().calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_elapsed_budget_stops_retries_that_would_pass_it() {
    let policy = RetryPolicy {
        max_elapsed: Some(Duration::from_secs(10)),
        ..policy(10)
    };
    let steps = [
        Step::Fail(
            ErrorKind::RateLimited,
            Some(429),
            Some(Duration::from_secs(6)),
        ),
        Step::Fail(
            ErrorKind::RateLimited,
            Some(429),
            Some(Duration::from_secs(6)),
        ),
    ];
    let reliable = Reliable::new(Scripted::new(&steps), policy);
    let start = Instant::now();
    let error = reliable.complete(&request()).await.unwrap_err();
    assert_eq!(
        (error.kind(), error.attempts()),
        (ErrorKind::RateLimited, 2)
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(6),
        "the second 6 s wait would pass 10 s"
    );
}

#[tokio::test(start_paused = true)]
async fn the_breaker_fails_fast_then_probes_after_the_cooldown() {
    let breaker = Arc::new(CircuitBreaker::new(BreakerConfig {
        failure_threshold: 2,
        cooldown: Duration::from_secs(30),
        ..BreakerConfig::default()
    }));
    let steps = vec![fail(ErrorKind::ServerError, 500); 3];
    let reliable = Reliable::new(Scripted::new(&steps), RetryPolicy::none())
        .with_breaker(Arc::clone(&breaker));
    for _ in 0..2 {
        assert_eq!(
            reliable.complete(&request()).await.unwrap_err().kind(),
            ErrorKind::ServerError
        );
    }
    let open = reliable.complete(&request()).await.unwrap_err();
    assert_eq!((open.kind(), open.attempts()), (ErrorKind::CircuitOpen, 0));
    assert!(open.to_string().contains("next probe in 30.000s"), "{open}");
    assert_eq!(reliable.inner().calls(), 2, "no call while open");

    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(breaker.state(), BreakerState::HalfOpen);
    assert_eq!(
        reliable.complete(&request()).await.unwrap_err().kind(),
        ErrorKind::ServerError
    );
    assert_eq!(breaker.state(), BreakerState::Open);
    tokio::time::advance(Duration::from_secs(30)).await;
    reliable.complete(&request()).await.unwrap();
    assert_eq!(breaker.state(), BreakerState::Closed);
    assert_eq!(reliable.inner().calls(), 4);
}

#[tokio::test(start_paused = true)]
async fn client_errors_and_429s_do_not_open_the_breaker() {
    let breaker = Arc::new(CircuitBreaker::new(BreakerConfig {
        failure_threshold: 2,
        ..BreakerConfig::default()
    }));
    let mut steps = vec![fail(ErrorKind::BadRequest, 400); 5];
    steps.extend(vec![fail(ErrorKind::RateLimited, 429); 5]);
    let reliable = Reliable::new(Scripted::new(&steps), RetryPolicy::none())
        .with_breaker(Arc::clone(&breaker));
    for _ in 0..10 {
        let error = reliable.complete(&request()).await.unwrap_err();
        assert_ne!(error.kind(), ErrorKind::CircuitOpen);
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn retries_inside_one_call_can_open_the_breaker() {
    let breaker = Arc::new(CircuitBreaker::new(BreakerConfig {
        failure_threshold: 3,
        ..BreakerConfig::default()
    }));
    let steps = vec![fail(ErrorKind::ServerError, 500); 10];
    let reliable =
        Reliable::new(Scripted::new(&steps), policy(10)).with_breaker(Arc::clone(&breaker));
    let error = reliable.complete(&request()).await.unwrap_err();
    assert_eq!(
        (error.kind(), error.attempts()),
        (ErrorKind::CircuitOpen, 3)
    );
    assert_eq!(reliable.inner().calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_rate_limiter_spaces_attempts_fairly() {
    let limiter = Arc::new(RateLimiter::per_second(10.0).unwrap());
    let reliable =
        Arc::new(Reliable::new(Scripted::new(&[]), RetryPolicy::none()).with_rate_limiter(limiter));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let reliable = Arc::clone(&reliable);
        tasks.push(tokio::spawn(
            async move { reliable.complete(&request()).await },
        ));
        tokio::task::yield_now().await;
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let offsets: Vec<Duration> = reliable
        .inner()
        .calls
        .lock()
        .unwrap()
        .iter()
        .map(|at| *at - start)
        .collect();
    let expected: Vec<Duration> = (0..5).map(|i| Duration::from_millis(100 * i)).collect();
    assert_eq!(offsets, expected);
}

#[tokio::test(start_paused = true)]
async fn a_replay_miss_is_final() {
    let mut replay = ReplayProvider::new();
    replay.insert(&request(), ChatResponse::text("recorded"));
    let reliable = Reliable::new(replay, policy(5));
    assert_eq!(
        reliable.complete(&request()).await.unwrap().text,
        "recorded"
    );
    let mut other = request();
    other.messages.push(Message::assistant("more"));
    let error = reliable.complete(&other).await.unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::ReplayMiss, 1));
    assert_eq!(reliable.inner().calls(), 2);
}
