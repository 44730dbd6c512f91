//! The cordtrace binary.
fn main() {}
