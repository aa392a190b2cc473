//! Renderers: one model, several outputs. `human` is the rustc-style terminal rendering,
//! `json` the machine contract of SPEC §2. Both are pure functions to a `String`.

mod human;
mod json;

pub use human::{ColorChoice, render_human};
pub use json::{JsonDiagnostic, JsonReport, json_report, render_json};
