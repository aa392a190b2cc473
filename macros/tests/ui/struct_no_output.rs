//! A signature produces something.
#[pipec_macros::signature]
struct Answer {
    #[input]
    question: String,
}

fn main() {}
