//! Reading the ledger: entries, sub-chains, checkpoints, proofs, export and verification.

pub mod checkpoints;
pub mod export;
mod merkle;
pub mod proofs;
pub mod read;
mod rows;
pub mod verify;

use sea_orm::{
    AccessMode, DatabaseTransaction, EntityTrait, IsolationLevel, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::db::{Backend, Database};
use crate::entity::ledger_entry;
use crate::error::{QueryError, corrupt};

/// Opens a read-only transaction whose reads all see one snapshot of the database, so that a
/// verification or export of a live ledger never mixes entries, checkpoints and current state
/// committed at different moments.
pub(crate) async fn read_snapshot(database: &Database) -> Result<DatabaseTransaction, QueryError> {
    let connection = database.connection();
    Ok(match database.backend() {
        // A deferred transaction: in WAL mode its first read fixes the snapshot it keeps.
        Backend::Sqlite => connection.begin().await?,
        Backend::Postgres => {
            connection
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await?
        }
    })
}

/// The number of entries (the seq of the last one).
pub async fn size(database: &Database) -> Result<u64, QueryError> {
    let last = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Seq)
        .order_by_desc(ledger_entry::Column::Seq)
        .into_tuple::<i64>()
        .one(database.connection())
        .await?;
    last.map_or(Ok(0), |seq| {
        u64::try_from(seq).map_err(|e| corrupt("ledger seq", e))
    })
}
