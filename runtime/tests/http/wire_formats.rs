//! Happy paths of each wire format: the exact request the server received, headers and
//! auth, and the parsed text, usage and finish reason.

use std::time::Duration;

use pipec_fake_provider::{Config, Rule};
use pipec_runtime::providers::{
    ApiFormat, ErrorKind, FinishReason, HttpConfig, Message, OpenAiProvider, Provider, Reliable,
    Usage,
};
use serde_json::json;

use crate::common::{
    FORMATS, KEY, REPLY, SYSTEM, USER, model, provider, quick_retries, request, server, tokens,
};

#[tokio::test]
async fn openai_request_and_response() {
    let server = server(Config::default()).await;
    let response = provider(ApiFormat::OpenAi, &server)
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap();
    assert_eq!(response.text, REPLY);
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert_eq!(response.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(
        response.usage,
        Some(Usage {
            input_tokens: tokens(&format!("{SYSTEM}\n{USER}")),
            output_tokens: tokens(REPLY)
        })
    );

    let received = server.requests();
    assert_eq!(received.len(), 1);
    let sent = &received[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(sent.headers["authorization"], format!("Bearer {KEY}"));
    assert_eq!(sent.headers["content-type"], "application/json");
    assert!(sent.headers["user-agent"].starts_with("pipec-runtime/"));
    assert_eq!(
        sent.body,
        json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}],
            "temperature": 0.0,
            "max_tokens": 256
        })
    );
}

#[tokio::test]
async fn anthropic_request_and_response() {
    let server = server(Config::default()).await;
    let response = provider(ApiFormat::Anthropic, &server)
        .complete(&request(ApiFormat::Anthropic))
        .await
        .unwrap();
    assert_eq!(response.text, REPLY);
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert_eq!(
        response.usage,
        Some(Usage {
            input_tokens: tokens(&format!("{SYSTEM}\n{USER}")),
            output_tokens: tokens(REPLY)
        })
    );

    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.headers["x-api-key"], KEY);
    assert_eq!(sent.headers["anthropic-version"], "2023-06-01");
    assert!(!sent.headers.contains_key("authorization"));
    assert_eq!(
        sent.body,
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 256,
            "system": SYSTEM,
            "messages": [{"role": "user", "content": USER}],
            "temperature": 0.0
        })
    );
}

#[tokio::test]
async fn gemini_request_and_response() {
    let server = server(Config::default()).await;
    let response = provider(ApiFormat::Gemini, &server)
        .complete(&request(ApiFormat::Gemini))
        .await
        .unwrap();
    assert_eq!(response.text, REPLY);
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert_eq!(response.model.as_deref(), Some("gemini-2.5-flash"));
    assert_eq!(
        response.usage,
        Some(Usage {
            input_tokens: tokens(&format!("{SYSTEM}\n{USER}")),
            output_tokens: tokens(REPLY)
        })
    );

    let sent = &server.requests()[0];
    // The key travels in a header, never in the URL.
    assert_eq!(sent.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert_eq!(sent.headers["x-goog-api-key"], KEY);
    assert_eq!(
        sent.body,
        json!({
            "contents": [{"role": "user", "parts": [{"text": USER}]}],
            "systemInstruction": {"parts": [{"text": SYSTEM}]},
            "generationConfig": {"temperature": 0.0, "maxOutputTokens": 256}
        })
    );
}

#[tokio::test]
async fn the_token_limit_shows_as_length_in_every_format() {
    let server = server(Config::default()).await;
    for format in FORMATS {
        let mut request = request(format);
        request.settings.max_tokens = Some(3);
        let response = provider(format, &server).complete(&request).await.unwrap();
        assert_eq!(response.finish_reason, FinishReason::Length, "{format:?}");
        assert_eq!(
            response.text,
            REPLY.chars().take(12).collect::<String>(),
            "{format:?}"
        );
        assert_eq!(response.usage.unwrap().output_tokens, 3, "{format:?}");
    }
}

#[tokio::test]
async fn scripted_fields_and_replies_reach_the_caller() {
    let rules = vec![
        Rule {
            contains: "France".into(),
            fields: json!({"answer": "Paris", "score": 0.9})
                .as_object()
                .cloned(),
            ..Rule::default()
        },
        Rule {
            contains: "plain".into(),
            reply: Some("just text".into()),
            ..Rule::default()
        },
    ];
    let server = server(Config {
        rules,
        ..Config::default()
    })
    .await;
    for format in FORMATS {
        let provider = provider(format, &server);
        let response = provider.complete(&request(format)).await.unwrap();
        assert_eq!(
            response.text,
            "[[ ## answer ## ]]\nParis\n\n[[ ## score ## ]]\n0.9\n\n[[ ## completed ## ]]"
        );
        let mut plain = request(format);
        plain.messages = vec![Message::user("a plain prompt")];
        assert_eq!(provider.complete(&plain).await.unwrap().text, "just text");
    }
    assert_eq!(server.stats().ok, 6);
}

#[tokio::test]
async fn a_local_server_needs_no_key() {
    let server = server(Config::default()).await;
    let base = format!("{}/v1/", server.url());
    let provider = OpenAiProvider::from_env(&[("OPENAI_BASE_URL", base.as_str())]).unwrap();
    provider
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap();
    assert!(!server.requests()[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn rejected_requests_are_typed_and_never_retried() {
    // The server wants another key: 401 in each format's own error body.
    let server = server(Config {
        require_key: Some("other".into()),
        ..Config::default()
    })
    .await;
    for format in FORMATS {
        let reliable = Reliable::new(provider(format, &server), quick_retries(3));
        let error = reliable.complete(&request(format)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
        assert_eq!(error.status(), Some(401));
        assert_eq!(error.provider(), format.name());
        assert_eq!(error.attempts(), 1);
        assert!(
            error.message().contains("invalid or missing API key"),
            "{error}"
        );
    }
    assert_eq!(server.stats().requests, 3, "no 4xx is retried");
    assert_eq!(server.stats().rejected, 3);
}

#[tokio::test]
async fn unknown_paths_and_bad_models_are_client_errors() {
    let server = server(Config::default()).await;
    let config = HttpConfig::new("openai", format!("{}/v2", server.url()))
        .with_timeout(Duration::from_secs(5));
    let provider = OpenAiProvider::new(&config).unwrap();
    let error = provider
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.status()),
        (ErrorKind::BadRequest, Some(404)),
        "{error}"
    );

    let mut bad = request(ApiFormat::Gemini);
    bad.settings.model = "../admin".into();
    let error = crate::common::provider(ApiFormat::Gemini, &server)
        .complete(&bad)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{error}");
    assert_eq!(server.stats().requests, 0);
    assert_eq!(model(ApiFormat::Gemini), "gemini-2.5-flash");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    // Bind a port, then free it: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/v1");
    let provider =
        OpenAiProvider::from_env(&[("OPENAI_BASE_URL", base.as_str()), ("OPENAI_API_KEY", KEY)])
            .unwrap();
    let error = provider
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert_eq!(error.status(), None);
    assert!(error.is_retryable());
}
