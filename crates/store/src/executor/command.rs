//! What a command is: something that loads state, decides events and names its side writes.

use cordtrace_domain::signature::Signature;
use cordtrace_domain::{Actor, Event, State, Timestamp};
use sea_orm::DatabaseTransaction;

use crate::error::CommandError;
use crate::side_write::SideWrite;

/// What a command sees while it decides: its transaction, its actor and the executor's clock.
pub struct CommandContext<'a> {
    /// The command's transaction; read from it to load state.
    pub txn: &'a DatabaseTransaction,
    /// Who issues the command.
    pub actor: Actor,
    /// The executor's clock at the start of the transaction (the system clock, or a seed's
    /// [`ReplayClock`](super::ReplayClock)); every entry of the command carries it.
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
