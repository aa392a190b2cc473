//! The server: a loopback HTTP/1 listener (hyper, one task per connection, keep-alive) that
//! routes model requests to the wire formats and `/_...` paths to the admin endpoints.
//!
//! | request | answer |
//! |---|---|
//! | `POST .../chat/completions` | OpenAI chat completion |
//! | `POST .../v1/messages` | Anthropic message |
//! | `POST .../models/{model}:generateContent` | Gemini candidate |
//! | `GET /_stats` | [`Stats`] as JSON |
//! | `POST /_reset` | zero the counters, forget recorded requests, restart the fault draws |
//! | `GET /_requests` | the recorded requests ([`RecordedRequest`]) |
//! | `GET /_config`, `POST /_config` | read or replace the [`Config`] |

use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;

use crate::adapter;
use crate::body::ReplyBody;
use crate::config::{Config, Fault};
use crate::stats::{Counters, Stats};
use crate::wire::{Finish, Format, Prompt};

/// The largest request body read, in bytes.
const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;
/// The listen backlog: enough for thousands of clients connecting at once (the kernel caps
/// it at `net.core.somaxconn`).
const BACKLOG: u32 = 65_535;

/// A request as the server received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Headers by lowercase name (repeated headers joined by `, `).
    pub headers: BTreeMap<String, String>,
    /// The body: its JSON, or its text as a JSON string when it is not JSON.
    pub body: Value,
}

/// A running fake provider. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

#[derive(Debug)]
struct Shared {
    config: RwLock<Arc<Config>>,
    counters: Counters,
    draws: Mutex<Draws>,
    requests: Mutex<VecDeque<RecordedRequest>>,
    next_id: AtomicU64,
}

#[derive(Debug)]
struct Draws {
    rng: fastrand::Rng,
    plan: VecDeque<Fault>,
}

impl Draws {
    fn new(config: &Config) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(config.seed),
            plan: config.plan.iter().copied().collect(),
        }
    }
}

/// Ends a connection without an answer (after a hang).
#[derive(Debug)]
struct Abort;

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Abort {}

impl FakeServer {
    /// Starts a server on `127.0.0.1` on a free port. Call it inside a tokio runtime.
    ///
    /// # Errors
    /// The socket could not be bound.
    pub async fn start(config: Config) -> io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a server on `addr`, which must be a loopback address (port 0 picks a free one).
    ///
    /// # Errors
    /// `addr` is not loopback, or it could not be bound.
    pub async fn bind(addr: SocketAddr, config: Config) -> io::Result<Self> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{addr} is not a loopback address; the fake provider only serves 127.0.0.1 or ::1"
                ),
            ));
        }
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        let listener = socket.listen(BACKLOG)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            draws: Mutex::new(Draws::new(&config)),
            config: RwLock::new(Arc::new(config)),
            counters: Counters::default(),
            requests: Mutex::new(VecDeque::new()),
            next_id: AtomicU64::new(1),
        });
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, Arc::clone(&shared), stopped));
        Ok(Self {
            addr,
            shared,
            shutdown,
        })
    }

    /// The bound address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`: the base URL for Anthropic and Gemini clients (OpenAI clients add
    /// `/v1`).
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Zeroes the counters, forgets the recorded requests and restarts the fault draws from
    /// the seed and the plan.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// The recorded requests, oldest first.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).iter().cloned().collect()
    }

    /// The current configuration.
    #[must_use]
    pub fn config(&self) -> Config {
        Config::clone(&self.shared.config())
    }

    /// Replaces the configuration; the fault draws restart from its seed and plan.
    pub fn set_config(&self, config: Config) {
        self.shared.set_config(config);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or a connection reset while queued: back off a moment
            // and keep serving the connections already open.
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { shared.handle(request).await }
            });
            let connection = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

fn json_response(status: u16, body: &Value) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::full(body.to_string()));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Roughly four characters a token, at least one.
fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

impl Shared {
    fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn set_config(&self, config: Config) {
        *lock(&self.draws) = Draws::new(&config);
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(config);
    }

