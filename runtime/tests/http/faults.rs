//! Injected faults over real HTTP: what each one becomes, and how retries, the circuit
//! breaker and the rate limiter deal with it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pipec_fake_provider::{Config, Fault, Rule};
use pipec_runtime::providers::{
    ApiFormat, BreakerConfig, BreakerState, CircuitBreaker, ErrorKind, Provider, RateLimiter,
    Reliable, RetryPolicy,
};
use tokio::sync::Semaphore;

use crate::common::{
    FORMATS, REPLY, events, provider, provider_with_timeout, quick_retries, request, server,
};

fn planned(plan: &[Fault]) -> Config {
    Config {
        plan: plan.to_vec(),
        ..Config::default()
    }
}

#[tokio::test]
async fn a_429_waits_at_least_retry_after_seconds() {
    let server = server(Config {
        retry_after_secs: 1,
        ..planned(&[Fault::RateLimited])
    })
    .await;
    let (seen, observer) = events();
    let reliable = Reliable::new(provider(ApiFormat::OpenAi, &server), quick_retries(2))
        .with_observer(observer);
    let start = Instant::now();
    let response = reliable
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(response.text, REPLY);
    assert!(elapsed >= Duration::from_secs(1), "waited only {elapsed:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].kind, seen[0].status),
        (ErrorKind::RateLimited, Some(429))
    );
    assert!(seen[0].delay >= Duration::from_secs(1), "{:?}", seen[0]);
    assert_eq!(server.stats().requests, 2);
    assert_eq!(server.stats().faults.rate_limited, 1);
}

#[tokio::test]
async fn a_retry_after_http_date_is_honoured() {
    // The server sends now + 1 s as an HTTP-date (whole seconds, rounded up).
    let config = Config {
        retry_after_secs: 0,
        retry_after_date: true,
        ..planned(&[Fault::RateLimited])
    };
    let server = server(config).await;
    let (seen, observer) = events();
    let reliable = Reliable::new(provider(ApiFormat::Anthropic, &server), quick_retries(2))
        .with_observer(observer);
    let start = Instant::now();
    reliable
        .complete(&request(ApiFormat::Anthropic))
        .await
        .unwrap();
    let delay = seen.lock().unwrap()[0].delay;
    assert!(
        delay > Duration::ZERO && delay <= Duration::from_millis(1100),
        "{delay:?}"
    );
    assert!(start.elapsed() >= delay);
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    for format in FORMATS {
        let server = server(planned(&[Fault::ServerError, Fault::ServerError])).await;
        let (seen, observer) = events();
        let reliable =
            Reliable::new(provider(format, &server), quick_retries(3)).with_observer(observer);
        let response = reliable.complete(&request(format)).await.unwrap();
        assert_eq!(response.text, REPLY);
        let statuses: Vec<_> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|event| event.status)
            .collect();
        assert_eq!(statuses, [Some(500), Some(500)], "{format:?}");
        assert_eq!(server.stats().requests, 3, "{format:?}");
    }
}

