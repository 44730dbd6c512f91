//! Read queries for the API: current state, paged and batched, without going through a command.

pub mod clinical;
pub mod donors;
pub mod production;
pub mod release;
