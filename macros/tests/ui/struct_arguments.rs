//! `#[signature]` takes no arguments.
#[pipec_macros::signature(instructions = "Answer.")]
struct Answer {
    #[output]
    answer: String,
}

fn main() {}
