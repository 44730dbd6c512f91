//! What a command is: something that loads state, decides events and names its side writes.

use cordtrace_domain::ids::{SessionId, UserId};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::{Actor, Event, State, Timestamp};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};

use crate::entity::{user_credential, user_session};
use crate::error::CommandError;

/// What a command sees while it decides: its transaction, its actor and the server clock.
pub struct CommandContext<'a> {
    /// The command's transaction; read from it to load state.
    pub txn: &'a DatabaseTransaction,
    /// Who issues the command.
    pub actor: Actor,
    /// The server clock at the start of the transaction; every entry of the command carries it.
    pub now: Timestamp,
}

/// A command of the domain, run by the [`Executor`](super::Executor).
pub trait Command: Send + 'static {
    /// What the command returns when it commits.
    type Output: Send + 'static;

    /// A stable name for metrics and logs.
    const NAME: &'static str;

    /// Loads the state the domain needs and returns the domain's decision. Any error rolls back.
    fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> impl Future<Output = Result<Decision<Self::Output>, CommandError>> + Send;
}

/// The domain's decision: the state it decided on, the events to record, and what else to write.
pub struct Decision<T> {
    /// The loaded state the events apply to; it must hold every aggregate the events touch.
    pub state: State,
    /// The events, each of which becomes one ledger entry.
    pub events: Vec<Event>,
    /// The electronic signature of the first event, if the command is signed.
    pub signature: Option<Signature>,
    /// Writes outside the ledgered state: credentials, sessions, personal data.
    pub side_writes: Vec<SideWrite>,
    /// What the command returns.
    pub output: T,
}

impl<T> Decision<T> {
    /// A decision with events and no signature or side writes.
    pub fn new(state: State, events: Vec<Event>, output: T) -> Self {
        Self {
            state,
            events,
            signature: None,
            side_writes: Vec::new(),
            output,
        }
    }

    /// Adds the electronic signature of the first event.
    pub fn signed(mut self, signature: Signature) -> Self {
        self.signature = Some(signature);
        self
    }

    /// Adds a side write.
    pub fn with_side_write(mut self, side_write: SideWrite) -> Self {
        self.side_writes.push(side_write);
        self
    }
}

/// A write outside the ledgered state, made in the command's transaction.
///
/// These tables hold what must not enter the indelible ledger (password hashes, session tokens,
/// personal data) or what changes too often to ledger (session activity).
pub enum SideWrite {
    /// Sets a user's password hash.
    Credential {
        /// The user.
        user_id: UserId,
        /// The argon2id PHC string.
        password_hash: String,
    },
    /// Opens a session.
    SessionOpened {
        /// The session.
        session_id: SessionId,
        /// The user.
        user_id: UserId,
        /// SHA-256 of the token, hex.
        token_hash: String,
        /// The absolute end of the session.
        expires_at: Timestamp,
    },
    /// Ends a session.
    SessionEnded {
        /// The session.
        session_id: SessionId,
    },
}

impl SideWrite {
    pub(crate) async fn write(self, txn: &DatabaseTransaction) -> Result<(), CommandError> {
        let now = super::now().as_datetime();
        match self {
            SideWrite::Credential {
                user_id,
                password_hash,
            } => {
                let row = user_credential::ActiveModel {
                    user_id: Set(user_id.as_uuid()),
                    password_hash: Set(password_hash),
                    changed_at: Set(now),
                };
                user_credential::Entity::insert(row)
                    .on_conflict(
                        OnConflict::column(user_credential::Column::UserId)
                            .update_columns([
                                user_credential::Column::PasswordHash,
                                user_credential::Column::ChangedAt,
                            ])
                            .to_owned(),
                    )
                    .exec(txn)
                    .await?;
            }
            SideWrite::SessionOpened {
                session_id,
                user_id,
                token_hash,
                expires_at,
            } => {
                let row = user_session::ActiveModel {
                    id: Set(session_id.as_uuid()),
                    token_hash: Set(token_hash),
                    user_id: Set(user_id.as_uuid()),
                    created_at: Set(now),
                    last_seen_at: Set(now),
                    expires_at: Set(expires_at.as_datetime()),
                    ended_at: Set(None),
                };
                user_session::Entity::insert(row).exec(txn).await?;
            }
            SideWrite::SessionEnded { session_id } => {
                let row = user_session::ActiveModel {
                    id: Set(session_id.as_uuid()),
                    ended_at: Set(Some(now)),
                    ..Default::default()
                };
                user_session::Entity::update(row).exec(txn).await?;
            }
        }
        Ok(())
    }
}
