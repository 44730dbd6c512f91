//! The command executor: the only write path (design invariant 1).
//!
//! Every write runs on one writer task per process, fed over a channel. On SQLite that means no
//! request ever sees "database is locked"; on PostgreSQL several processes share the database and
//! serialise on the chain head inside each transaction (see [`append`]). A command's transaction
//! loads what the domain needs, asks it to decide, appends one ledger entry per event, updates the
//! current-state tables from the applied events and commits: all or nothing. A command made
//! through a session first checks, in that transaction, that the session is still live; an event
//! that ends a user's sessions ends them in that transaction too.
//!
//! Each command's time (`CommandContext::now`, every entry's `recorded_at`) comes from the
//! executor's clock: the system clock, or, for seeding an empty installation with a history,
//! a [`ReplayClock`] (see [`Executor::start_replaying`]).

mod append;
mod clock;
mod command;

use std::sync::Arc;

use chrono::Utc;
use cordtrace_domain::ids::SessionId;
use cordtrace_domain::{Actor, Timestamp};
use futures::future::BoxFuture;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, IsolationLevel, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use append::CommittedEntry;
pub(crate) use append::{EntryDraft, append_entries, chain_head, ledger_time};
use clock::Clock;
pub use clock::{ClockError, ReplayClock};
pub use command::{Command, CommandContext, Decision};

use crate::db::{Backend, Database};
use crate::error::CommandError;
use crate::projection;
use crate::side_write::SideWrite;

/// A job for the writer task.
type Job = Box<dyn FnOnce(Database) -> BoxFuture<'static, ()> + Send>;

/// How many jobs may wait for the writer before senders wait in turn.
const QUEUE_DEPTH: usize = 1024;

/// A PostgreSQL advisory lock key ("cordtrac" in ASCII) that every ledger write takes first.
const CHAIN_HEAD_LOCK: i64 = 0x636f_7264_7472_6163;

/// A handle to the writer task. Cloning it is cheap; the task stops when every handle is dropped.
#[derive(Clone)]
pub struct Executor {
    jobs: mpsc::Sender<Job>,
    database: Database,
    clock: Clock,
}

/// The result of a committed command.
#[derive(Debug)]
pub struct Committed<T> {
    /// What the command returns to its caller.
    pub output: T,
    /// The ledger entries it wrote, in order.
    pub entries: Vec<CommittedEntry>,
}

impl Executor {
    /// Starts the writer task on `database`, stamping commands with the system clock.
    pub fn start(database: Database) -> (Self, JoinHandle<()>) {
        Self::start_with(database, Clock::System)
    }

    /// Starts the writer task on `database`, stamping commands with `clock`: for entering a
    /// history into an **empty** installation, as `cordtrace seed-demo` does, and for nothing
    /// else. The caller must have seen that the ledger is empty and must be its only writer
    /// (see [`ReplayClock`]); a command whose replayed time is earlier than the ledger's last
    /// entry is refused with [`ClockError::BehindLedger`].
    pub fn start_replaying(database: Database, clock: Arc<ReplayClock>) -> (Self, JoinHandle<()>) {
        Self::start_with(database, Clock::Replay(clock))
    }

