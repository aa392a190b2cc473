//! A struct named by a field must be a `#[record]`.
#[allow(dead_code)]
struct Citation {
    passage: i64,
}

#[allow(dead_code)]
#[pipec_macros::signature]
struct Answer {
    #[output]
    citations: Vec<Citation>,
}

fn main() {}
