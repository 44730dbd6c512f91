//! Commands of the domain, each loading its state, deciding, and naming its side writes.

pub mod users;
