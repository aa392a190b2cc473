//! Nothing to link: this crate only holds `tests/ui.rs`, the trybuild UI tests of
//! pipec-macros (cases and expected `.stderr` files in `macros/tests/ui/`).
