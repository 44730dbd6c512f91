//! Verification against the database: the chain, the checkpoints, the indexes, and a replay of
//! every event compared with the current-state tables (design invariant 6).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use cordtrace_domain::{Event, EventMeta, State, Timestamp};
use cordtrace_ledger::{self as ledger, ChainVerifier, CheckpointVerifier};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::rows::{self, entry_from_row, entry_rows_after, to_i64};
use crate::db::Database;
use crate::entity::{ledger_subject, merkle_hash};
use crate::error::QueryError;
use crate::projection;

/// Entries read per query.
const PAGE: u64 = 2_000;

/// What a successful verification covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries verified and replayed.
    pub entries: u64,
    /// Checkpoints verified.
    pub checkpoints: u64,
    /// Bytes of canonical entries hashed.
    pub bytes_hashed: u64,
    /// How long it took.
    pub elapsed: Duration,
}

/// The first fault found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}{}: {detail}", location(self))]
pub struct VerifyFault {
    /// A stable name such as `hash_mismatch` or `state_mismatch`.
    pub kind: String,
    /// The entry at fault, if the fault is in the ledger.
    pub seq: Option<u64>,
    /// The table at fault, if the fault is in a table.
    pub table: Option<String>,
    /// The row at fault (its primary key), with `table`.
    pub row: Option<String>,
    /// What is wrong.
    pub detail: String,
}

fn location(fault: &VerifyFault) -> String {
    let mut location = String::new();
    if let Some(seq) = fault.seq {
        location.push_str(&format!(" at seq {seq}"));
    }
    match (&fault.table, &fault.row) {
        (Some(table), Some(row)) => location.push_str(&format!(" in {table} row {row}")),
        (Some(table), None) => location.push_str(&format!(" in {table}")),
        _ => {}
    }
    location
}

impl VerifyFault {
    fn at_seq(kind: &str, seq: u64, detail: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            seq: Some(seq),
            table: None,
            row: None,
            detail: detail.into(),
        }
    }

    fn in_table(kind: &str, table: &str, row: Option<String>, detail: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            seq: None,
            table: Some(table.to_owned()),
            row,
            detail: detail.into(),
        }
    }

    /// A fault of the chain names its entry; a fault of a checkpoint names the checkpoint row
    /// (its tree size), and an entry only when one is known to be at fault: the first missing
    /// one when the checkpoint covers more entries than remain.
    fn from_ledger(fault: &ledger::Fault) -> Self {
        let seq = match fault {
            ledger::Fault::CheckpointBeyondLedger { entries, .. } => Some(entries + 1),
            _ => fault.seq(),
        };
        Self {
            kind: fault.kind().to_owned(),
            seq,
            table: fault.checkpoint_size().map(|_| "checkpoint".to_owned()),
            row: fault.checkpoint_size().map(|size| size.to_string()),
            detail: fault.to_string(),
        }
    }
}

