//! Reading the ledger: entries, sub-chains, checkpoints, proofs, export and verification.

pub mod checkpoints;
pub mod export;
mod merkle;
pub mod proofs;
pub mod read;
mod rows;
pub mod verify;

use sea_orm::{EntityTrait, QueryOrder, QuerySelect};

use crate::db::Database;
use crate::entity::ledger_entry;
use crate::error::{QueryError, corrupt};

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
