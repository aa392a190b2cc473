//! A record field needs a DSPy type too.
#[pipec_macros::record]
struct Citation {
    passage: &'static str,
}

fn main() {}
