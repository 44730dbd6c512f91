//! Looking up and keeping alive sessions.

use cordtrace_domain::Timestamp;
use cordtrace_domain::identity::User;
use cordtrace_domain::ids::SessionId;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::AuthPolicy;
use super::token::token_hash;
use crate::entity::user_session;
use crate::error::{CommandError, QueryError};
use crate::executor::Executor;
use crate::projection::users;

/// How stale `last_seen_at` may get before a request refreshes it. Refreshing on every request
/// would put a write on every read; this bounds the idle-timeout error to a few seconds. An idle
/// timeout shorter than four times this refreshes at a quarter of the timeout instead, or a
/// session in constant use would still die idle.
const TOUCH_INTERVAL: chrono::Duration = chrono::Duration::seconds(5);

/// A live session and its user.
#[derive(Clone, Debug)]
pub struct Session {
    /// The session.
    pub session_id: SessionId,
    /// Its user, as it stands now.
    pub user: User,
    /// The absolute end.
    pub expires_at: Timestamp,
    /// When it ends if unused.
    pub idle_expires_at: Timestamp,
}

/// The live session of `token`, refreshing its activity; `None` for an unknown, ended, expired or
/// idle session, or a deactivated user. A session ended once (logout, deactivation, an admin's
/// password reset, a lock) stays ended.
pub async fn session_for_token(
    executor: &Executor,
    policy: AuthPolicy,
    token: &str,
) -> Result<Option<Session>, QueryError> {
    let db = executor.database().connection();
    let Some(row) = user_session::Entity::find()
        .filter(user_session::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = crate::executor::now();
    let last_seen = Timestamp::from_datetime(row.last_seen_at);
    let expires_at = Timestamp::from_datetime(row.expires_at);
    if row.ended_at.is_some() || now >= expires_at || now >= last_seen.plus(policy.idle_timeout) {
        return Ok(None);
    }
    let Some(user) = users::find(db, cordtrace_domain::ids::UserId::from_uuid(row.user_id)).await?
    else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    if now >= last_seen.plus(TOUCH_INTERVAL.min(policy.idle_timeout / 4)) {
        touch(executor, row.id, now);
    }
    Ok(Some(Session {
        session_id: SessionId::from_uuid(row.id),
        user,
        expires_at,
        idle_expires_at: now.plus(policy.idle_timeout).min(expires_at),
    }))
}

/// Refuses, inside a command's transaction, a command made through a session that has ended or
/// passed its absolute lifetime since the request was authenticated. Writes are serialised, so a
/// command that ended the session either committed before this check (and the check sees the
/// end) or runs after this command commits.
pub(crate) async fn ensure_session_live(
    txn: &DatabaseTransaction,
    session_id: SessionId,
    now: Timestamp,
) -> Result<(), CommandError> {
    let row = user_session::Entity::find_by_id(session_id.as_uuid())
        .one(txn)
        .await?;
    match row {
        Some(row) if row.ended_at.is_none() && now < Timestamp::from_datetime(row.expires_at) => {
            Ok(())
        }
        _ => Err(CommandError::SessionEnded),
    }
}

/// Records activity on the writer task without waiting for it.
fn touch(executor: &Executor, session_id: uuid::Uuid, now: Timestamp) {
    let executor = executor.clone();
    tokio::spawn(async move {
        let result = executor
            .submit(move |database| async move {
                let row = user_session::ActiveModel {
                    id: Set(session_id),
                    last_seen_at: Set(now.as_datetime()),
                    ..Default::default()
                };
                user_session::Entity::update(row)
                    .exec(database.connection())
                    .await
            })
            .await;
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(error = %error, "could not record session activity"),
            Err(error) => tracing::warn!(error = %error, "could not record session activity"),
        }
    });
}
