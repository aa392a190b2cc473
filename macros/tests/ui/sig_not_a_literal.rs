//! `signature!` takes one string literal.
fn main() {
    let _ = pipec_macros::signature_string!(42);
}
