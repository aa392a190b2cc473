//! One module per subcommand.

pub mod build;
pub mod build_dspy;
pub mod check;
pub mod convert;
pub mod explain;
pub mod fmt;
pub mod import_dspy;
pub mod migrate;
pub mod prompt;
pub mod replay;
pub mod run;
pub mod schema;
