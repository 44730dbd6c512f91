//! Events of the identity area and how they change a user.

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventMeta, EventPayload};
use crate::ids::{SessionId, UserId};
use crate::role::Roles;
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;
use crate::values::Narrative;

use super::{PrintedName, User, Username};

impl Event {
    /// The user every one of whose sessions this event ends, for good: a deactivation, an
    /// admin's password reset (whoever holds a session may be the reason for the reset), and a
    /// lock (whoever holds a session may be the one guessing the password, as five wrong
    /// signature passwords through it suggest). The store ends them in the event's own
    /// transaction; no later event (reactivation, unlock, the lock's expiry) opens them again,
    /// so the user signs in anew. A logout ends one session and is not listed here.
    pub fn ends_sessions_of(&self) -> Option<UserId> {
        match self {
            Event::UserDeactivated(UserDeactivated { user_id, .. })
            | Event::PasswordReset(PasswordReset { user_id })
            | Event::UserLocked(UserLocked { user_id, .. }) => Some(*user_id),
            _ => None,
        }
    }
}

fn user_subject(user_id: UserId) -> Vec<Subject> {
    vec![Subject::new(SubjectKind::User, user_id)]
}

/// A user was registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserRegistered {
    /// The new user.
    pub user_id: UserId,
    /// Login name.
    pub username: Username,
    /// Printed name.
    pub printed_name: PrintedName,
    /// Roles.
    pub roles: Roles,
    /// Whether the first login must change the password.
    pub must_change_password: bool,
}

impl EventPayload for UserRegistered {
    fn subjects(&self) -> Vec<Subject> {
        user_subject(self.user_id)
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.users.contains_key(&self.user_id) {
            return Err(ApplyError::Duplicate {
                kind: "user",
                id: self.user_id.to_string(),
            });
        }
        state.users.insert(
            self.user_id,
            User {
                id: self.user_id,
                username: self.username.clone(),
                printed_name: self.printed_name.clone(),
                roles: self.roles.clone(),
                active: true,
                must_change_password: self.must_change_password,
                failed_logins: 0,
                locked_until: None,
                registered_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

macro_rules! user_event {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? } => |$user:ident, $event:ident| $body:block) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The user.
            pub user_id: UserId,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl EventPayload for $name {
            fn subjects(&self) -> Vec<Subject> {
                user_subject(self.user_id)
            }

            fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
                let $user = state.user_mut(self.user_id)?;
                let $event = self;
                $body
                Ok(())
            }
        }
    };
}

user_event!(
    /// A user's roles were replaced.
    UserRolesChanged {
        /// The new roles.
        roles: Roles,
    } => |user, event| { user.roles = event.roles.clone(); }
);

user_event!(
    /// A user was deactivated.
    UserDeactivated {
        /// Why.
        reason: Narrative,
    } => |user, _event| { user.active = false; }
);

user_event!(
    /// A user was reactivated.
    UserReactivated {} => |user, _event| { user.active = true; }
);

user_event!(
    /// The user changed their password (the hash is not recorded).
    PasswordChanged {} => |user, _event| { user.must_change_password = false; }
);

user_event!(
    /// An admin reset the password; the user must change it at next login.
    PasswordReset {} => |user, _event| {
        user.must_change_password = true;
        user.failed_logins = 0;
        user.locked_until = None;
    }
);

user_event!(
    /// A login succeeded and opened a session.
    LoginSucceeded {
        /// The new session.
        session_id: SessionId,
    } => |user, _event| {
        user.failed_logins = 0;
        user.locked_until = None;
    }
);

/// Where a password was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthContext {
    /// At login.
    Login,
    /// When re-entering the password to sign.
    Signature,
}

/// Why an authentication failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthFailureCause {
    /// The password did not match.
    WrongPassword,
    /// The account is locked; the password was not considered.
    Locked,
    /// The account is deactivated.
    Deactivated,
}

user_event!(
    /// A password check failed.
    AuthenticationFailed {
        /// Login or signature.
        context: AuthContext,
        /// Why it failed.
        cause: AuthFailureCause,
        /// The consecutive failure count after this one.
        failed_logins: u32,
        /// True when an earlier lock had expired and the count restarted with this failure.
        expired_lock_cleared: bool,
    } => |user, event| {
        user.failed_logins = event.failed_logins;
        if event.expired_lock_cleared {
            user.locked_until = None;
        }
    }
);

user_event!(
    /// Too many consecutive failures locked the account.
    UserLocked {
        /// The lock lifts at this time.
        until: Timestamp,
    } => |user, event| { user.locked_until = Some(event.until); }
);

user_event!(
    /// An admin unlocked the account.
    UserUnlocked {} => |user, _event| {
        user.failed_logins = 0;
        user.locked_until = None;
    }
);

user_event!(
    /// The user signed out.
    LoggedOut {
        /// The session that ended.
        session_id: SessionId,
    } => |_user, _event| {}
);

/// A login named no active user. Nothing identifies the attempt: the typed name might be a
/// password typed into the wrong field, and must not land in an indelible ledger. No longer
/// recorded (such attempts are logged and throttled instead, so that nobody can grow the
/// ledger with them); kept so that ledgers that hold it still replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnknownUserLoginFailed {}

impl EventPayload for UnknownUserLoginFailed {
    fn subjects(&self) -> Vec<Subject> {
        Vec::new()
    }

    fn apply(&self, _state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn deactivation_reset_and_lock_end_every_session_and_nothing_else_does() {
        let user_id = UserId::from_uuid(Uuid::from_u128(7));
        let session_id = SessionId::from_uuid(Uuid::from_u128(8));
        let until = Timestamp::from_datetime(chrono::DateTime::UNIX_EPOCH);
        let reason = Narrative::parse("left", "reason").expect("a reason");
        let ending = [
            Event::UserDeactivated(UserDeactivated { user_id, reason }),
            Event::PasswordReset(PasswordReset { user_id }),
            Event::UserLocked(UserLocked { user_id, until }),
        ];
        for event in &ending {
            assert_eq!(
                event.ends_sessions_of(),
                Some(user_id),
                "{}",
                event.action()
            );
        }
        let other = [
            Event::UserReactivated(UserReactivated { user_id }),
            Event::UserUnlocked(UserUnlocked { user_id }),
            Event::PasswordChanged(PasswordChanged { user_id }),
            Event::LoginSucceeded(LoginSucceeded {
                user_id,
                session_id,
            }),
            Event::LoggedOut(LoggedOut {
                user_id,
                session_id,
            }),
            Event::AuthenticationFailed(AuthenticationFailed {
                user_id,
                context: AuthContext::Signature,
                cause: AuthFailureCause::WrongPassword,
                failed_logins: 4,
                expired_lock_cleared: false,
            }),
        ];
        for event in &other {
            assert_eq!(event.ends_sessions_of(), None, "{}", event.action());
        }
    }
}
