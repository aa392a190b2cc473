//! `#[signature]` needs named fields.
#[pipec_macros::signature]
struct Answer(String);

fn main() {}
