//! `pipec explain CODE`: print a code's documentation page.

use std::process::ExitCode;

use pipec_diagnostics::{Code, did_you_mean};

/// Run the command.
pub fn run(text: &str) -> ExitCode {
    match Code::parse(text) {
        Some(code) => {
            // Pages carry markers for the docs tests (`<!-- example: ... -->`); readers do
            // not need them.
            for line in code.info().docs.lines() {
                if !line.trim_start().starts_with("<!--") {
                    println!("{line}");
                }
            }
            ExitCode::SUCCESS
        }
        None => {
            let names: Vec<&str> = Code::ALL
                .iter()
                .flat_map(|c| [c.as_str(), c.name()])
                .collect();
            match did_you_mean(text, &names) {
                Some(near) => {
                    eprintln!("error: no diagnostic code `{text}`; did you mean `{near}`?")
                }
                None => eprintln!("error: no diagnostic code `{text}`; codes look like `P0202`"),
            }
            ExitCode::from(2)
        }
    }
}
