//! The fake server over real HTTP on 127.0.0.1: routing, validation, admin endpoints,
//! scripts, latency, and what each injected fault looks like on the wire.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use pipec_fake_provider::{Config, FakeServer, Fault, Rule, Stats};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SYSTEM: &str = "Your input fields are:\n1. `q` (str):\nYour output fields are:\n1. `n` (int):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## q ## ]]\n{q}\n\n[[ ## n ## ]]\n{n}        # note: the value you produce must be a single int value\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Count.";

fn openai_body() -> Value {
    json!({"model": "m", "messages": [{"role": "system", "content": SYSTEM},
                                      {"role": "user", "content": "[[ ## q ## ]]\nhow many?"}]})
}

async fn post(
    server: &FakeServer,
    path: &str,
    body: &Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", server.url()))
        .header("anthropic-version", "2023-06-01")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, headers, body)
}

async fn get(server: &FakeServer, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{}{path}", server.url()))
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

fn text(body: &Value) -> &str {
    body.pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .unwrap()
}

#[tokio::test]
async fn answers_and_counts_each_format() {
    let server = FakeServer::start(Config::default()).await.unwrap();
    let (status, headers, body) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(text(&body), "[[ ## n ## ]]\n1\n\n[[ ## completed ## ]]");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");

    // Without `/v1` too (DSPy users set api_base either way).
    let (status, _, _) = post(&server, "/chat/completions", &openai_body()).await;
    assert_eq!(status, 200);

    let anthropic = json!({"model": "c", "max_tokens": 100, "system": SYSTEM,
                           "messages": [{"role": "user", "content": "x"}]});
    let (status, _, body) = post(&server, "/v1/messages", &anthropic).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["content"][0]["text"],
        "[[ ## n ## ]]\n1\n\n[[ ## completed ## ]]"
    );
    assert_eq!(body["stop_reason"], "end_turn");

    let gemini = json!({"contents": [{"role": "user", "parts": [{"text": "x"}]}],
                        "systemInstruction": {"parts": [{"text": SYSTEM}]}});
    let (status, _, body) = post(&server, "/v1beta/models/g-1:generateContent", &gemini).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["candidates"][0]["content"]["parts"][0]["text"],
        "[[ ## n ## ]]\n1\n\n[[ ## completed ## ]]"
    );
    assert_eq!(body["modelVersion"], "g-1");

    let stats = server.stats();
    assert_eq!((stats.requests, stats.ok), (4, 4));
    assert_eq!(
        (
            stats.by_format.openai,
            stats.by_format.anthropic,
            stats.by_format.gemini
        ),
        (2, 1, 1)
    );
    let (status, over_http) = get(&server, "/_stats").await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_value::<Stats>(over_http).unwrap(),
        server.stats()
    );
}

#[tokio::test]
async fn json_mode_answers_a_json_object() {
    let server = FakeServer::start(Config::default()).await.unwrap();
    let mut body = openai_body();
    body["response_format"] = json!({"type": "json_object"});
    let (_, _, reply) = post(&server, "/v1/chat/completions", &body).await;
    assert_eq!(
        serde_json::from_str::<Value>(text(&reply)).unwrap(),
        json!({"n": 1})
    );
}

