//! Map keys are strings, as in JSON.
#[pipec_macros::signature]
struct Answer {
    #[output]
    counts: std::collections::HashMap<i64, String>,
}

fn main() {}
