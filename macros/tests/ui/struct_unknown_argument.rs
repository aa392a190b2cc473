//! `desc` is the only field argument.
#[pipec_macros::signature]
struct Answer {
    #[output(description = "The answer")]
    answer: String,
}

fn main() {}