    fn reset(&self) {
        self.counters.reset();
        lock(&self.requests).clear();
        *lock(&self.draws) = Draws::new(&self.config());
    }

    fn draw(&self, config: &Config) -> Fault {
        let mut draws = lock(&self.draws);
        if let Some(fault) = draws.plan.pop_front() {
            return fault;
        }
        if config.fault_rate > 0.0
            && !config.faults.is_empty()
            && draws.rng.f64() < config.fault_rate
        {
            let index = draws.rng.usize(..config.faults.len());
            return config.faults[index];
        }
        Fault::Ok
    }

    fn record(&self, parts: &hyper::http::request::Parts, body: Value, limit: usize) {
        let mut names = BTreeMap::new();
        for (name, value) in &parts.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            names
                .entry(name.as_str().to_owned())
                .and_modify(|joined: &mut String| {
                    joined.push_str(", ");
                    joined.push_str(&value);
                })
                .or_insert(value);
        }
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |p| p.as_str());
        let request = RecordedRequest {
            method: parts.method.to_string(),
            path: path.to_owned(),
            headers: names,
            body,
        };
        let mut requests = lock(&self.requests);
        while requests.len() >= limit {
            requests.pop_front();
        }
        requests.push_back(request);
    }

    async fn handle(&self, request: Request<Incoming>) -> Result<Response<ReplyBody>, Abort> {
        let path = request.uri().path().to_owned();
        if path.starts_with("/_") {
            return Ok(self.admin(request).await);
        }
        let Some((format, path_model)) = Format::route(&path) else {
            return Ok(json_response(
                404,
                &json!({"error": {"message": format!("no route for `{path}`")}}),
            ));
        };
        if request.method() != Method::POST {
            return Ok(json_response(405, &format.error(405, "use POST")));
        }
        let _in_flight = self.counters.request(format);
        let config = self.config();
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_REQUEST_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                self.counters.rejected();
                return Ok(json_response(
                    413,
                    &format.error(413, "the request body is too large or broken"),
                ));
            }
        };
        let json = serde_json::from_slice::<Value>(&body);
        if config.record_limit > 0 {
            let recorded = match &json {
                Ok(json) => json.clone(),
                Err(_) => Value::String(String::from_utf8_lossy(&body).into_owned()),
            };
            self.record(&parts, recorded, config.record_limit);
        }

        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        if let Some(required) = &config.require_key
            && format.key(&header, parts.uri.query()) != Some(required.as_str())
        {
            self.counters.rejected();
            return Ok(json_response(
                401,
                &format.error(401, "invalid or missing API key"),
            ));
        }
        if format == Format::Anthropic && header("anthropic-version").is_none() {
            self.counters.rejected();
            return Ok(json_response(
                400,
                &format.error(400, "the anthropic-version header is required"),
            ));
        }
        let prompt = json
            .map_err(|error| format!("the body is not JSON: {error}"))
            .and_then(|json| format.parse(&json, path_model.as_deref()));
        let prompt = match prompt {
            Ok(prompt) => prompt,
            Err(message) => {
                self.counters.rejected();
                return Ok(json_response(400, &format.error(400, &message)));
            }
        };

        let fault = self.draw(&config);
        self.counters.fault(fault);
        if fault == Fault::Hang {
            tokio::time::sleep(Duration::from_millis(config.hang_ms)).await;
            return Err(Abort);
        }
        if config.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(config.latency_ms)).await;
        }
        Ok(match fault {
            Fault::ServerError => {
                json_response(500, &format.error(500, "internal error (injected)"))
            }
            Fault::RateLimited => {
                let mut response =
                    json_response(429, &format.error(429, "rate limit exceeded (injected)"));
                let value = if config.retry_after_date {
                    // HTTP-dates have whole seconds: round up so the wait is never shorter.
                    let at = SystemTime::now() + Duration::from_secs(config.retry_after_secs + 1);
                    httpdate::fmt_http_date(at)
                } else {
                    config.retry_after_secs.to_string()
                };
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().insert(RETRY_AFTER, value);
                }
                response
            }
            Fault::Garbage => {
                let mut rng =
                    fastrand::Rng::with_seed(self.next_id.fetch_add(1, Ordering::Relaxed));
                let mut garbage = b"<html><body>502 Bad Gateway</body></html>\n".to_vec();
                garbage.extend((0..32).map(|_| rng.u8(..)));
                let mut response = Response::new(ReplyBody::full(garbage));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            // A hang has returned above.
            Fault::Ok | Fault::Truncated | Fault::Hang => {
                self.answer(format, &prompt, &config, fault == Fault::Truncated)
            }
        })
    }

    fn answer(
        &self,
        format: Format,
        prompt: &Prompt,
        config: &Config,
        truncate: bool,
    ) -> Response<ReplyBody> {
        let prompt_text = prompt.text();
        let rule = config
            .rules
            .iter()
            .find(|rule| prompt_text.contains(&rule.contains));
        if let Some(status) = rule.and_then(|rule| rule.status) {
            self.counters.scripted_error();
            let message = rule
                .and_then(|rule| rule.message.as_deref())
                .unwrap_or("scripted error");
            return json_response(status, &format.error(status, message));
        }
        let json = prompt.json || adapter::wants_json(&prompt.system);
        let mut text = match rule.and_then(|rule| rule.reply.clone()) {
            Some(reply) => reply,
            None => adapter::reply(
                &prompt.system,
                rule.and_then(|rule| rule.fields.as_ref()),
                json,
            )
            .unwrap_or_else(|| {
                if json {
                    "{}".to_owned()
                } else {
                    "This is a reply from pipec-fake-provider.".to_owned()
                }
            }),
        };
        let mut finish = Finish::Stop;
        let mut output = tokens(&text);
        if let Some(max) = prompt.max_tokens.filter(|max| output > *max) {
            let keep = usize::try_from(max.saturating_mul(4)).unwrap_or(usize::MAX);
            text = text.chars().take(keep).collect();
            finish = Finish::Length;
            output = max;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = format
            .answer(
                id,
                &prompt.model,
                &text,
                finish,
                (tokens(&prompt_text), output),
            )
            .to_string();
        if !truncate {
            self.counters.ok();
            let mut response = Response::new(ReplyBody::full(body));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            return response;
        }
        let half = Bytes::from(body.into_bytes());
        let full_length = half.len();
        let mut response = Response::new(ReplyBody::truncated(half.slice(..full_length / 2)));
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
            .headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(full_length));
        response
    }

    async fn admin(&self, request: Request<Incoming>) -> Response<ReplyBody> {
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        match (method, path.as_str()) {
            (Method::GET, "/_stats") => json_response(200, &json!(self.counters.snapshot())),
            (Method::POST, "/_reset") => {
                self.reset();
                json_response(200, &json!({"ok": true}))
            }
            (Method::GET, "/_requests") => {
                let requests: Vec<RecordedRequest> = lock(&self.requests).iter().cloned().collect();
                json_response(200, &json!(requests))
            }
            (Method::GET, "/_config") => json_response(200, &json!(*self.config())),
            (Method::POST, "/_config") => {
                let body = match Limited::new(request.into_body(), MAX_REQUEST_BYTES)
                    .collect()
                    .await
                {
                    Ok(collected) => collected.to_bytes(),
                    Err(_) => {
                        return json_response(
                            400,
                            &json!({"error": {"message": "unreadable body"}}),
                        );
                    }
                };
                match serde_json::from_slice::<Config>(&body) {
                    Ok(config) => {
                        self.set_config(config);
                        json_response(200, &json!({"ok": true}))
                    }
                    Err(error) => {
                        json_response(400, &json!({"error": {"message": error.to_string()}}))
                    }
                }
            }
            _ => {
                let mut response = json_response(
                    404,
                    &json!({"error": {"message": format!("no admin endpoint `{path}`")}}),
                );
                if path == "/_stats"
                    || path == "/_reset"
                    || path == "/_requests"
                    || path == "/_config"
                {
                    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                }
                response
            }
        }
    }
}
