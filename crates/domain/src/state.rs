//! The current state of everything, as replay rebuilds it and as the store persists it.

use std::collections::BTreeMap;

use crate::identity::User;
use crate::ids::UserId;

/// Every aggregate, keyed by id. The store loads the part a command needs; replay builds it whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// Staff users.
    pub users: BTreeMap<UserId, User>,
}

/// An event that cannot apply to the state: the ledger contradicts itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// The event names an aggregate that does not exist.
    #[error("{kind} {id} does not exist")]
    Missing {
        /// The kind of aggregate.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The event creates an aggregate that already exists.
    #[error("{kind} {id} already exists")]
    Duplicate {
        /// The kind of aggregate.
        kind: &'static str,
        /// Its id.
        id: String,
    },
}

impl State {
    /// The user, or the replay error for a missing one.
    pub fn user_mut(&mut self, id: UserId) -> Result<&mut User, ApplyError> {
        self.users.get_mut(&id).ok_or_else(|| ApplyError::Missing {
            kind: "user",
            id: id.to_string(),
        })
    }
}
