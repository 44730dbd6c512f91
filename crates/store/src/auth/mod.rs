//! Authentication flows: login, sessions, signature re-checks and password changes.
//!
//! Password comparison happens here, before a command is queued, because argon2 is slow by
//! design and the writer task must not wait on it. The recorded outcome goes through the
//! executor like every other write.

pub mod password;
mod session;
pub mod token;

use cordtrace_domain::Actor;
use cordtrace_domain::identity::commands::PasswordCheck;
use cordtrace_domain::identity::events::AuthContext;
use cordtrace_domain::identity::{LockoutPolicy, Password, User, Username};
use cordtrace_domain::ids::{SessionId, UserId};
use cordtrace_domain::signature::{Meaning, Signature};
use sea_orm::EntityTrait;

pub(crate) use session::ensure_session_live;
pub use session::{Session, session_for_token};
pub use token::SessionToken;

use crate::commands::users::{ChangeOwnPassword, Logout, NewSession, RecordAuthentication};
use crate::entity::user_credential;
use crate::error::{CommandError, QueryError};
use crate::executor::Executor;
use crate::projection::users;

/// Lockout and session timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthPolicy {
    /// Consecutive failures that lock an account, and for how long.
    pub lockout: LockoutPolicy,
    /// A session unused for this long ends.
    pub idle_timeout: chrono::Duration,
    /// A session ends this long after login whatever its use.
    pub absolute_lifetime: chrono::Duration,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            lockout: LockoutPolicy::default(),
            idle_timeout: chrono::Duration::minutes(15),
            absolute_lifetime: chrono::Duration::hours(12),
        }
    }
}

/// A successful login.
#[derive(Debug)]
pub struct LoggedIn {
    /// The bearer token, shown to the client once.
    pub token: SessionToken,
    /// The session.
    pub session: Session,
}

async fn stored_hash(
    db: &impl sea_orm::ConnectionTrait,
    user_id: UserId,
) -> Result<Option<String>, QueryError> {
    Ok(user_credential::Entity::find_by_id(user_id.as_uuid())
        .one(db)
        .await?
        .map(|row| row.password_hash))
}

/// Checks a username and password and opens a session. `None` means refused; the reason
/// (unknown user, wrong password, locked, deactivated) is recorded but never told to the client.
pub async fn login(
    executor: &Executor,
    policy: AuthPolicy,
    username: &str,
    password: String,
) -> Result<Option<LoggedIn>, CommandError> {
    let db = executor.database().connection();
    let user = match Username::parse(username) {
        Ok(username) => users::find_by_username(db, &username).await?,
        Err(_) => None,
    };
    let Some(user) = user else {
        // Spend the same time as a real check before refusing. The attempt is logged, never
        // ledgered: it changes no record, and anyone could grow the indelible ledger with it
        // (ARCHITECTURE.md, "Failed sign-ins"). The typed name is not logged either: it may be
        // a password typed into the wrong field.
        password::verify(None, password).await;
        metrics::counter!("cordtrace_logins_failed_total").increment(1);
        tracing::warn!(target: "cordtrace::security", "sign-in refused: no such active user");
        return Ok(None);
    };
    let matched = password::verify(stored_hash(db, user.id).await?, password).await;
    let token = SessionToken::generate();
    let session_id = SessionId::from_uuid(uuid::Uuid::now_v7());
    let command = RecordAuthentication {
        user_id: user.id,
        check: if matched {
            PasswordCheck::Matched
        } else {
            PasswordCheck::Mismatched
        },
        context: AuthContext::Login,
        session: Some(NewSession {
            session_id,
            token_hash: token::token_hash(token.expose()),
            lifetime: policy.absolute_lifetime,
        }),
        policy: policy.lockout,
    };
    let was_locked = user.locked_until;
    let committed = executor.execute(Actor::System, command).await?;
    if !committed.output.accepted {
        metrics::counter!("cordtrace_logins_failed_total").increment(1);
        if committed.output.user.locked_until.is_some() && was_locked.is_none() {
            metrics::counter!("cordtrace_accounts_locked_total").increment(1);
        }
        // By user id, never by name: an operator can tell attacks on one account from a
        // forgotten password without the log holding who the person is.
        let user = &committed.output.user;
        match user.locked_until {
            Some(until) => tracing::warn!(
                target: "cordtrace::security",
                user_id = %user.id,
                locked_until = %until.as_datetime(),
                "sign-in refused: the account is locked"
            ),
            None => tracing::warn!(
                target: "cordtrace::security",
                user_id = %user.id,
                failed_logins = user.failed_logins,
                active = user.active,
                "sign-in refused"
            ),
        }
        return Ok(None);
    }
    let now = crate::executor::now();
    Ok(Some(LoggedIn {
        token,
        session: Session {
            session_id,
            user: committed.output.user,
            expires_at: now.plus(policy.absolute_lifetime),
            idle_expires_at: now.plus(policy.idle_timeout),
        },
    }))
}

