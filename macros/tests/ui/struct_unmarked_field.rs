//! Every field is `#[input]` or `#[output]`.
#[pipec_macros::signature]
struct Answer {
    question: String,
    #[output]
    answer: String,
}

fn main() {}
