//! Who does something: a user acting in one of their roles, or the system itself.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::role::Role;

/// The author of a command and of the ledger entries it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Actor {
    /// cordtrace itself: bootstrap from the command line, scheduled work.
    System,
    /// A signed-in user, acting in the role that authorised the operation.
    User {
        /// The user.
        user_id: UserId,
        /// The role under which the user acts.
        role: Role,
    },
}

impl Actor {
    /// The user behind the actor when they act in one of `roles`. The API's access table checks
    /// the role too; the domain holds the rule so that no other path can skip it.
    pub fn user_in(&self, roles: &[Role]) -> Option<UserId> {
        match self {
            Actor::User { user_id, role } if roles.contains(role) => Some(*user_id),
            _ => None,
        }
    }

    /// The user behind the actor, if any.
    pub const fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::System => None,
            Actor::User { user_id, .. } => Some(*user_id),
        }
    }
}
