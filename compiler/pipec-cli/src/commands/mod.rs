//! One module per subcommand.

pub mod check;
pub mod convert;
pub mod explain;
pub mod fmt;
pub mod prompt;
pub mod replay;
pub mod run;
pub mod schema;
