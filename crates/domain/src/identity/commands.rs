//! Decisions of the identity area: who may register, change and authenticate users.

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{SessionId, UserId};
use crate::refusal::{RefusalKind, Refuse};
use crate::role::{Role, Roles};
use crate::state::State;
use crate::time::Timestamp;
use crate::values::Narrative;

use super::events::{
    AuthContext, AuthFailureCause, AuthenticationFailed, LoggedOut, LoginSucceeded,
    PasswordChanged, PasswordReset, UserDeactivated, UserLocked, UserReactivated, UserRegistered,
    UserRolesChanged, UserUnlocked,
};
use super::{PrintedName, User, Username};

/// How many consecutive failures lock an account, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures that trigger the lock.
    pub max_failures: u32,
    /// How long the lock lasts.
    pub lock_for: chrono::Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_for: chrono::Duration::minutes(15),
        }
    }
}

/// Why an identity command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Only an admin (or the system, at bootstrap) manages users.
    #[error("only an admin can manage users")]
    NotAdmin,
    /// The username belongs to another user.
    #[error("username `{0}` is taken")]
    UsernameTaken(Username),
    /// No such user.
    #[error("user {0} does not exist")]
    UnknownUser(UserId),
    /// The user is deactivated.
    #[error("user {0} is deactivated")]
    Deactivated(UserId),
    /// The user is already active.
    #[error("user {0} is already active")]
    AlreadyActive(UserId),
    /// An admin may not deactivate their own account, which could leave nobody to administer.
    #[error("an admin cannot deactivate their own account")]
    SelfDeactivation,
    /// The account is locked.
    #[error("account is locked until {0}")]
    Locked(Timestamp),
    /// A password change must be made by the user themselves.
    #[error("a user can only change their own password")]
    NotSelf,
}

impl Refuse for IdentityError {
    fn kind(&self) -> RefusalKind {
        match self {
            IdentityError::NotAdmin | IdentityError::NotSelf | IdentityError::SelfDeactivation => {
                RefusalKind::Forbidden
            }
            IdentityError::UnknownUser(_) => RefusalKind::NotFound,
            IdentityError::UsernameTaken(_)
            | IdentityError::Deactivated(_)
            | IdentityError::AlreadyActive(_)
            | IdentityError::Locked(_) => RefusalKind::Conflict,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            IdentityError::NotAdmin => "NOT_ADMIN",
            IdentityError::UsernameTaken(_) => "USERNAME_TAKEN",
            IdentityError::UnknownUser(_) => "UNKNOWN_USER",
            IdentityError::Deactivated(_) => "USER_DEACTIVATED",
            IdentityError::AlreadyActive(_) => "USER_ALREADY_ACTIVE",
            IdentityError::SelfDeactivation => "SELF_DEACTIVATION",
            IdentityError::Locked(_) => "ACCOUNT_LOCKED",
            IdentityError::NotSelf => "NOT_SELF",
        }
    }
}

fn ensure_admin(actor: &Actor) -> Result<(), IdentityError> {
    match actor {
        Actor::System
        | Actor::User {
            role: Role::Admin, ..
        } => Ok(()),
        Actor::User { .. } => Err(IdentityError::NotAdmin),
    }
}

fn existing(state: &State, user_id: UserId) -> Result<&User, IdentityError> {
    state
        .users
        .get(&user_id)
        .ok_or(IdentityError::UnknownUser(user_id))
}

/// What a new user is registered with.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// The id the store generated.
    pub user_id: UserId,
    /// Login name.
    pub username: Username,
    /// Printed name.
    pub printed_name: PrintedName,
    /// Roles.
    pub roles: Roles,
    /// Whether the first login must change the password (true when an admin chose it).
    pub must_change_password: bool,
}

/// Registers a user. The state must hold any user that already has the username.
pub fn register(state: &State, actor: &Actor, new: NewUser) -> Result<Vec<Event>, IdentityError> {
    ensure_admin(actor)?;
    if state
        .users
        .values()
        .any(|user| user.username == new.username)
    {
        return Err(IdentityError::UsernameTaken(new.username));
    }
    Ok(vec![Event::UserRegistered(UserRegistered {
        user_id: new.user_id,
        username: new.username,
        printed_name: new.printed_name,
        roles: new.roles,
        must_change_password: new.must_change_password,
    })])
}

/// Replaces a user's roles.
pub fn change_roles(
    state: &State,
    actor: &Actor,
    user_id: UserId,
    roles: Roles,
) -> Result<Vec<Event>, IdentityError> {
    ensure_admin(actor)?;
    existing(state, user_id)?;
    Ok(vec![Event::UserRolesChanged(UserRolesChanged {
        user_id,
        roles,
    })])
}

