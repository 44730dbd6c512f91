//! User management and authentication commands.

use cordtrace_domain::identity::commands::{self, NewUser, PasswordCheck};
use cordtrace_domain::identity::events::AuthContext;
use cordtrace_domain::identity::{LockoutPolicy, User};
use cordtrace_domain::ids::{SessionId, UserId};
use cordtrace_domain::values::Narrative;
use cordtrace_domain::{Refusal, Roles, State};

use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::users;
use crate::side_write::SideWrite;

async fn load_user(
    context: &CommandContext<'_>,
    user_id: UserId,
) -> Result<(State, User), CommandError> {
    let user = users::find(context.txn, user_id)
        .await?
        .ok_or_else(|| Refusal::from(commands::IdentityError::UnknownUser(user_id)))?;
    let mut state = State::default();
    state.users.insert(user_id, user.clone());
    Ok((state, user))
}

/// Registers a user with an initial password.
pub struct RegisterUser {
    /// The new user.
    pub new: NewUser,
    /// The argon2id hash of the initial password.
    pub password_hash: String,
}

impl Command for RegisterUser {
    type Output = UserId;
    const NAME: &'static str = "register_user";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<UserId>, CommandError> {
        let mut state = State::default();
        if let Some(existing) = users::find_by_username(context.txn, &self.new.username).await? {
            state.users.insert(existing.id, existing);
        }
        let user_id = self.new.user_id;
        let events = commands::register(&state, &context.actor, self.new).map_err(Refusal::from)?;
        Ok(
            Decision::new(state, events, user_id).with_side_write(SideWrite::Credential {
                user_id,
                password_hash: self.password_hash,
            }),
        )
    }
}

/// An admin change to a user: roles, activation, lock or password reset.
pub enum AdminChange {
    /// Replace the roles.
    Roles(Roles),
    /// Deactivate, with a reason. Ends every session of the user.
    Deactivate(Narrative),
    /// Reactivate.
    Reactivate,
    /// Lift a lock.
    Unlock,
    /// Set a temporary password that must be changed at next login (argon2id hash). Ends every
    /// session of the user.
    ResetPassword(String),
}

/// Applies an [`AdminChange`] to a user.
pub struct ChangeUser {
    /// The user.
    pub user_id: UserId,
    /// The change.
    pub change: AdminChange,
}

impl Command for ChangeUser {
    type Output = ();
    const NAME: &'static str = "change_user";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let (state, _) = load_user(context, self.user_id).await?;
        let actor = &context.actor;
        let id = self.user_id;
        let mut side_write = None;
        let events = match self.change {
            AdminChange::Roles(roles) => commands::change_roles(&state, actor, id, roles),
            AdminChange::Deactivate(reason) => commands::deactivate(&state, actor, id, reason),
            AdminChange::Reactivate => commands::reactivate(&state, actor, id),
            AdminChange::Unlock => commands::unlock(&state, actor, id),
            AdminChange::ResetPassword(password_hash) => {
                side_write = Some(SideWrite::Credential {
                    user_id: id,
                    password_hash,
                });
                commands::reset_password(&state, actor, id)
            }
        }
        .map_err(Refusal::from)?;
        let decision = Decision::new(state, events, ());
        Ok(match side_write {
            Some(write) => decision.with_side_write(write),
            None => decision,
        })
    }
}

/// A user replaces their own password (the caller has checked the old one).
pub struct ChangeOwnPassword {
    /// The user.
    pub user_id: UserId,
    /// The argon2id hash of the new password.
    pub password_hash: String,
}

impl Command for ChangeOwnPassword {
    type Output = ();
    const NAME: &'static str = "change_password";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let (state, _) = load_user(context, self.user_id).await?;
        let events = commands::change_password(&state, &context.actor, self.user_id, context.now)
            .map_err(Refusal::from)?;
        Ok(
            Decision::new(state, events, ()).with_side_write(SideWrite::Credential {
                user_id: self.user_id,
                password_hash: self.password_hash,
            }),
        )
    }
}

/// A session to open if a login is accepted.
pub struct NewSession {
    /// Its id.
    pub session_id: SessionId,
    /// SHA-256 of its token, hex.
    pub token_hash: String,
    /// Absolute lifetime from now.
    pub lifetime: chrono::Duration,
}

/// Records a password check of a known user (login or signature) and, for an accepted login,
/// opens the session.
pub struct RecordAuthentication {
    /// The user.
    pub user_id: UserId,
    /// The result of the password comparison.
    pub check: PasswordCheck,
    /// Login or signature.
    pub context: AuthContext,
    /// The session a successful login opens.
    pub session: Option<NewSession>,
    /// Lockout policy.
    pub policy: LockoutPolicy,
}

/// The result of [`RecordAuthentication`].
#[derive(Clone, Debug)]
pub struct AuthenticationOutcome {
    /// Whether the user is authenticated.
    pub accepted: bool,
    /// The user as it stands after the attempt.
    pub user: User,
}

impl Command for RecordAuthentication {
    type Output = AuthenticationOutcome;
    const NAME: &'static str = "authenticate";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<AuthenticationOutcome>, CommandError> {
        let (state, user) = load_user(context, self.user_id).await?;
        let session_id = self
            .session
            .as_ref()
            .map_or_else(|| SessionId::from_uuid(uuid::Uuid::nil()), |s| s.session_id);
        let authentication = commands::authenticate(
            &user,
            self.check,
            self.context,
            session_id,
            context.now,
            self.policy,
        );
        let mut after = state.clone();
        for event in &authentication.events {
            event.apply(
                &mut after,
                &cordtrace_domain::EventMeta {
                    seq: 0,
                    recorded_at: context.now,
                    actor: context.actor,
                },
            )?;
        }
        let user_after = after.users.get(&self.user_id).cloned().unwrap_or(user);
        let outcome = AuthenticationOutcome {
            accepted: authentication.accepted,
            user: user_after,
        };
        let mut decision = Decision::new(state, authentication.events, outcome);
        if let (true, Some(session)) = (authentication.accepted, self.session) {
            decision = decision.with_side_write(SideWrite::SessionOpened {
                session_id: session.session_id,
                user_id: self.user_id,
                token_hash: session.token_hash,
                expires_at: context.now.plus(session.lifetime),
            });
        }
        Ok(decision)
    }
}

/// Ends a session.
pub struct Logout {
    /// The user.
    pub user_id: UserId,
    /// The session.
    pub session_id: SessionId,
}

impl Command for Logout {
    type Output = ();
    const NAME: &'static str = "logout";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let (state, _) = load_user(context, self.user_id).await?;
        Ok(
            Decision::new(state, commands::logout(self.user_id, self.session_id), ())
                .with_side_write(SideWrite::SessionEnded {
                    session_id: self.session_id,
                }),
        )
    }
}
