//! `#[record]` goes on a struct.
#[pipec_macros::record]
enum Citation {
    Passage,
}

fn main() {}
