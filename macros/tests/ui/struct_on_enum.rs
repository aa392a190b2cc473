//! `#[signature]` goes on a struct.
#[pipec_macros::signature]
enum Answer {
    Yes,
}

fn main() {}
