//! P0114: a type DSPy cannot resolve.
fn main() {
    let _ = pipec_adapter::signature!("question: Foo -> answer");
}
