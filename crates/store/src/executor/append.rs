//! Appending ledger entries inside a command's transaction.

use std::collections::HashMap;

use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_domain::{Actor, Event, Timestamp};
use cordtrace_ledger as ledger;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entity::{ledger_entry, ledger_subject};
use crate::error::{CommandError, corrupt};

/// An entry as committed: its position and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommittedEntry {
    /// Its sequence number.
    pub seq: u64,
    /// Its hash.
    pub hash: ledger::Hash,
}

/// One event to record, with the signature that belongs to it.
pub(crate) struct EntryDraft<'a> {
    pub event: &'a Event,
    pub signature: Option<&'a Signature>,
}

/// Appends one entry per draft after the current chain head.
///
/// The caller holds the chain head (see `begin_write`), so the head read here stays the head until
/// commit, and the unique `prev_hash` column is a second line of defence against a fork.
pub(crate) async fn append_entries(
    txn: &DatabaseTransaction,
    actor: Actor,
    now: Timestamp,
    drafts: &[EntryDraft<'_>],
) -> Result<Vec<CommittedEntry>, CommandError> {
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    let (mut seq, mut prev_hash) = chain_head(txn).await?;
    let recorded_at = ledger_time(now)?;
    let ledger_actor = ledger_actor(actor);
    let mut subject_heads: HashMap<(String, String), u64> = HashMap::new();
    let mut committed = Vec::with_capacity(drafts.len());

    for draft in drafts {
        seq += 1;
        let mut subjects = Vec::new();
        for subject in draft.event.subjects() {
            let key = (subject.kind.as_str().to_owned(), subject.id.clone());
            let prev_seq = match subject_heads.get(&key) {
                Some(prev) => Some(*prev),
                None => subject_head(txn, &key.0, &key.1).await?,
            };
            subject_heads.insert(key, seq);
            subjects.push(ledger::SubjectLink {
                kind: subject.kind.as_str().to_owned(),
                id: subject.id,
                prev_seq,
            });
        }
        let action = ledger::ActionName::parse(draft.event.action())
            .map_err(|error| CommandError::Corrupt(format!("action name: {error}")))?;
        let payload = ledger::Payload::new(draft.event.payload_json())
            .map_err(|error| CommandError::Corrupt(format!("event payload: {error}")))?;
        let signature = draft
            .signature
            .map(|signature| entry_signature(signature, &action, &subjects, &payload))
            .transpose()?;
        let entry = ledger::Entry::seal(ledger::EntryBody {
            seq,
            id: Uuid::now_v7(),
            recorded_at,
            actor: ledger_actor.clone(),
            action,
            subjects,
            payload,
            corrects: None,
            signature,
            prev_hash,
        });
        insert_entry(txn, &entry).await?;
        prev_hash = entry.hash();
        committed.push(CommittedEntry {
            seq,
            hash: entry.hash(),
        });
    }
    Ok(committed)
}

/// The last entry's seq and hash, or (0, zero hash) for an empty ledger.
pub(crate) async fn chain_head(
    txn: &DatabaseTransaction,
) -> Result<(u64, ledger::Hash), CommandError> {
    let last = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Seq)
        .column(ledger_entry::Column::Hash)
        .order_by_desc(ledger_entry::Column::Seq)
        .into_tuple::<(i64, String)>()
        .one(txn)
        .await?;
    match last {
        None => Ok((0, ledger::Hash::ZERO)),
        Some((seq, hash)) => {
            let seq = u64::try_from(seq).map_err(|error| corrupt("ledger seq", error))?;
            let hash = hash
                .parse::<ledger::Hash>()
                .map_err(|error| corrupt("ledger hash", error))?;
            Ok((seq, hash))
        }
    }
}

/// When the last entry was recorded, or `None` for an empty ledger.
pub(crate) async fn last_recorded_at(
    txn: &DatabaseTransaction,
) -> Result<Option<Timestamp>, CommandError> {
    let last = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::RecordedAt)
        .order_by_desc(ledger_entry::Column::Seq)
        .into_tuple::<String>()
        .one(txn)
        .await?;
    last.map(|text| {
        text.parse::<ledger::Timestamp>()
            .map(|at| Timestamp::from_datetime(at.as_datetime()))
            .map_err(|error| corrupt("ledger recorded_at", error).into())
    })
    .transpose()
}

