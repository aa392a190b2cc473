//! IR (being written).