/// Deactivates a user, for a reason.
pub fn deactivate(
    state: &State,
    actor: &Actor,
    user_id: UserId,
    reason: Narrative,
) -> Result<Vec<Event>, IdentityError> {
    ensure_admin(actor)?;
    let user = existing(state, user_id)?;
    if actor.user_id() == Some(user_id) {
        return Err(IdentityError::SelfDeactivation);
    }
    if !user.active {
        return Err(IdentityError::Deactivated(user_id));
    }
    Ok(vec![Event::UserDeactivated(UserDeactivated {
        user_id,
        reason,
    })])
}

/// Reactivates a user.
pub fn reactivate(
    state: &State,
    actor: &Actor,
    user_id: UserId,
) -> Result<Vec<Event>, IdentityError> {
    ensure_admin(actor)?;
    if existing(state, user_id)?.active {
        return Err(IdentityError::AlreadyActive(user_id));
    }
    Ok(vec![Event::UserReactivated(UserReactivated { user_id })])
}

/// Records that a user changed their own password (the store has checked the old one).
pub fn change_password(
    state: &State,
    actor: &Actor,
    user_id: UserId,
    now: Timestamp,
) -> Result<Vec<Event>, IdentityError> {
    if actor.user_id() != Some(user_id) {
        return Err(IdentityError::NotSelf);
    }
    ensure_can_authenticate(existing(state, user_id)?, now)?;
    Ok(vec![Event::PasswordChanged(PasswordChanged { user_id })])
}

/// An admin sets a temporary password that must be changed at next login.
pub fn reset_password(
    state: &State,
    actor: &Actor,
    user_id: UserId,
) -> Result<Vec<Event>, IdentityError> {
    ensure_admin(actor)?;
    existing(state, user_id)?;
    Ok(vec![Event::PasswordReset(PasswordReset { user_id })])
}

/// An admin lifts a lock.
pub fn unlock(state: &State, actor: &Actor, user_id: UserId) -> Result<Vec<Event>, IdentityError> {
    ensure_admin(actor)?;
    existing(state, user_id)?;
    Ok(vec![Event::UserUnlocked(UserUnlocked { user_id })])
}

/// Records the end of a session.
pub fn logout(user_id: UserId, session_id: SessionId) -> Vec<Event> {
    vec![Event::LoggedOut(LoggedOut {
        user_id,
        session_id,
    })]
}

/// Refuses authentication of a deactivated or locked account.
pub fn ensure_can_authenticate(user: &User, now: Timestamp) -> Result<(), IdentityError> {
    if !user.active {
        return Err(IdentityError::Deactivated(user.id));
    }
    match user.locked_until {
        Some(until) if now < until => Err(IdentityError::Locked(until)),
        _ => Ok(()),
    }
}

/// Whether the password matched, as checked by the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    /// It matched.
    Matched,
    /// It did not.
    Mismatched,
}

/// The result of an authentication: what to record and whether it is accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct Authentication {
    /// Events to record (failures and locks are recorded even though the attempt is refused).
    pub events: Vec<Event>,
    /// Whether the user is authenticated.
    pub accepted: bool,
}

