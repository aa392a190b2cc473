//! `serve --addr ADDR`: the pipeline as an HTTP/1 API (hyper).
//!
//! - `POST /run` with the inputs as a JSON object: 200 and the document `--json` prints;
//!   400 when the inputs are refused before the run starts (P0851, P0700–P0702); 500 when
//!   the run stopped (its errors, with codes, and its run id).
//! - `GET /health`: 200 `{"status": "ok", "pipeline", "pipec_version"}`.
//! - Anything else: 404 or 405 with a JSON error.
//!
//! At most `concurrency` runs execute at once; further requests wait. The bound address is
//! printed on stdout (`listening on 127.0.0.1:PORT`) so `127.0.0.1:0` can be used.

use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pipec_runtime::executor::RunFailure;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::report;
use crate::runner::{Pipeline, Runner, mismatch};

/// Serves until Ctrl-C.
pub async fn serve<P: Pipeline>(runner: Runner, addr: &str, concurrency: usize) -> ExitCode {
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on `{addr}`: {e}");
            return ExitCode::from(2);
        }
    };
    if let Ok(bound) = listener.local_addr() {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "listening on {bound}");
        let _ = stdout.flush();
    }
    let shared = Arc::new((runner, Semaphore::new(concurrency)));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle::<P>(&shared.0, &shared.1, request).await) }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle<P: Pipeline>(
    runner: &Runner,
    slots: &Semaphore,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/health") => respond(
            StatusCode::OK,
            &json!({"status": "ok", "pipeline": P::NAME, "pipec_version": crate::version::VERSION}),
        ),
        (&Method::POST, "/run") => {
            let body = match request.into_body().collect().await {
                Ok(body) => body.to_bytes(),
                Err(e) => {
                    return refused(
                        runner,
                        &mismatch(format!("cannot read the request body: {e}")),
                    );
                }
            };
            let Ok(_slot) = slots.acquire().await else {
                return respond(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &json!({"status": "failed"}),
                );
            };
            match runner.run_text::<P>(&body).await {
                Ok(document) => respond(StatusCode::OK, &document),
                Err(failure) if failure.run_id.is_none() => refused(runner, &failure),
                Err(failure) => respond(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &report::failed(&runner.loaded().sources, &failure),
                ),
            }
        }
        (_, "/run" | "/health") => respond(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({"status": "failed", "errors": [{"code": null, "message": "use POST /run or GET /health"}]}),
        ),
        (_, path) => respond(
            StatusCode::NOT_FOUND,
            &json!({"status": "failed", "errors": [{"code": null, "message": format!("no route `{path}`; use POST /run or GET /health")}]}),
        ),
    }
}

fn refused(runner: &Runner, failure: &RunFailure) -> Response<Full<Bytes>> {
    respond(
        StatusCode::BAD_REQUEST,
        &report::failed(&runner.loaded().sources, failure),
    )
}

fn respond(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
