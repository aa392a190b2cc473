//! A thousand provider calls at once against one fake server, as the scale benchmark will
//! do (the server's own many-connections test is in pipec-fake-provider).

use std::sync::Arc;
use std::time::{Duration, Instant};

use pipec_fake_provider::Config;
use pipec_runtime::providers::{ApiFormat, Provider};

use crate::common::{REPLY, provider, request, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls() {
    const CALLS: usize = 1_000;
    let latency = Duration::from_millis(200);
    let server = server(Config {
        latency_ms: 200,
        record_limit: 0,
        ..Config::default()
    })
    .await;
    let provider: Arc<dyn Provider> = Arc::from(provider(ApiFormat::OpenAi, &server));
    let request = Arc::new(request(ApiFormat::OpenAi));
    let start = Instant::now();
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            let provider = Arc::clone(&provider);
            let request = Arc::clone(&request);
            tokio::spawn(async move { provider.complete(&request).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().text, REPLY);
    }
    let elapsed = start.elapsed();
    let stats = server.stats();
    assert_eq!((stats.requests, stats.ok), (CALLS as u64, CALLS as u64));
    // The 200 ms waits overlap: many calls were in flight together.
    assert!(stats.max_in_flight >= 100, "{stats:?}");
    assert!(elapsed >= latency);
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    assert!(server.requests().is_empty(), "record_limit 0 keeps nothing");
}
