//! `#[record]` takes no arguments.
#[pipec_macros::record(name = "Cite")]
struct Citation {
    passage: i64,
}

fn main() {}
