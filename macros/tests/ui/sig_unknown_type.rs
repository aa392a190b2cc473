//! P0114: a type DSPy cannot resolve.
fn main() {
    let _ = pipec_macros::signature_string!("question: Foo -> answer");
}
