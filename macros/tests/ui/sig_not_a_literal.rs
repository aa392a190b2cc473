//! `signature!` takes one string literal.
fn main() {
    let _ = pipec_adapter::signature!(42);
}
