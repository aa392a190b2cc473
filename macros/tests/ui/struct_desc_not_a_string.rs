//! `desc` is a string literal.
#[pipec_macros::signature]
struct Answer {
    #[output(desc = 5)]
    answer: String,
}

fn main() {}
