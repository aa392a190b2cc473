//! The checker. [`driver::check`] runs a whole `pipec check`: decode, parse, lower, follow
//! `pipeline_file` references through a caller-supplied [`FileLoader`], then the ordered
//! passes of [`passes`]. It does no I/O of its own: the CLI, the language server and the
//! proc-macros each supply a loader.

pub mod driver;
mod input;
pub mod passes;

pub use driver::{CheckResult, FileLoader, InputFile, LoadError, MemoryLoader, check};
