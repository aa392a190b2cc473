//! Checker (being written).
