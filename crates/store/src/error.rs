//! Errors of commands and queries.

use cordtrace_domain::Refusal;
use cordtrace_domain::state::ApplyError;
use sea_orm::DbErr;

/// Why a command did not commit.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The domain refused it; nothing was written.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed; the transaction was rolled back.
    #[error("database error")]
    Database(#[from] DbErr),
    /// An event could not be applied to the loaded state: a bug or a tampered database.
    #[error("event does not apply to the current state")]
    Apply(#[from] ApplyError),
    /// A stored row does not decode into its domain type: a bug or a tampered database.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The executor has stopped (the server is shutting down).
    #[error("the command executor has stopped")]
    Unavailable,
    /// The session the command was made through ended (logout, deactivation, an admin's
    /// password reset, a lock) or expired before the command ran; nothing was written.
    #[error("the session has ended; sign in again")]
    SessionEnded,
    /// A replayed history met a ledger that is ahead of it (see
    /// [`ReplayClock`](crate::executor::ReplayClock)); nothing was written.
    #[error(transparent)]
    Clock(#[from] crate::executor::ClockError),
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The database failed.
    #[error("database error")]
    Database(#[from] DbErr),
    /// A stored row does not decode: a bug or a tampered database.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<QueryError> for CommandError {
    fn from(error: QueryError) -> Self {
        match error {
            QueryError::Database(error) => CommandError::Database(error),
            QueryError::Corrupt(message) => CommandError::Corrupt(message),
        }
    }
}

/// Turns a decoding failure of a stored value into [`QueryError::Corrupt`].
pub(crate) fn corrupt(what: &str, error: impl std::fmt::Display) -> QueryError {
    QueryError::Corrupt(format!("{what}: {error}"))
}