#[tokio::test]
async fn bad_requests_get_each_formats_error_body() {
    let server = FakeServer::start(Config::default()).await.unwrap();
    let (status, _, body) = post(&server, "/v1/chat/completions", &json!({"messages": []})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["message"].as_str().unwrap().contains("model"));

    let no_max = json!({"model": "c", "messages": [{"role": "user", "content": "x"}]});
    let (status, _, body) = post(&server, "/v1/messages", &no_max).await;
    assert_eq!(status, 400);
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let (status, _, body) = post(&server, "/v1beta/models/g:generateContent", &json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");

    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", server.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let (status, _, _) = post(&server, "/v2/chat/completions", &openai_body()).await;
    assert_eq!(status, 404);
    let (status, _) = get(&server, "/v1/chat/completions").await;
    assert_eq!(status, 405);
    assert_eq!(server.stats().rejected, 4);
    assert_eq!(
        server.stats().requests,
        4,
        "unrouted requests are not counted"
    );
}

#[tokio::test]
async fn the_key_is_checked_in_each_formats_place() {
    let config = Config {
        require_key: Some("k1".into()),
        ..Config::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let gemini = json!({"contents": [{"parts": [{"text": "x"}]}]});
    let url = |path: &str| format!("{}{path}", server.url());
    let status = |response: reqwest::Response| response.status().as_u16();

    let wrong = client
        .post(url("/v1/chat/completions"))
        .bearer_auth("k2")
        .json(&openai_body());
    assert_eq!(status(wrong.send().await.unwrap()), 401);
    let right = client
        .post(url("/v1/chat/completions"))
        .bearer_auth("k1")
        .json(&openai_body());
    assert_eq!(status(right.send().await.unwrap()), 200);
    let header = client
        .post(url("/v1beta/models/g:generateContent"))
        .header("x-goog-api-key", "k1");
    assert_eq!(status(header.json(&gemini).send().await.unwrap()), 200);
    let query = client
        .post(url("/v1beta/models/g:generateContent?key=k1"))
        .json(&gemini);
    assert_eq!(status(query.send().await.unwrap()), 200);
    let anthropic =
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let missing = client
        .post(url("/v1/messages"))
        .header("anthropic-version", "2023-06-01");
    let response = missing.json(&anthropic).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");
}

#[tokio::test]
async fn scripts_match_prompt_substrings_in_order() {
    let rules = vec![
        Rule {
            contains: "how many".into(),
            fields: json!({"n": 42}).as_object().cloned(),
            ..Rule::default()
        },
        Rule {
            contains: "Count".into(),
            reply: Some("never reached".into()),
            ..Rule::default()
        },
        Rule {
            contains: "boom".into(),
            status: Some(503),
            message: Some("down".into()),
            ..Rule::default()
        },
    ];
    let server = FakeServer::start(Config {
        rules,
        ..Config::default()
    })
    .await
    .unwrap();
    let (_, _, body) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(text(&body), "[[ ## n ## ]]\n42\n\n[[ ## completed ## ]]");
    let boom = json!({"model": "m", "messages": [{"role": "user", "content": "boom"}]});
    let (status, _, body) = post(&server, "/v1/chat/completions", &boom).await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (503, Some("down"))
    );
    assert_eq!(server.stats().scripted_errors, 1);

    // Replace the script over HTTP.
    let config = json!({"rules": [{"contains": "how many", "reply": "seven"}]});
    let response = reqwest::Client::new()
        .post(format!("{}/_config", server.url()))
        .json(&config)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, _, body) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(text(&body), "seven");
    let bad = json!({"rules": [{"contain": "x"}]});
    let response = reqwest::Client::new()
        .post(format!("{}/_config", server.url()))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        get(&server, "/_config").await.1["rules"][0]["reply"],
        "seven"
    );
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let server = FakeServer::start(Config {
        latency_ms: 150,
        ..Config::default()
    })
    .await
    .unwrap();
    let start = Instant::now();
    let (status, _, _) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(status, 200);
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn rate_limits_carry_retry_after_in_both_forms() {
    let config = Config {
        plan: vec![Fault::RateLimited],
        retry_after_secs: 3,
        ..Config::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let (status, headers, body) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(
        (status, headers["retry-after"].to_str().unwrap()),
        (429, "3")
    );
    assert_eq!(body["error"]["type"], "rate_limit_exceeded");

    server.set_config(Config {
        retry_after_date: true,
        ..server.config()
    });
    let (status, headers, _) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(status, 429, "set_config restarts the plan");
    let at = httpdate::parse_http_date(headers["retry-after"].to_str().unwrap()).unwrap();
    let wait = at.duration_since(std::time::SystemTime::now()).unwrap();
    assert!(
        wait > Duration::from_secs(3) && wait <= Duration::from_secs(4),
        "{wait:?}"
    );
    assert_eq!(server.stats().faults.rate_limited, 2);
}

/// Sends one raw HTTP/1.1 request and reads until the server closes.
async fn raw(addr: SocketAddr, body: &str) -> (String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    (head, response[split + 4..].to_vec())
}

#[tokio::test]
async fn a_truncated_body_stops_short_of_its_content_length() {
    let config = Config {
        plan: vec![Fault::Truncated],
        ..Config::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let (head, body) = raw(server.addr(), &openai_body().to_string()).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared} bytes",
        body.len()
    );
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    assert_eq!(server.stats().faults.truncated, 1);
    assert_eq!(server.stats().ok, 0);
}

