//! A field cannot be both.
#[pipec_macros::signature]
struct Answer {
    #[input]
    #[output]
    answer: String,
}

fn main() {}
