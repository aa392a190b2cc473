//! The fake server's configuration: latency, injected faults, the script of canned replies,
//! and what it records. The same shape is read from `--config FILE` and `POST /_config`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A fault the server can inject instead of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// No fault: answer normally. Only useful in a [`Config::plan`].
    Ok,
    /// HTTP 500 with the wire format's error body.
    ServerError,
    /// HTTP 429 with `Retry-After` ([`Config::retry_after_secs`]).
    RateLimited,
    /// No reply for [`Config::hang_ms`], then the connection is closed: the client times out
    /// first.
    Hang,
    /// A 200 whose body stops halfway (the declared `Content-Length` is never reached) and
    /// whose connection is then cut.
    Truncated,
    /// A 200 whose body is not JSON.
    Garbage,
}

impl Fault {
    /// The faults drawn at random by default: every fault.
    pub const ALL: [Fault; 5] = [
        Fault::ServerError,
        Fault::RateLimited,
        Fault::Hang,
        Fault::Truncated,
        Fault::Garbage,
    ];

    /// The snake_case name used in configuration and statistics.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::ServerError => "server_error",
            Self::RateLimited => "rate_limited",
            Self::Hang => "hang",
            Self::Truncated => "truncated",
            Self::Garbage => "garbage",
        }
    }

    /// Reads a name as [`Fault::name`] writes it; `5xx` and `429` are accepted too.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim() {
            "ok" => Self::Ok,
            "server_error" | "5xx" | "500" => Self::ServerError,
            "rate_limited" | "429" => Self::RateLimited,
            "hang" => Self::Hang,
            "truncated" => Self::Truncated,
            "garbage" => Self::Garbage,
            _ => return None,
        })
    }
}

/// A canned reply: when the prompt contains `contains`, answer with `reply`, or with the
/// generated ChatAdapter reply with `fields` overridden, or with an error of `status`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A substring of the prompt (every message's text, system message first).
    pub contains: String,
    /// The whole reply text, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Values for some output fields (strings are written as they are, other values as
    /// JSON); the other fields get generated values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
    /// Answer with this HTTP status and the wire format's error body instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error message that goes with `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Everything the fake server can be told. Every field has a default, so `{}` is a valid
/// configuration: no latency, no faults, no key check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Delay before every answer, in milliseconds.
    pub latency_ms: u64,
    /// The share of requests (0 to 1) answered with a random fault from `faults`.
    pub fault_rate: f64,
    /// The faults drawn at random. Default: all of them.
    pub faults: Vec<Fault>,
    /// Faults (or `ok`) for the first requests, in order, before any random draw.
    pub plan: Vec<Fault>,
    /// Seed of the fault draws; the same seed and request order give the same faults.
    pub seed: u64,
    /// The `Retry-After` of a 429, in seconds.
    pub retry_after_secs: u64,
    /// Send `Retry-After` as an HTTP-date instead of seconds.
    pub retry_after_date: bool,
    /// How long a hang lasts before the server closes the connection, in milliseconds.
    pub hang_ms: u64,
    /// If set, the API key every request must carry (`Authorization: Bearer`, `x-api-key`
    /// or `x-goog-api-key`); others get a 401.
    pub require_key: Option<String>,
    /// How many received requests to keep for `GET /_requests` (the most recent ones).
    pub record_limit: usize,
    /// Canned replies, first match wins.
    pub rules: Vec<Rule>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            fault_rate: 0.0,
            faults: Fault::ALL.to_vec(),
            plan: Vec::new(),
            seed: 0,
            retry_after_secs: 1,
            retry_after_date: false,
            hang_ms: 30_000,
            require_key: None,
            record_limit: 1000,
            rules: Vec::new(),
        }
    }
}

/// A script file: a list of rules, bare or as `{"rules": [...]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ScriptFile {
    Bare(Vec<Rule>),
    Wrapped {
        /// The rules.
        rules: Vec<Rule>,
    },
}

/// Reads a script (`[rule, ...]` or `{"rules": [rule, ...]}`).
///
/// # Errors
/// The text is not such a list.
pub fn parse_script(text: &str) -> Result<Vec<Rule>, serde_json::Error> {
    Ok(match serde_json::from_str(text)? {
        ScriptFile::Bare(rules) | ScriptFile::Wrapped { rules } => rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_config_is_the_default() {
        assert_eq!(
            serde_json::from_str::<Config>("{}").unwrap(),
            Config::default()
        );
        let config: Config =
            serde_json::from_str(r#"{"plan": ["ok", "server_error"], "fault_rate": 0.3}"#).unwrap();
        assert_eq!(config.plan, [Fault::Ok, Fault::ServerError]);
        assert!(serde_json::from_str::<Config>(r#"{"latency": 5}"#).is_err());
    }

    #[test]
    fn scripts_come_bare_or_wrapped() {
        let bare = parse_script(r#"[{"contains": "x", "reply": "y"}]"#).unwrap();
        let wrapped = parse_script(r#"{"rules": [{"contains": "x", "reply": "y"}]}"#).unwrap();
        assert_eq!(bare, wrapped);
        assert_eq!(bare[0].reply.as_deref(), Some("y"));
        assert!(parse_script(r#"[{"contains": "x", "replay": "y"}]"#).is_err());
    }

    #[test]
    fn fault_names_round_trip() {
        for fault in Fault::ALL.into_iter().chain([Fault::Ok]) {
            assert_eq!(Fault::parse(fault.name()), Some(fault));
        }
        assert_eq!(Fault::parse("5xx"), Some(Fault::ServerError));
        assert_eq!(Fault::parse("boom"), None);
    }
}