#[tokio::test]
async fn garbage_and_server_errors_on_the_wire() {
    let config = Config {
        plan: vec![Fault::Garbage, Fault::ServerError, Fault::Ok],
        ..Config::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let (head, body) = raw(server.addr(), &openai_body().to_string()).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(body.starts_with(b"<html>"));
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    let (status, _, body) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (500, Some("server_error"))
    );
    let (status, _, _) = post(&server, "/v1/chat/completions", &openai_body()).await;
    assert_eq!(status, 200);
    let stats = server.stats();
    assert_eq!(
        (stats.faults.garbage, stats.faults.server_error, stats.ok),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn a_hang_outlasts_the_client() {
    let config = Config {
        plan: vec![Fault::Hang],
        hang_ms: 5_000,
        ..Config::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let start = Instant::now();
    let error = client
        .post(format!("{}/v1/chat/completions", server.url()))
        .json(&openai_body())
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(server.stats().faults.hang, 1);
}

#[tokio::test]
async fn seeded_faults_repeat_and_reset_restarts_them() {
    let config = Config {
        fault_rate: 0.5,
        faults: vec![Fault::ServerError],
        seed: 7,
        ..Config::default()
    };
    let statuses = |server: FakeServer| async move {
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(
                post(&server, "/v1/chat/completions", &openai_body())
                    .await
                    .0,
            );
        }
        (statuses, server)
    };
    let (first, server) = statuses(FakeServer::start(config.clone()).await.unwrap()).await;
    let (second, _) = statuses(FakeServer::start(config).await.unwrap()).await;
    assert_eq!(first, second);
    let failures = first.iter().filter(|status| **status == 500).count();
    assert!((4..=16).contains(&failures), "{failures} of 20");

    let response = reqwest::Client::new()
        .post(format!("{}/_reset", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.stats(), Stats::default());
    assert!(server.requests().is_empty());
    let (again, _) = statuses(server).await;
    assert_eq!(again, first);
}

#[tokio::test]
async fn requests_are_recorded_up_to_the_limit() {
    let server = FakeServer::start(Config {
        record_limit: 2,
        ..Config::default()
    })
    .await
    .unwrap();
    for index in 0..3 {
        let mut body = openai_body();
        body["model"] = json!(format!("m{index}"));
        post(&server, "/v1/chat/completions", &body).await;
    }
    let requests = server.requests();
    let models: Vec<&str> = requests
        .iter()
        .map(|r| r.body["model"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["m1", "m2"]);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].headers["content-type"], "application/json");
    let (status, over_http) = get(&server, "/_requests").await;
    assert_eq!((status, over_http.as_array().unwrap().len()), (200, 2));
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    let error = FakeServer::bind("0.0.0.0:0".parse().unwrap(), Config::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    let server = FakeServer::start(Config::default()).await.unwrap();
    assert!(server.addr().ip().is_loopback());
    assert_ne!(server.addr().port(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_connections_at_once() {
    const CONNECTIONS: usize = 2_000;
    let config = Config {
        latency_ms: 1_000,
        record_limit: 0,
        ..Config::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let addr = server.addr();
    let body = openai_body().to_string();
    let start = Instant::now();
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let body = body.clone();
            tokio::spawn(async move { raw(addr, &body).await })
        })
        .collect();
    for client in clients {
        let (head, body) = client.await.unwrap();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(serde_json::from_slice::<Value>(&body).is_ok());
    }
    let stats = server.stats();
    assert_eq!(
        (stats.requests, stats.ok),
        (CONNECTIONS as u64, CONNECTIONS as u64)
    );
    // Every request waits a second: they were served side by side, not one after another.
    assert!(stats.max_in_flight >= 1_000, "{stats:?}");
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
}