/// Ends `session`. A session that has already ended is refused with
/// [`CommandError::SessionEnded`], and no second logout is recorded.
pub async fn logout(executor: &Executor, session: &Session) -> Result<(), CommandError> {
    let actor = Actor::System;
    executor
        .execute_in_session(
            session.session_id,
            actor,
            Logout {
                user_id: session.user.id,
                session_id: session.session_id,
            },
        )
        .await
        .map(|_| ())
}

/// Why a signature was not made.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The password was wrong, or the account is locked or deactivated. The failure is recorded
    /// and counts toward the lockout; nothing else is written.
    #[error("the signature password is not accepted")]
    Rejected,
    /// The command to record the attempt failed.
    #[error(transparent)]
    Command(#[from] CommandError),
}

impl From<QueryError> for SignatureError {
    fn from(error: QueryError) -> Self {
        Self::Command(error.into())
    }
}

/// Re-checks the signer's password (21 CFR 11.200) and returns the signature to bind to an entry.
pub async fn sign(
    executor: &Executor,
    policy: AuthPolicy,
    signer: &User,
    password: String,
    meaning: Meaning,
) -> Result<Signature, SignatureError> {
    let db = executor.database().connection();
    let matched = password::verify(stored_hash(db, signer.id).await?, password).await;
    let command = RecordAuthentication {
        user_id: signer.id,
        check: if matched {
            PasswordCheck::Matched
        } else {
            PasswordCheck::Mismatched
        },
        context: AuthContext::Signature,
        session: None,
        policy: policy.lockout,
    };
    let committed = executor.execute(Actor::System, command).await?;
    if !committed.output.accepted {
        metrics::counter!("cordtrace_signatures_rejected_total").increment(1);
        if committed.output.user.locked_until.is_some() && signer.locked_until.is_none() {
            metrics::counter!("cordtrace_accounts_locked_total").increment(1);
        }
        tracing::warn!(
            target: "cordtrace::security",
            user_id = %signer.id,
            locked = committed.output.user.locked_until.is_some(),
            "signature refused"
        );
        return Err(SignatureError::Rejected);
    }
    Ok(Signature {
        signer_id: signer.id,
        printed_name: committed.output.user.printed_name,
        signed_at: crate::executor::now(),
        meaning,
    })
}

/// Why a password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// The old password did not match.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The new password breaks the policy.
    #[error(transparent)]
    Policy(#[from] cordtrace_domain::identity::PasswordPolicyError),
    /// The new password equals the old one.
    #[error("the new password must differ from the current one")]
    Unchanged,
    /// The command failed.
    #[error(transparent)]
    Command(#[from] CommandError),
}

impl From<QueryError> for PasswordChangeError {
    fn from(error: QueryError) -> Self {
        Self::Command(error.into())
    }
}

/// Changes the password of the user of `session` after checking the current one.
pub async fn change_password(
    executor: &Executor,
    actor: Actor,
    session: &Session,
    current: String,
    new: String,
) -> Result<(), PasswordChangeError> {
    let user = &session.user;
    if current == new {
        return Err(PasswordChangeError::Unchanged);
    }
    let password = Password::new(new, &user.username)?;
    let db = executor.database().connection();
    if !password::verify(stored_hash(db, user.id).await?, current).await {
        return Err(PasswordChangeError::WrongPassword);
    }
    let password_hash = password::hash(password).await?;
    executor
        .execute_in_session(
            session.session_id,
            actor,
            ChangeOwnPassword {
                user_id: user.id,
                password_hash,
            },
        )
        .await?;
    Ok(())
}

/// Reads a user by id.
pub async fn find_user(executor: &Executor, user_id: UserId) -> Result<Option<User>, QueryError> {
    users::find(executor.database().connection(), user_id).await
}

/// Every user, by username.
pub async fn list_users(executor: &Executor) -> Result<Vec<User>, QueryError> {
    let mut all: Vec<User> = users::load_all(executor.database().connection())
        .await?
        .into_values()
        .collect();
    all.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(all)
}
