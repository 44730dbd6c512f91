//! Reading entries: by position, one by one, and one subject's sub-chain.

use cordtrace_ledger as ledger;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::rows::{entry_from_row, entry_rows_after, to_i64};
use crate::db::Database;
use crate::entity::{ledger_entry, ledger_subject};
use crate::error::QueryError;

fn decode(row: &ledger_entry::Model) -> Result<ledger::Entry, QueryError> {
    entry_from_row(row).map_err(|error| QueryError::Corrupt(format!("entry {}: {error}", row.seq)))
}

/// Up to `first` entries after `after` (a seq; 0 for the start), in order.
pub async fn entries_after(
    database: &Database,
    after: u64,
    first: u64,
) -> Result<Vec<ledger::Entry>, QueryError> {
    entry_rows_after(database.connection(), after, first)
        .await?
        .iter()
        .map(decode)
        .collect()
}

/// The entry at `seq`.
pub async fn entry(database: &Database, seq: u64) -> Result<Option<ledger::Entry>, QueryError> {
    ledger_entry::Entity::find_by_id(to_i64(seq)?)
        .one(database.connection())
        .await?
        .as_ref()
        .map(decode)
        .transpose()
}

/// Up to `first` entries about one subject with `seq > after`, in order: its chain of custody.
pub async fn subject_chain(
    database: &Database,
    kind: &str,
    id: &str,
    after: u64,
    first: u64,
) -> Result<Vec<ledger::Entry>, QueryError> {
    let seqs: Vec<i64> = ledger_subject::Entity::find()
        .select_only()
        .column(ledger_subject::Column::Seq)
        .filter(ledger_subject::Column::SubjectKind.eq(kind))
        .filter(ledger_subject::Column::SubjectId.eq(id))
        .filter(ledger_subject::Column::Seq.gt(to_i64(after)?))
        .order_by_asc(ledger_subject::Column::Seq)
        .limit(first)
        .into_tuple()
        .all(database.connection())
        .await?;
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Seq.is_in(seqs))
        .order_by_asc(ledger_entry::Column::Seq)
        .all(database.connection())
        .await?
        .iter()
        .map(decode)
        .collect()
}
