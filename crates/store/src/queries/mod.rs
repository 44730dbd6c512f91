//! Read queries for the API: current state, paged and batched, without going through a command.

pub mod clinical;
pub mod donors;
pub mod production;
pub mod release;

/// One page of a list, in key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, at most the number asked for.
    pub items: Vec<T>,
    /// Whether more items follow the last one.
    pub has_next: bool,
}
