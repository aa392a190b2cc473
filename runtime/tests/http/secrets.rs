//! The API key never leaves the `Secret`: not in `Debug` or `Display` of providers,
//! configurations or errors, not even when a server echoes it back.

use std::time::Duration;

use pipec_fake_provider::{Config, Rule};
use pipec_runtime::providers::{
    AnthropicProvider, ApiFormat, ErrorKind, GeminiProvider, HttpConfig, OpenAiProvider, Provider,
    Reliable, Secret,
};

use crate::common::{FORMATS, KEY, config, events, provider, quick_retries, request, server};

fn assert_clean(text: &str) {
    assert!(!text.contains(KEY), "the key leaked: {text}");
    // Not even a recognisable piece of it.
    assert!(!text.contains(&KEY[8..]), "part of the key leaked: {text}");
}

#[tokio::test]
async fn providers_and_configurations_print_no_key() {
    let server = server(Config::default()).await;
    for format in FORMATS {
        let config = config(format, &server, Duration::from_secs(1));
        assert_clean(&format!("{config:?}"));
        assert_clean(&format!("{config:#?}"));
        assert_clean(&format!("{:?}", config.api_key));
        let debug = match format {
            ApiFormat::OpenAi => format!("{:?}", OpenAiProvider::new(&config).unwrap()),
            ApiFormat::Anthropic => format!("{:?}", AnthropicProvider::new(&config).unwrap()),
            ApiFormat::Gemini => format!("{:?}", GeminiProvider::new(&config).unwrap()),
        };
        assert_clean(&debug);
        assert!(
            debug.contains("[redacted]") || debug.contains("Sensitive"),
            "{debug}"
        );
    }
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted_in_errors() {
    let rule = Rule {
        contains: "France".into(),
        status: Some(400),
        message: Some(format!("invalid key {KEY} for this model")),
        ..Rule::default()
    };
    let server = server(Config {
        rules: vec![rule],
        ..Config::default()
    })
    .await;
    for format in FORMATS {
        let error = provider(format, &server)
            .complete(&request(format))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadRequest);
        assert_eq!(error.message(), "invalid key [redacted] for this model");
        assert_clean(&error.to_string());
        assert_clean(&format!("{error:?}"));
    }
}

#[tokio::test]
async fn auth_and_transport_errors_and_retry_events_hold_no_key() {
    let server = server(Config {
        require_key: Some("another".into()),
        ..Config::default()
    })
    .await;
    for format in FORMATS {
        let error = provider(format, &server)
            .complete(&request(format))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth);
        assert_clean(&format!("{error} {error:?}"));
    }
    // Nothing listens on a freed port: connection errors, retried, observed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = HttpConfig::new("openai", format!("http://127.0.0.1:{port}/v1"))
        .with_api_key(Secret::new(KEY).unwrap());
    let (seen, observer) = events();
    let reliable = Reliable::new(OpenAiProvider::new(&config).unwrap(), quick_retries(1))
        .with_observer(observer);
    let error = reliable
        .complete(&request(ApiFormat::OpenAi))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.attempts()),
        (ErrorKind::Connect, 2),
        "{error}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_clean(&format!(
        "{error} {error:?} {:?} {config:?}",
        seen.lock().unwrap()
    ));
}