/// Why verification could not run (as opposed to finding a fault).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The ledger or a table is not as it should be.
    #[error(transparent)]
    Fault(#[from] VerifyFault),
    /// Reading failed.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// Verifies everything in the database against the checkpoint key `verifier`.
///
/// Every read happens in one snapshot, so a ledger that grows meanwhile is verified as it was
/// when verification began.
pub async fn verify(
    database: &Database,
    verifier: &CheckpointVerifier,
) -> Result<VerifyReport, VerifyError> {
    verify_with(database, Some(verifier)).await
}

/// Verifies an installation that has no signing key yet, which is sound only while no checkpoint
/// was ever signed: a checkpoint found in the snapshot is a fault (`unverifiable_checkpoint`),
/// never passed unchecked.
pub async fn verify_unsigned(database: &Database) -> Result<VerifyReport, VerifyError> {
    verify_with(database, None).await
}

async fn verify_with(
    database: &Database,
    verifier: Option<&CheckpointVerifier>,
) -> Result<VerifyReport, VerifyError> {
    let started = Instant::now();
    let snapshot = super::read_snapshot(database).await?;
    let db = &snapshot;
    let mut chain = ChainVerifier::new();
    let mut replayed = State::default();
    let mut after = 0;
    loop {
        let page = entry_rows_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        let last_seq = u64::try_from(last.seq).unwrap_or(0);
        check_subject_index(db, &page, after, last_seq).await?;
        for row in &page {
            let seq = u64::try_from(row.seq).unwrap_or(0);
            let entry = entry_from_row(row)
                .map_err(|detail| VerifyFault::at_seq("malformed", seq, detail))?;
            chain
                .push(&entry)
                .map_err(|fault| VerifyFault::from_ledger(&fault))?;
            replay(&mut replayed, &entry)?;
        }
        after = last_seq;
    }
    for checkpoint in rows::checkpoints(db).await? {
        let Some(verifier) = verifier else {
            return Err(VerifyFault::in_table(
                "unverifiable_checkpoint",
                "checkpoint",
                Some(checkpoint.size.to_string()),
                "a signed checkpoint exists but no verifier key was given",
            )
            .into());
        };
        chain
            .check_checkpoint(&checkpoint, verifier)
            .map_err(|fault| VerifyFault::from_ledger(&fault))?;
    }
    check_merkle_hashes(db, &chain).await?;
    let stored = projection::load_all(db).await?;
    if let Some(mismatch) = projection::first_mismatch(&replayed, &stored) {
        return Err(VerifyFault::in_table(
            "state_mismatch",
            mismatch.table,
            Some(mismatch.row),
            mismatch.detail,
        )
        .into());
    }
    let summary = chain
        .finish()
        .map_err(|fault| VerifyFault::from_ledger(&fault))?;
    // The snapshot only read; ending it releases it at once.
    snapshot.rollback().await.map_err(QueryError::from)?;
    Ok(VerifyReport {
        entries: summary.entries,
        checkpoints: summary.checkpoints,
        bytes_hashed: summary.bytes_hashed,
        elapsed: started.elapsed(),
    })
}

/// Applies one entry's event to the replayed state.
fn replay(state: &mut State, entry: &ledger::Entry) -> Result<(), VerifyFault> {
    let body = entry.body();
    let seq = body.seq;
    let event = Event::from_parts(body.action.as_str(), body.payload.to_value())
        .map_err(|error| VerifyFault::at_seq("undecodable_event", seq, error.to_string()))?;
    let actor = match &body.actor {
        ledger::Actor::System => cordtrace_domain::Actor::System,
        ledger::Actor::User { user_id, role } => cordtrace_domain::Actor::User {
            user_id: (*user_id).into(),
            role: role
                .parse()
                .map_err(|error: cordtrace_domain::role::UnknownRole| {
                    VerifyFault::at_seq("undecodable_event", seq, error.to_string())
                })?,
        },
    };
    let subjects: Vec<(String, String)> = event
        .subjects()
        .into_iter()
        .map(|subject| (subject.kind.as_str().to_owned(), subject.id))
        .collect();
    let recorded: Vec<(String, String)> = body
        .subjects
        .iter()
        .map(|subject| (subject.kind.clone(), subject.id.clone()))
        .collect();
    if subjects != recorded {
        return Err(VerifyFault::at_seq(
            "subject_mismatch",
            seq,
            "the entry's subjects are not the ones its event touches",
        ));
    }
    let meta = EventMeta {
        seq,
        recorded_at: Timestamp::from_datetime(body.recorded_at.as_datetime()),
        actor,
    };
    event
        .apply(state, &meta)
        .map_err(|error| VerifyFault::at_seq("replay", seq, error.to_string()))
}

/// The sub-chain index must list exactly the subjects of the entries in `(after, last]`.
async fn check_subject_index(
    db: &impl ConnectionTrait,
    page: &[crate::entity::ledger_entry::Model],
    after: u64,
    last: u64,
) -> Result<(), VerifyError> {
    let indexed = ledger_subject::Entity::find()
        .filter(ledger_subject::Column::Seq.gt(to_i64(after)?))
        .filter(ledger_subject::Column::Seq.lte(to_i64(last)?))
        .order_by_asc(ledger_subject::Column::Seq)
        .all(db)
        .await
        .map_err(QueryError::from)?;
    let indexed: BTreeSet<(i64, String, String, Option<i64>)> = indexed
        .into_iter()
        .map(|row| (row.seq, row.subject_kind, row.subject_id, row.prev_seq))
        .collect();
    let mut expected = BTreeSet::new();
    for row in page {
        let subjects: Vec<ledger::SubjectLink> =
            serde_json::from_str(&row.subjects).unwrap_or_default();
        for subject in subjects {
            let prev = subject.prev_seq.and_then(|prev| i64::try_from(prev).ok());
            expected.insert((row.seq, subject.kind, subject.id, prev));
        }
    }
    if let Some(first) = expected.symmetric_difference(&indexed).next() {
        return Err(VerifyFault::in_table(
            "subject_index",
            "ledger_subject",
            Some(format!("{}/{}/{}", first.1, first.2, first.0)),
            "the sub-chain index does not match the entries",
        )
        .into());
    }
    Ok(())
}

/// Every stored Merkle hash must equal the one recomputed from the entries.
async fn check_merkle_hashes(
    db: &impl ConnectionTrait,
    chain: &ChainVerifier,
) -> Result<(), VerifyError> {
    let rows = merkle_hash::Entity::find()
        .order_by_asc(merkle_hash::Column::HashIndex)
        .all(db)
        .await
        .map_err(QueryError::from)?;
    for row in rows {
        let index = u64::try_from(row.hash_index).unwrap_or(u64::MAX);
        let recomputed = chain.stored_hash(index);
        if recomputed.map(|hash| hash.to_string()).as_deref() != Some(row.hash.as_str()) {
            return Err(VerifyFault::in_table(
                "merkle_hash",
                "merkle_hash",
                Some(row.hash_index.to_string()),
                "the stored Merkle hash differs from the one recomputed from the entries",
            )
            .into());
        }
    }
    Ok(())
}
