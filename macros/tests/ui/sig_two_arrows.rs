//! P0113: a signature has exactly one `->`.
fn main() {
    let _ = pipec_macros::signature_string!("question -> answer -> more");
}
