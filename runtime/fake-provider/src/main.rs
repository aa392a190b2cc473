//! `pipec-fake-provider`: runs the fake model provider until killed.
//!
//! ```text
//! pipec-fake-provider [--addr 127.0.0.1:0] [--config FILE] [--script FILE]
//!     [--latency-ms N] [--fault-rate F] [--faults LIST] [--plan LIST] [--seed N]
//!     [--retry-after-secs N] [--retry-after-date] [--hang-ms N] [--require-key KEY]
//!     [--record-limit N] [--exit-after-secs N]
//! ```
//!
//! The first line on stdout is the bound address (`127.0.0.1:PORT`).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use pipec_fake_provider::{Config, FakeServer, Fault, parse_script};

const USAGE: &str = "usage: pipec-fake-provider [--addr 127.0.0.1:0] [--config FILE] [--script FILE]
    [--latency-ms N] [--fault-rate F] [--faults LIST] [--plan LIST] [--seed N]
    [--retry-after-secs N] [--retry-after-date] [--hang-ms N] [--require-key KEY]
    [--record-limit N] [--exit-after-secs N]

Serves the OpenAI (POST /v1/chat/completions), Anthropic (POST /v1/messages) and Gemini
(POST /v1beta/models/MODEL:generateContent) wire formats on a loopback address, answering in
DSPy ChatAdapter format. Prints the bound address on the first line of stdout.

  --config FILE        a JSON configuration (the same shape as POST /_config); flags override it
  --script FILE        canned replies: [{\"contains\": \"...\", \"reply\" | \"fields\" | \"status\": ...}]
  --faults LIST        faults drawn at --fault-rate: server_error,rate_limited,hang,truncated,garbage
  --plan LIST          faults (or ok) for the first requests, in order
  --exit-after-secs N  stop by itself after N seconds

Admin: GET /_stats, POST /_reset, GET /_requests, GET|POST /_config";

#[derive(Debug)]
struct Args {
    addr: SocketAddr,
    config: Config,
    exit_after: Option<Duration>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut config = Config::default();
    let mut overrides: Vec<(String, String)> = Vec::new();
    let mut exit_after = None;
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        if flag == "--retry-after-date" {
            overrides.push((flag, String::new()));
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--addr" => {
                addr = value
                    .parse()
                    .map_err(|_| format!("--addr: `{value}` is not an address"))?
            }
            "--config" => {
                let text = std::fs::read_to_string(&value)
                    .map_err(|error| format!("--config {value}: {error}"))?;
                config = serde_json::from_str(&text)
                    .map_err(|error| format!("--config {value}: {error}"))?;
            }
            "--exit-after-secs" => exit_after = Some(Duration::from_secs(number(&flag, &value)?)),
            _ => overrides.push((flag, value)),
        }
    }
    for (flag, value) in overrides {
        match flag.as_str() {
            "--script" => {
                let text = std::fs::read_to_string(&value)
                    .map_err(|error| format!("--script {value}: {error}"))?;
                config.rules =
                    parse_script(&text).map_err(|error| format!("--script {value}: {error}"))?;
            }
            "--latency-ms" => config.latency_ms = number(&flag, &value)?,
            "--fault-rate" => {
                config.fault_rate = value
                    .parse()
                    .ok()
                    .filter(|rate: &f64| (0.0..=1.0).contains(rate))
                    .ok_or_else(|| {
                        format!("--fault-rate: `{value}` is not a number from 0 to 1")
                    })?;
            }
            "--faults" => config.faults = faults(&flag, &value)?,
            "--plan" => config.plan = faults(&flag, &value)?,
            "--seed" => config.seed = number(&flag, &value)?,
            "--retry-after-secs" => config.retry_after_secs = number(&flag, &value)?,
            "--retry-after-date" => config.retry_after_date = true,
            "--hang-ms" => config.hang_ms = number(&flag, &value)?,
            "--require-key" => config.require_key = Some(value),
            "--record-limit" => {
                config.record_limit = usize::try_from(number(&flag, &value)?).unwrap_or(usize::MAX);
            }
            _ => return Err(format!("unknown option `{flag}`")),
        }
    }
    Ok(Args {
        addr,
        config,
        exit_after,
    })
}

fn number(flag: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: `{value}` is not a whole number"))
}

fn faults(flag: &str, value: &str) -> Result<Vec<Fault>, String> {
    value
        .split(',')
        .filter(|name| !name.trim().is_empty())
        .map(|name| Fault::parse(name).ok_or_else(|| format!("{flag}: unknown fault `{name}`")))
        .collect()
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let server = match FakeServer::bind(args.addr, args.config).await {
            Ok(server) => server,
            Err(error) => {
                eprintln!("error: cannot listen on {}: {error}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = std::io::stdout();
        if writeln!(stdout, "{}", server.addr())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::FAILURE;
        }
        match args.exit_after {
            Some(after) => tokio::time::sleep(after).await,
            None => std::future::pending::<()>().await,
        }
        drop(server);
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn flags_set_the_config() {
        let args = parse(&[
            "--latency-ms",
            "50",
            "--fault-rate",
            "0.3",
            "--faults",
            "5xx,429",
            "--plan",
            "ok,hang",
            "--seed",
            "9",
            "--retry-after-date",
            "--exit-after-secs",
            "5",
        ])
        .unwrap();
        assert_eq!(args.addr, SocketAddr::from(([127, 0, 0, 1], 0)));
        assert_eq!(args.config.latency_ms, 50);
        assert_eq!(args.config.faults, [Fault::ServerError, Fault::RateLimited]);
        assert_eq!(args.config.plan, [Fault::Ok, Fault::Hang]);
        assert!(args.config.retry_after_date);
        assert_eq!(args.exit_after, Some(Duration::from_secs(5)));
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(
            parse(&["--fault-rate", "2"])
                .unwrap_err()
                .contains("0 to 1")
        );
        assert!(
            parse(&["--faults", "boom"])
                .unwrap_err()
                .contains("unknown fault")
        );
        assert!(
            parse(&["--latency-ms"])
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse(&["--frobnicate", "1"])
                .unwrap_err()
                .contains("unknown option")
        );
        assert_eq!(parse(&["--help"]).err().as_deref(), Some(""));
    }
}
