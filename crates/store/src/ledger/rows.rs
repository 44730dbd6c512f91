//! Ledger rows to ledger entries, exactly as hashed.

use cordtrace_ledger as ledger;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{checkpoint, ledger_entry};
use crate::error::{QueryError, corrupt};

/// Rebuilds an entry from its row, keeping the stored hash as stored.
///
/// A row that does not decode is reported with its seq, as an auditor needs.
pub(crate) fn entry_from_row(row: &ledger_entry::Model) -> Result<ledger::Entry, String> {
    let field = |name: &str, error: &dyn std::fmt::Display| format!("{name}: {error}");
    let actor = match (row.actor_kind.as_str(), row.actor_user_id, &row.actor_role) {
        ("system", None, None) => ledger::Actor::System,
        ("user", Some(user_id), Some(role)) => ledger::Actor::User {
            user_id,
            role: role.clone(),
        },
        _ => return Err("actor columns are inconsistent".to_owned()),
    };
    let corrects = match (row.corrects_seq, &row.correction_reason) {
        (None, None) => None,
        (Some(seq), Some(reason)) => Some(ledger::Correction {
            seq: u64::try_from(seq).map_err(|e| field("corrects_seq", &e))?,
            reason: reason.clone(),
        }),
        _ => return Err("correction columns are inconsistent".to_owned()),
    };
    let body = ledger::EntryBody {
        seq: u64::try_from(row.seq).map_err(|e| field("seq", &e))?,
        id: row.id,
        recorded_at: row
            .recorded_at
            .parse()
            .map_err(|e| field("recorded_at", &e))?,
        actor,
        action: ledger::ActionName::parse(&row.action).map_err(|e| field("action", &e))?,
        subjects: serde_json::from_str(&row.subjects).map_err(|e| field("subjects", &e))?,
        payload: serde_json::from_str(&row.payload).map_err(|e| field("payload", &e))?,
        corrects,
        signature: row
            .signature
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| field("signature", &e))?,
        prev_hash: row.prev_hash.parse().map_err(|e| field("prev_hash", &e))?,
    };
    let hash = row.hash.parse().map_err(|e| field("hash", &e))?;
    Ok(ledger::Entry::from_parts(body, hash))
}

/// Entries with `seq > after`, at most `limit`, in order.
pub(crate) async fn entry_rows_after(
    db: &impl ConnectionTrait,
    after: u64,
    limit: u64,
) -> Result<Vec<ledger_entry::Model>, QueryError> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Seq.gt(to_i64(after)?))
        .order_by_asc(ledger_entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}

/// Every checkpoint, smallest first.
pub(crate) async fn checkpoints(
    db: &impl ConnectionTrait,
) -> Result<Vec<ledger::SignedCheckpoint>, QueryError> {
    checkpoint::Entity::find()
        .order_by_asc(checkpoint::Column::TreeSize)
        .all(db)
        .await?
        .into_iter()
        .map(signed_checkpoint)
        .collect()
}

/// The largest checkpoint, if any.
pub(crate) async fn latest_checkpoint_row(
    db: &impl ConnectionTrait,
) -> Result<Option<checkpoint::Model>, QueryError> {
    Ok(checkpoint::Entity::find()
        .order_by_desc(checkpoint::Column::TreeSize)
        .one(db)
        .await?)
}

pub(crate) fn signed_checkpoint(
    row: checkpoint::Model,
) -> Result<ledger::SignedCheckpoint, QueryError> {
    Ok(ledger::SignedCheckpoint {
        size: u64::try_from(row.tree_size).map_err(|e| corrupt("checkpoint.tree_size", e))?,
        root: row
            .root_hash
            .parse()
            .map_err(|e| corrupt("checkpoint.root_hash", e))?,
        note: row.note,
    })
}

pub(crate) fn to_i64(value: u64) -> Result<i64, QueryError> {
    i64::try_from(value).map_err(|e| corrupt("sequence number", e))
}
