//! `#[record]` needs named fields.
#[pipec_macros::record]
struct Citation(i64);

fn main() {}
