//! A type with no DSPy equivalent.
#[pipec_macros::signature]
struct Answer {
    #[input]
    pair: (String, i64),
    #[output]
    answer: String,
}

fn main() {}