async fn subject_head(
    txn: &DatabaseTransaction,
    kind: &str,
    id: &str,
) -> Result<Option<u64>, CommandError> {
    let last = ledger_subject::Entity::find()
        .select_only()
        .column(ledger_subject::Column::Seq)
        .filter(ledger_subject::Column::SubjectKind.eq(kind))
        .filter(ledger_subject::Column::SubjectId.eq(id))
        .order_by_desc(ledger_subject::Column::Seq)
        .into_tuple::<i64>()
        .one(txn)
        .await?;
    last.map(|seq| u64::try_from(seq).map_err(|error| corrupt("subject seq", error).into()))
        .transpose()
}

async fn insert_entry(
    txn: &DatabaseTransaction,
    entry: &ledger::Entry,
) -> Result<(), CommandError> {
    let body = entry.body();
    let (actor_kind, actor_user_id, actor_role) = match &body.actor {
        ledger::Actor::System => ("system", None, None),
        ledger::Actor::User { user_id, role } => ("user", Some(*user_id), Some(role.clone())),
    };
    let seq = to_i64(body.seq)?;
    let row = ledger_entry::ActiveModel {
        seq: Set(seq),
        id: Set(body.id),
        recorded_at: Set(body.recorded_at.to_string()),
        actor_kind: Set(actor_kind.to_owned()),
        actor_user_id: Set(actor_user_id),
        actor_role: Set(actor_role),
        action: Set(body.action.as_str().to_owned()),
        subjects: Set(to_json(&body.subjects)?),
        payload: Set(to_json(&body.payload)?),
        corrects_seq: Set(body.corrects.as_ref().map(|c| to_i64(c.seq)).transpose()?),
        correction_reason: Set(body.corrects.as_ref().map(|c| c.reason.clone())),
        signature: Set(body.signature.as_ref().map(to_json).transpose()?),
        prev_hash: Set(body.prev_hash.to_string()),
        hash: Set(entry.hash().to_string()),
    };
    ledger_entry::Entity::insert(row).exec(txn).await?;
    if !body.subjects.is_empty() {
        let rows = body
            .subjects
            .iter()
            .map(|subject| {
                Ok(ledger_subject::ActiveModel {
                    subject_kind: Set(subject.kind.clone()),
                    subject_id: Set(subject.id.clone()),
                    seq: Set(seq),
                    prev_seq: Set(subject.prev_seq.map(to_i64).transpose()?),
                })
            })
            .collect::<Result<Vec<_>, CommandError>>()?;
        ledger_subject::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CommandError> {
    serde_json::to_string(value).map_err(|error| CommandError::Corrupt(error.to_string()))
}

fn to_i64(value: u64) -> Result<i64, CommandError> {
    i64::try_from(value).map_err(|_| CommandError::Corrupt(format!("{value} exceeds i64")))
}

pub(crate) fn ledger_time(now: Timestamp) -> Result<ledger::Timestamp, CommandError> {
    ledger::Timestamp::from_datetime(now.as_datetime())
        .map_err(|error| CommandError::Corrupt(format!("clock: {error}")))
}

fn ledger_actor(actor: Actor) -> ledger::Actor {
    match actor {
        Actor::System => ledger::Actor::System,
        Actor::User { user_id, role } => ledger::Actor::User {
            user_id: user_id.as_uuid(),
            role: role.as_str().to_owned(),
        },
    }
}

fn entry_signature(
    signature: &Signature,
    action: &ledger::ActionName,
    subjects: &[ledger::SubjectLink],
    payload: &ledger::Payload,
) -> Result<ledger::EntrySignature, CommandError> {
    Ok(ledger::EntrySignature {
        signer_id: signature.signer_id.as_uuid(),
        printed_name: signature.printed_name.as_str().to_owned(),
        signed_at: ledger_time(signature.signed_at)?,
        meaning: match signature.meaning {
            Meaning::Authorship => ledger::SignatureMeaning::Authorship,
            Meaning::Review => ledger::SignatureMeaning::Review,
            Meaning::Approval => ledger::SignatureMeaning::Approval,
            Meaning::Responsibility => ledger::SignatureMeaning::Responsibility,
            Meaning::Verification => ledger::SignatureMeaning::Verification,
        },
        content_hash: ledger::signed_content_hash(action, subjects, payload),
    })
}
