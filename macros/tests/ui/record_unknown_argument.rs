//! `desc` is the only field argument.
#[pipec_macros::record]
struct Citation {
    #[field(default = 1)]
    passage: i64,
}

fn main() {}
