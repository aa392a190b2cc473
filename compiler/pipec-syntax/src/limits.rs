//! Hard limits that keep the front-ends bounded in time and memory on hostile input. Each
//! one, when hit, produces a coded error rather than a crash.

/// Largest file pipec reads, in bytes (P0010). Generous: a 100,000-step pipeline is about
/// 20 MB.
pub const MAX_FILE_BYTES: usize = 48 * 1024 * 1024;

/// Deepest nesting of sequences and mappings (P0007). Real pipelines nest a few dozen
/// levels at most; the limit keeps every later recursive walk shallow.
pub const MAX_DEPTH: usize = 128;

/// How many nodes aliases may add on top of the nodes physically in the file (P0008).
/// This is what defuses "billion laughs" documents: pipec never copies an aliased node, but
/// every later walk visits it once per reference.
pub const MAX_ALIAS_EXPANSION: u64 = 1_000_000;
