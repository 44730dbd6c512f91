//! Commands of the domain, each loading its state, deciding, and naming its side writes.

mod load;
pub mod manufacturing;
pub mod users;
