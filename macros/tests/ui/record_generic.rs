//! A record's schema is fixed.
#[pipec_macros::record]
struct Citation<T> {
    passage: T,
}

fn main() {}
