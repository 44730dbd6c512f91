//! Signing checkpoints: the Merkle root of the ledger so far, signed with the installation key.

use cordtrace_ledger::{self as ledger, LedgerSigner};
use sea_orm::{ActiveValue::Set, EntityTrait};

use super::{merkle, rows};
use crate::db::Database;
use crate::entity::checkpoint;
use crate::error::{CommandError, QueryError};
use crate::executor::{self, Executor};

/// A signed checkpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointRecord {
    /// Entries covered.
    pub size: u64,
    /// Merkle root of those entries.
    pub root: ledger::Hash,
    /// When it was signed (server clock); the C2SP note itself carries no time.
    pub signed_at: String,
    /// The signed note (C2SP tlog-checkpoint body and signature lines).
    pub note: String,
}

/// Signs a checkpoint of the whole ledger if it grew since the last one; `None` if it did not.
///
/// Runs on the writer task holding the chain head, so checkpoints are signed one at a time
/// across every process, each over a prefix of the next: two checkpoints are always consistent.
pub async fn sign(
    executor: &Executor,
    signer: LedgerSigner,
) -> Result<Option<CheckpointRecord>, CommandError> {
    executor
        .submit(move |database| async move {
            let txn = executor::begin_write(&database).await?;
            let old_size = match rows::latest_checkpoint_row(&txn).await? {
                Some(row) => rows::signed_checkpoint(row)?.size,
                None => 0,
            };
            let (new_size, _) = executor::chain_head(&txn).await?;
            if new_size == old_size {
                return Ok(None);
            }
            let root = merkle::extend(&txn, old_size, new_size).await?;
            let signed = signer
                .sign_checkpoint(new_size, root)
                .map_err(|error| CommandError::Corrupt(format!("checkpoint signing: {error}")))?;
            let signed_at = executor::ledger_time(executor::now())?.to_string();
            checkpoint::Entity::insert(checkpoint::ActiveModel {
                tree_size: Set(rows::to_i64(new_size)?),
                root_hash: Set(root.to_string()),
                signed_at: Set(signed_at.clone()),
                note: Set(signed.note.clone()),
            })
            .exec(&txn)
            .await?;
            txn.commit().await?;
            Ok(Some(CheckpointRecord {
                size: new_size,
                root,
                signed_at,
                note: signed.note,
            }))
        })
        .await?
}

/// The latest checkpoint, if any.
pub async fn latest(database: &Database) -> Result<Option<CheckpointRecord>, QueryError> {
    let db = database.connection();
    rows::latest_checkpoint_row(db)
        .await?
        .map(|row| {
            let signed_at = row.signed_at.clone();
            rows::signed_checkpoint(row).map(|signed| CheckpointRecord {
                size: signed.size,
                root: signed.root,
                signed_at,
                note: signed.note,
            })
        })
        .transpose()
}
