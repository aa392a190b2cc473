//! `#[signature]` needs named fields.
#[pipec_macros::signature]
struct Answer;

fn main() {}
