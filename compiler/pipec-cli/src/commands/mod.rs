//! One module per subcommand.

pub mod build;
pub mod check;
pub mod explain;
pub mod prompt;
pub mod replay;
pub mod run;
pub mod schema;
