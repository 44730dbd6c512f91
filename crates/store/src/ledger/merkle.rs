//! Stored Merkle hashes: written when a checkpoint is signed, read for roots and proofs.

use std::collections::{BTreeSet, HashMap};

use cordtrace_ledger as ledger;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::rows::to_i64;
use crate::entity::{ledger_entry, merkle_hash};
use crate::error::{QueryError, corrupt};

/// Rows per INSERT: well under SQLite's bound-parameter limit.
const INSERT_CHUNK: usize = 500;
/// Entries read per query while extending the tree.
const READ_CHUNK: u64 = 5_000;

fn merkle_error(error: impl std::fmt::Display) -> QueryError {
    QueryError::Corrupt(format!("merkle tree: {error}"))
}

/// Reads the stored hashes at `indexes`.
pub(crate) async fn fetch(
    db: &impl ConnectionTrait,
    indexes: impl IntoIterator<Item = u64>,
) -> Result<HashMap<u64, ledger::Hash>, QueryError> {
    let wanted: BTreeSet<u64> = indexes.into_iter().collect();
    let mut found = HashMap::with_capacity(wanted.len());
    let wanted: Vec<i64> = wanted.into_iter().map(to_i64).collect::<Result<_, _>>()?;
    for chunk in wanted.chunks(INSERT_CHUNK) {
        let rows = merkle_hash::Entity::find()
            .filter(merkle_hash::Column::HashIndex.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for row in rows {
            let index =
                u64::try_from(row.hash_index).map_err(|e| corrupt("merkle_hash.hash_index", e))?;
            let hash = row
                .hash
                .parse()
                .map_err(|e| corrupt("merkle_hash.hash", e))?;
            found.insert(index, hash);
        }
    }
    Ok(found)
}

/// Stores the hashes of leaves `old_size..new_size` (entries `old_size + 1..=new_size`) and
/// returns the root of the first `new_size` entries. Hashes of the first `old_size` leaves must
/// already be stored.
pub(crate) async fn extend(
    db: &impl ConnectionTrait,
    old_size: u64,
    new_size: u64,
) -> Result<ledger::Hash, QueryError> {
    let stored_before = ledger::stored_hash_count(old_size);
    // Appending only ever merges new nodes with the roots of the complete subtrees to their
    // left, so the old tree's decomposition (plus whatever the final root reads) is all that
    // must come from the table.
    let decomposition = |size: u64| ledger::required_indexes_for_root(size).map_err(merkle_error);
    let final_root = decomposition(new_size)?;
    let needed = decomposition(old_size)?
        .into_iter()
        .chain(final_root.iter().copied())
        .filter(|index| *index < stored_before);
    let mut hashes = fetch(db, needed).await?;

    let mut next_leaf = old_size;
    let mut pending: Vec<merkle_hash::ActiveModel> = Vec::new();
    while next_leaf < new_size {
        let rows = ledger_entry::Entity::find()
            .select_only()
            .column(ledger_entry::Column::Seq)
            .column(ledger_entry::Column::Hash)
            .filter(ledger_entry::Column::Seq.gt(to_i64(next_leaf)?))
            .filter(ledger_entry::Column::Seq.lte(to_i64(new_size)?))
            .order_by_asc(ledger_entry::Column::Seq)
            .limit(READ_CHUNK)
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Err(QueryError::Corrupt(format!(
                "ledger entry {} is missing",
                next_leaf + 1
            )));
        }
        for (seq, hash) in rows {
            if u64::try_from(seq).ok() != Some(next_leaf + 1) {
                return Err(QueryError::Corrupt(format!(
                    "ledger entry {} is missing",
                    next_leaf + 1
                )));
            }
            let leaf: ledger::Hash = hash.parse().map_err(|e| corrupt("ledger_entry.hash", e))?;
            for (index, stored) in
                ledger::stored_hashes_for_append(next_leaf, leaf, &hashes).map_err(merkle_error)?
            {
                hashes.insert(index, stored);
                pending.push(merkle_hash::ActiveModel {
                    hash_index: Set(to_i64(index)?),
                    hash: Set(stored.to_string()),
                });
            }
            next_leaf += 1;
            if pending.len() >= INSERT_CHUNK {
                merkle_hash::Entity::insert_many(std::mem::take(&mut pending))
                    .exec(db)
                    .await?;
            }
        }
        // Keep only what later leaves and the final root can read: the decomposition roots.
        let keep: BTreeSet<u64> = decomposition(next_leaf)?
            .into_iter()
            .chain(final_root.iter().copied())
            .collect();
        hashes.retain(|index, _| keep.contains(index));
    }
    if !pending.is_empty() {
        merkle_hash::Entity::insert_many(pending).exec(db).await?;
    }
    ledger::tree_root(new_size, &hashes).map_err(merkle_error)
}