#[tokio::test]
async fn server_errors_past_the_budget_fail_with_the_count() {
    let server = server(planned(&[Fault::ServerError; 5])).await;
    let reliable = Reliable::new(provider(ApiFormat::Gemini, &server), quick_retries(2));
    let error = reliable
        .complete(&request(ApiFormat::Gemini))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.status(), error.attempts()),
        (ErrorKind::ServerError, Some(500), 3)
    );
    assert_eq!(error.provider(), "gemini");
    assert!(
        error.to_string().contains("internal error (injected)"),
        "{error}"
    );
    assert_eq!(server.stats().requests, 3);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 404, 409, 422] {
        let rule = Rule {
            contains: "France".into(),
            status: Some(status),
            ..Rule::default()
        };
        let server = server(Config {
            rules: vec![rule],
            ..Config::default()
        })
        .await;
        for format in FORMATS {
            let reliable = Reliable::new(provider(format, &server), quick_retries(5));
            let error = reliable.complete(&request(format)).await.unwrap_err();
            assert_eq!(
                (error.kind(), error.status()),
                (ErrorKind::BadRequest, Some(status))
            );
            assert_eq!(error.attempts(), 1);
        }
        assert_eq!(server.stats().requests, 3, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_hang_times_out_and_is_retried() {
    let server = server(Config {
        hang_ms: 10_000,
        ..planned(&[Fault::Hang])
    })
    .await;
    let timeout = Duration::from_millis(300);
    let (seen, observer) = events();
    let reliable = Reliable::new(
        provider_with_timeout(ApiFormat::OpenAi, &server, timeout),
        quick_retries(2),
    )
    .with_observer(observer);
    let start = Instant::now();
    let response = reliable
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap();
    assert_eq!(response.text, REPLY);
    assert!(start.elapsed() >= timeout);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "the hang was not cut short"
    );
    assert_eq!(seen.lock().unwrap()[0].kind, ErrorKind::Timeout);
    assert_eq!(server.stats().requests, 2);
    assert_eq!(server.stats().faults.hang, 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_typed_error() {
    for format in FORMATS {
        let server = server(planned(&[Fault::Truncated])).await;
        let once = provider(format, &server);
        let error = once.complete(&request(format)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TruncatedBody, "{error}");
        assert_eq!(error.status(), Some(200));
        assert!(error.message().contains("closed after"), "{error}");
        assert!(error.is_retryable());
        // The next attempt gets the whole body.
        assert_eq!(once.complete(&request(format)).await.unwrap().text, REPLY);
    }
}

#[tokio::test]
async fn a_garbage_body_is_a_typed_error() {
    for format in FORMATS {
        let server = server(planned(&[Fault::Garbage])).await;
        let error = provider(format, &server)
            .complete(&request(format))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
        assert_eq!(error.status(), Some(200));
        assert!(
            error.message().starts_with("the body is not JSON"),
            "{error}"
        );
        assert!(error.message().contains("<html>"), "{error}");
    }
}

#[tokio::test]
async fn the_breaker_opens_after_failures_and_half_opens_after_the_cooldown() {
    let server = server(planned(&[Fault::ServerError; 4])).await;
    let cooldown = Duration::from_millis(150);
    let breaker = Arc::new(CircuitBreaker::new(BreakerConfig {
        failure_threshold: 3,
        cooldown,
        ..BreakerConfig::default()
    }));
    let reliable = Reliable::new(provider(ApiFormat::OpenAi, &server), RetryPolicy::none())
        .with_breaker(Arc::clone(&breaker));
    let openai = request(ApiFormat::OpenAi);
    let call = || reliable.complete(&openai);
    let kind = |result: Result<_, pipec_runtime::providers::ProviderError>| {
        result.map(|_| ()).map_err(|e| e.kind())
    };

    for _ in 0..3 {
        assert_eq!(kind(call().await), Err(ErrorKind::ServerError));
    }
    assert_eq!(breaker.state(), BreakerState::Open);
    assert_eq!(kind(call().await), Err(ErrorKind::CircuitOpen));
    assert_eq!(server.stats().requests, 3, "an open circuit makes no call");

    tokio::time::sleep(cooldown).await;
    assert_eq!(breaker.state(), BreakerState::HalfOpen);
    // The probe meets the fourth planned failure: open again.
    assert_eq!(kind(call().await), Err(ErrorKind::ServerError));
    assert_eq!(kind(call().await), Err(ErrorKind::CircuitOpen));
    assert_eq!(server.stats().requests, 4);

    tokio::time::sleep(cooldown).await;
    assert_eq!(kind(call().await), Ok(()));
    assert_eq!(breaker.state(), BreakerState::Closed);
    assert_eq!(kind(call().await), Ok(()));
    assert_eq!(server.stats().requests, 6);
}

#[tokio::test]
async fn the_rate_limiter_spaces_calls() {
    let server = server(Config::default()).await;
    let limiter = Arc::new(RateLimiter::per_second(20.0).unwrap());
    let reliable = Arc::new(
        Reliable::new(provider(ApiFormat::Anthropic, &server), RetryPolicy::none())
            .with_rate_limiter(limiter),
    );
    let start = Instant::now();
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let reliable = Arc::clone(&reliable);
            tokio::spawn(async move { reliable.complete(&request(ApiFormat::Anthropic)).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    // Five calls at 20 per second: the last one starts 4 × 50 ms after the first.
    assert!(
        start.elapsed() >= Duration::from_millis(200),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.stats().requests, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_percent_failures_all_complete_within_the_retry_budget() {
    let config = Config {
        fault_rate: 0.3,
        faults: Fault::ALL.to_vec(),
        seed: 42,
        retry_after_secs: 0,
        hang_ms: 5_000,
        ..Config::default()
    };
    let server = server(config).await;
    let timeout = Duration::from_secs(1);
    let policy = RetryPolicy {
        max_retries: 10,
        ..quick_retries(10)
    };
    let providers: Vec<Arc<Reliable<Box<dyn Provider>>>> = FORMATS
        .iter()
        .map(|format| {
            Arc::new(Reliable::new(
                provider_with_timeout(*format, &server, timeout),
                policy.clone(),
            ))
        })
        .collect();
    // 32 pipelines at a time, so a loaded debug build never meets the timeout by itself.
    let slots = Arc::new(Semaphore::new(32));
    let calls: Vec<_> = (0..300)
        .map(|index| {
            let format = FORMATS[index % 3];
            let reliable = Arc::clone(&providers[index % 3]);
            let slots = Arc::clone(&slots);
            tokio::spawn(async move {
                let _slot = slots.acquire().await.unwrap();
                reliable.complete(&request(format)).await
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().text, REPLY);
    }
    let stats = server.stats();
    assert!(stats.ok >= 300, "{stats:?}");
    assert_eq!(stats.requests, stats.ok + stats.faults.total(), "{stats:?}");
    #[allow(clippy::cast_precision_loss, reason = "small counts")]
    let share = stats.faults.total() as f64 / stats.requests as f64;
    assert!((0.2..0.4).contains(&share), "{share} of {stats:?}");
    assert!(stats.faults.server_error > 0 && stats.faults.hang > 0 && stats.faults.truncated > 0);
}
