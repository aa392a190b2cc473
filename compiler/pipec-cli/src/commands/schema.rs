//! `pipec schema`: the JSON Schema of the native format, generated from the surface types
//! the checker's key tables are tested against.

use std::process::ExitCode;

/// Run the command.
pub fn run() -> ExitCode {
    let schema = pipec_ir::json_schema();
    match serde_json::to_string_pretty(&schema) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