/// Decides a login or signature attempt for a known user. A matched login opens `session_id`.
pub fn authenticate(
    user: &User,
    check: PasswordCheck,
    context: AuthContext,
    session_id: SessionId,
    now: Timestamp,
    policy: LockoutPolicy,
) -> Authentication {
    let refused = |cause| Authentication {
        events: vec![Event::AuthenticationFailed(AuthenticationFailed {
            user_id: user.id,
            context,
            cause,
            failed_logins: user.failed_logins,
            expired_lock_cleared: false,
        })],
        accepted: false,
    };
    if !user.active {
        return refused(AuthFailureCause::Deactivated);
    }
    if user.is_locked(now) {
        return refused(AuthFailureCause::Locked);
    }
    match check {
        PasswordCheck::Matched => Authentication {
            events: match context {
                AuthContext::Login => vec![Event::LoginSucceeded(LoginSucceeded {
                    user_id: user.id,
                    session_id,
                })],
                // The signed entry itself records the signature; nothing else to record.
                AuthContext::Signature => Vec::new(),
            },
            accepted: true,
        },
        PasswordCheck::Mismatched => {
            // A lock that has run out starts a fresh count.
            let expired_lock_cleared = user.locked_until.is_some();
            let previous = if expired_lock_cleared {
                0
            } else {
                user.failed_logins
            };
            let failed_logins = previous.saturating_add(1);
            let mut events = vec![Event::AuthenticationFailed(AuthenticationFailed {
                user_id: user.id,
                context,
                cause: AuthFailureCause::WrongPassword,
                failed_logins,
                expired_lock_cleared,
            })];
            if failed_logins >= policy.max_failures {
                events.push(Event::UserLocked(UserLocked {
                    user_id: user.id,
                    until: now.plus(policy.lock_for),
                }));
            }
            Authentication {
                events,
                accepted: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::event::EventMeta;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_datetime(Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap())
            .plus(Duration::minutes(minutes))
    }

    fn state_with_user() -> (State, UserId) {
        let user_id = UserId::from_uuid(Uuid::from_u128(1));
        let mut state = State::default();
        let events = register(
            &state,
            &Actor::System,
            NewUser {
                user_id,
                username: Username::parse("qa.one").unwrap(),
                printed_name: PrintedName::parse("Quinn Assurance").unwrap(),
                roles: Roles::new([Role::Qa]).unwrap(),
                must_change_password: false,
            },
        )
        .unwrap();
        apply_all(&mut state, &events, at(0));
        (state, user_id)
    }

    fn apply_all(state: &mut State, events: &[Event], now: Timestamp) {
        for event in events {
            let meta = EventMeta {
                seq: 1,
                recorded_at: now,
                actor: Actor::System,
            };
            event.apply(state, &meta).unwrap();
        }
    }

    fn attempt(state: &mut State, user_id: UserId, check: PasswordCheck, now: Timestamp) -> bool {
        let user = state.users[&user_id].clone();
        let session = SessionId::from_uuid(Uuid::from_u128(9));
        let outcome = authenticate(
            &user,
            check,
            AuthContext::Login,
            session,
            now,
            LockoutPolicy::default(),
        );
        apply_all(state, &outcome.events, now);
        outcome.accepted
    }

    #[test]
    fn five_failures_lock_even_the_right_password_until_the_lock_lifts() {
        let (mut state, user_id) = state_with_user();
        for _ in 0..5 {
            assert!(!attempt(
                &mut state,
                user_id,
                PasswordCheck::Mismatched,
                at(1)
            ));
        }
        assert_eq!(state.users[&user_id].locked_until, Some(at(16)));
        assert!(!attempt(
            &mut state,
            user_id,
            PasswordCheck::Matched,
            at(10)
        ));
        assert!(attempt(&mut state, user_id, PasswordCheck::Matched, at(16)));
        assert_eq!(state.users[&user_id].failed_logins, 0);
    }

    #[test]
    fn a_failure_after_an_expired_lock_starts_a_fresh_count() {
        let (mut state, user_id) = state_with_user();
        for _ in 0..5 {
            attempt(&mut state, user_id, PasswordCheck::Mismatched, at(1));
        }
        assert!(!attempt(
            &mut state,
            user_id,
            PasswordCheck::Mismatched,
            at(20)
        ));
        let user = &state.users[&user_id];
        assert_eq!((user.failed_logins, user.locked_until), (1, None));
    }

    #[test]
    fn unlock_and_deactivation() {
        let (mut state, user_id) = state_with_user();
        for _ in 0..5 {
            attempt(&mut state, user_id, PasswordCheck::Mismatched, at(1));
        }
        let events = unlock(&state, &Actor::System, user_id).unwrap();
        apply_all(&mut state, &events, at(2));
        assert!(attempt(&mut state, user_id, PasswordCheck::Matched, at(3)));

        let reason = |text| Narrative::parse(text, "reason").unwrap();
        let events =
            deactivate(&state, &Actor::System, user_id, reason("left the facility")).unwrap();
        apply_all(&mut state, &events, at(4));
        assert!(!attempt(&mut state, user_id, PasswordCheck::Matched, at(5)));
        assert_eq!(
            deactivate(&state, &Actor::System, user_id, reason("again")),
            Err(IdentityError::Deactivated(user_id))
        );
    }

    #[test]
    fn only_admins_manage_users_and_usernames_are_unique() {
        let (state, user_id) = state_with_user();
        let qa = Actor::User {
            user_id,
            role: Role::Qa,
        };
        assert_eq!(unlock(&state, &qa, user_id), Err(IdentityError::NotAdmin));
        let duplicate = NewUser {
            user_id: UserId::from_uuid(Uuid::from_u128(2)),
            username: Username::parse("qa.one").unwrap(),
            printed_name: PrintedName::parse("Other").unwrap(),
            roles: Roles::new([Role::Analyst]).unwrap(),
            must_change_password: true,
        };
        assert!(matches!(
            register(&state, &Actor::System, duplicate),
            Err(IdentityError::UsernameTaken(_))
        ));
    }
}
