//! P0117: a field name used twice.
fn main() {
    let _ = pipec_macros::signature_string!("question -> question");
}