    fn start_with(database: Database, clock: Clock) -> (Self, JoinHandle<()>) {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE_DEPTH);
        let writer_database = database.clone();
        let writer = tokio::spawn(async move {
            while let Some(job) = queue.recv().await {
                job(writer_database.clone()).await;
            }
            tracing::debug!("command executor stopped");
        });
        (
            Self {
                jobs,
                database,
                clock,
            },
            writer,
        )
    }

    /// The database, for reads.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Runs `command` as `actor` in one transaction with its ledger entries.
    ///
    /// Once queued, the command runs to completion even if the caller goes away, so a client that
    /// disconnects never leaves a half-done command behind.
    pub async fn execute<C: Command>(
        &self,
        actor: Actor,
        command: C,
    ) -> Result<Committed<C::Output>, CommandError> {
        self.run(None, actor, command).await
    }

    /// Runs `command` as [`execute`](Self::execute) does, for a request made through `session`:
    /// first, in the command's own transaction, it checks that the session has neither ended nor
    /// expired. A session ended by a command that committed after the request was authenticated
    /// (a deactivation, a password reset or a lock queued just before) refuses the command with
    /// [`CommandError::SessionEnded`], so nothing is ever written through a session after its
    /// end.
    pub async fn execute_in_session<C: Command>(
        &self,
        session: SessionId,
        actor: Actor,
        command: C,
    ) -> Result<Committed<C::Output>, CommandError> {
        self.run(Some(session), actor, command).await
    }

    async fn run<C: Command>(
        &self,
        session: Option<SessionId>,
        actor: Actor,
        command: C,
    ) -> Result<Committed<C::Output>, CommandError> {
        let started = std::time::Instant::now();
        let clock = self.clock.clone();
        let result = self
            .submit(move |database| async move {
                run_command(&database, &clock, session, actor, command).await
            })
            .await
            .and_then(|result| result);
        let outcome = match &result {
            Ok(_) => "committed",
            Err(CommandError::Refused(_) | CommandError::SessionEnded) => "refused",
            Err(_) => "failed",
        };
        metrics::counter!("cordtrace_commands_total", "command" => C::NAME, "outcome" => outcome)
            .increment(1);
        if let Some(last) = result.as_ref().ok().and_then(|done| done.entries.last()) {
            // The ledger's size as this process last wrote it, so that a scrape needs no query.
            metrics::gauge!(LEDGER_ENTRIES_GAUGE).set(last.seq.saturating_add(1) as f64);
        }
        metrics::histogram!("cordtrace_command_seconds", "command" => C::NAME)
            .record(started.elapsed().as_secs_f64());
        result
    }

    /// Runs a write that is not a domain command (session bookkeeping, checkpoint signing) on the
    /// writer task, so that it never competes with commands for the SQLite write lock.
    pub async fn submit<T, F, Fut>(&self, work: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(Database) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |database| {
            Box::pin(async move {
                // The caller may have gone away; the work is done either way.
                let _ = reply.send(work(database).await);
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| CommandError::Unavailable)?;
        answer.await.map_err(|_| CommandError::Unavailable)
    }
}

/// Opens a write transaction that holds the chain head until it ends.
///
/// SQLite: `BEGIN IMMEDIATE` takes the write lock at once, so a second process waits on the busy
/// timeout instead of failing when it upgrades a read transaction. PostgreSQL: a transaction-level
/// advisory lock serialises every writer of every process, so each command decides on the state
/// the previous one committed and appends after its entries.
pub(crate) async fn begin_write(database: &Database) -> Result<DatabaseTransaction, CommandError> {
    let connection = database.connection();
    match database.backend() {
        Backend::Sqlite => Ok(connection
            .begin_with_options(TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            })
            .await?),
        Backend::Postgres => {
            let txn = connection
                .begin_with_config(
                    Some(IsolationLevel::ReadCommitted),
                    Some(AccessMode::ReadWrite),
                )
                .await?;
            txn.execute_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock($1)",
                [CHAIN_HEAD_LOCK.into()],
            ))
            .await?;
            Ok(txn)
        }
    }
}

/// The gauge of the ledger's size, set after every command that appended entries.
pub const LEDGER_ENTRIES_GAUGE: &str = "cordtrace_ledger_entries";

/// The system clock, at the precision the ledger keeps: for what is not a command (sign-in,
/// sessions, checkpoint signing), which always happens now. Commands read the executor's clock.
pub(crate) fn now() -> Timestamp {
    Timestamp::from_datetime(Utc::now())
}

async fn run_command<C: Command>(
    database: &Database,
    clock: &Clock,
    session: Option<SessionId>,
    actor: Actor,
    command: C,
) -> Result<Committed<C::Output>, CommandError> {
    let txn = begin_write(database).await?;
    let context = CommandContext {
        txn: &txn,
        actor,
        now: clock.now(),
    };
    if let Clock::Replay(_) = clock {
        // The write lock is held, so no entry can slip in between this check and the append.
        if let Some(last) = append::last_recorded_at(&txn).await?
            && last > context.now
        {
            return Err(ClockError::BehindLedger {
                last,
                now: context.now,
            }
            .into());
        }
    }
    if let Some(session) = session {
        crate::auth::ensure_session_live(&txn, session, context.now).await?;
    }
    let Decision {
        mut state,
        events,
        signature,
        mut side_writes,
        output,
    } = command.decide(&context).await?;
    // Sessions end with the event that ends them, whichever command records it.
    side_writes.extend(
        events
            .iter()
            .filter_map(cordtrace_domain::Event::ends_sessions_of)
            .map(|user_id| SideWrite::UserSessionsEnded { user_id }),
    );

    let drafts = events
        .iter()
        .enumerate()
        .map(|(event_idx, event)| EntryDraft {
            event,
            // A command's signature belongs to its first event, the act it signs.
            signature: if event_idx == 0 {
                signature.as_ref()
            } else {
                None
            },
        })
        .collect::<Vec<_>>();
    let entries = append_entries(&txn, actor, context.now, &drafts).await?;

    let mut touched = std::collections::BTreeSet::new();
    for (event, entry) in events.iter().zip(&entries) {
        let meta = cordtrace_domain::EventMeta {
            seq: entry.seq,
            recorded_at: context.now,
            actor,
        };
        event.apply(&mut state, &meta)?;
        touched.extend(event.subjects());
    }
    projection::save(&txn, &state, &touched).await?;
    for side_write in side_writes {
        side_write.write(&txn, context.now).await?;
    }
    txn.commit().await?;
    Ok(Committed { output, entries })
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("backend", &self.database.backend())
            .field("clock", &self.clock)
            .finish()
    }
}
