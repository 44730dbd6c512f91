//! Commands of the domain, each loading its state, deciding, and naming its side writes.

pub mod clinical;
mod load;
pub mod manufacturing;
pub mod release;
pub mod users;
