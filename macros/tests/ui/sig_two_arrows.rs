//! P0113: a signature has exactly one `->`.
fn main() {
    let _ = pipec_adapter::signature!("question -> answer -> more");
}
