//! The user aggregate.

use crate::ids::UserId;
use crate::role::Roles;
use crate::time::Timestamp;

use super::{PrintedName, Username};

/// A staff user. Never deleted, only deactivated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Login name, unique.
    pub username: Username,
    /// Name shown in signature manifestations.
    pub printed_name: PrintedName,
    /// What the user may do.
    pub roles: Roles,
    /// False once deactivated.
    pub active: bool,
    /// Set by an admin reset: the next login must change the password.
    pub must_change_password: bool,
    /// Consecutive failed password checks since the last success or unlock.
    pub failed_logins: u32,
    /// While in the future, every login and signature is refused.
    pub locked_until: Option<Timestamp>,
    /// When the user was registered.
    pub registered_at: Timestamp,
}

impl User {
    /// Whether the account is locked at `now`.
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}
