//! Reads of the release area for the API and the certificate document: specifications, a lot's
//! testing record, results, investigations, dispositions, the release blockers and the
//! certificate of analysis with the signatures and ledger proof behind it.
//!
//! Every read is a fixed number of queries, whatever the number of rows: persons and signatures
//! are looked up in one batch per read.

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::identity::PrintedName;
use cordtrace_domain::ids::{InvestigationId, LotId, SpecificationId, TestResultId, UserId};
use cordtrace_domain::manufacturing::{Lot, LotCode, LotKind, LotStatus};
use cordtrace_domain::refusal::Refuse;
use cordtrace_domain::release::certificate::{CertificateOfAnalysis, Person};
use cordtrace_domain::release::conditions::{LOT_ON_HOLD, release_blockers};
use cordtrace_domain::release::{
    Disposition, Investigation, LotTesting, ReleaseError, Specification, TestResult,
    certificate_of_analysis,
};
use cordtrace_domain::signature::{Meaning, manifestation};
use cordtrace_domain::{Reason, Timestamp};
use cordtrace_ledger::{self as ledger, LedgerSigner};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::commands::release::record::batch_record;
use crate::db::Database;
use crate::entity::{app_user, ledger_entry, lot};
use crate::error::{CommandError, QueryError, corrupt};
use crate::executor::Executor;
use crate::ledger::checkpoints::{self, CheckpointRecord};
use crate::ledger::read_snapshot;
use crate::projection::release::{
    InvestigationFilter, ResultFilter, SpecificationFilter, load_dispositions, load_investigations,
    load_lot_testing, load_results, load_specifications,
};
use crate::projection::{lots, users};

/// An electronic signature as its ledger entry holds it, with its manifestation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureLine {
    /// The signed entry.
    pub entry_seq: u64,
    /// Its action, e.g. `lot.released`.
    pub action: String,
    /// Its hash (hex), which `cordtrace ledger verify` recomputes.
    pub entry_hash: String,
    /// The signer.
    pub signer_id: UserId,
    /// The signer's printed name at the time of signing.
    pub printed_name: String,
    /// When it was signed.
    pub signed_at: Timestamp,
    /// What it means.
    pub meaning: Meaning,
    /// SHA-256 of the signed action, subjects and payload (hex): what binds it to its record.
    pub content_hash: String,
    /// `Signed by <printed name> on <UTC date-time> (<meaning>)`.
    pub manifestation: String,
}

/// A lot's testing record with its specification.
#[derive(Clone, Debug, PartialEq)]
pub struct TestingRecord {
    /// The record.
    pub testing: LotTesting,
    /// The specification the lot is tested against.
    pub specification: Specification,
    /// Who began testing.
    pub started_by: Person,
}

/// A result with the people and the signature behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRecord {
    /// The result.
    pub result: TestResult,
    /// The analyst.
    pub analyst: Person,
    /// Who invalidated it.
    pub invalidated_by: Option<Person>,
    /// The invalidation's signature.
    pub invalidation_signature: Option<SignatureLine>,
}

/// An investigation with its lot's code, the people and the closure's signature.
#[derive(Clone, Debug, PartialEq)]
pub struct InvestigationRecord {
    /// The investigation.
    pub investigation: Investigation,
    /// Its lot's code.
    pub lot_code: LotCode,
    /// The analyst of the failed result.
    pub opened_by: Person,
    /// Who closed it.
    pub closed_by: Option<Person>,
    /// The closure's signature.
    pub closure_signature: Option<SignatureLine>,
}

/// A disposition with its lot's code, the signer and the signature.
#[derive(Clone, Debug, PartialEq)]
pub struct DispositionRecord {
    /// The disposition.
    pub disposition: Disposition,
    /// The lot's code.
    pub lot_code: LotCode,
    /// The signer.
    pub decided_by: Person,
    /// The signature of its entry.
    pub signature: Option<SignatureLine>,
}

/// What stands between a lot and its release, as QA sees it before signing.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseCheck {
    /// The lot.
    pub lot: Lot,
    /// Every unmet condition, each with its code; empty when the lot may be released.
    pub blockers: Vec<Reason>,
}

/// The ledger proof at the end of a certificate: the disposition entry, its hash and a signed
/// checkpoint that includes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DispositionProof {
    /// The disposition entry.
    pub entry_seq: u64,
    /// Its action (`lot.released` or `lot.rejected`).
    pub action: String,
    /// Its hash (hex).
    pub entry_hash: String,
    /// A signed checkpoint of a tree that includes the entry (`size >= entry_seq`).
    pub checkpoint: CheckpointRecord,
}

/// A certificate of analysis: the content, every signature it relies on, and (once disposed)
/// the ledger proof of the disposition.
#[derive(Clone, Debug, PartialEq)]
pub struct CertificateDocument {
    /// What the certificate states.
    pub content: CertificateOfAnalysis,
    /// The signatures of [`CertificateOfAnalysis::signed_entries`], in ledger order.
    pub signatures: Vec<SignatureLine>,
    /// The disposition entry and a checkpoint that includes it; `None` for a draft.
    pub proof: Option<DispositionProof>,
}

fn meaning(meaning: ledger::SignatureMeaning) -> Meaning {
    match meaning {
        ledger::SignatureMeaning::Authorship => Meaning::Authorship,
        ledger::SignatureMeaning::Review => Meaning::Review,
        ledger::SignatureMeaning::Approval => Meaning::Approval,
        ledger::SignatureMeaning::Responsibility => Meaning::Responsibility,
        ledger::SignatureMeaning::Verification => Meaning::Verification,
    }
}

/// The signatures of the entries `seqs`, by seq (entries without a signature are left out).
async fn signature_lines(
    db: &impl ConnectionTrait,
    seqs: impl IntoIterator<Item = u64>,
) -> Result<BTreeMap<u64, SignatureLine>, QueryError> {
    let seqs: BTreeSet<i64> = seqs
        .into_iter()
        .map(|seq| i64::try_from(seq).map_err(|e| corrupt("entry seq", e)))
        .collect::<Result<_, _>>()?;
    if seqs.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(i64, String, Option<String>, String)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Seq)
        .column(ledger_entry::Column::Action)
        .column(ledger_entry::Column::Signature)
        .column(ledger_entry::Column::Hash)
        .filter(ledger_entry::Column::Seq.is_in(seqs))
        .into_tuple()
        .all(db)
        .await?;
    let mut lines = BTreeMap::new();
    for (seq, action, signature, hash) in rows {
        let Some(signature) = signature else {
            continue;
        };
        let signature: ledger::EntrySignature =
            serde_json::from_str(&signature).map_err(|e| corrupt("ledger_entry.signature", e))?;
        let entry_seq = u64::try_from(seq).map_err(|e| corrupt("ledger_entry.seq", e))?;
        let signed_at = Timestamp::from_datetime(signature.signed_at.as_datetime());
        let meaning = meaning(signature.meaning);
        lines.insert(
            entry_seq,
            SignatureLine {
                entry_seq,
                action,
                entry_hash: hash,
                signer_id: UserId::from_uuid(signature.signer_id),
                manifestation: manifestation(&signature.printed_name, signed_at, meaning),
                content_hash: signature.content_hash.to_string(),
                printed_name: signature.printed_name,
                signed_at,
                meaning,
            },
        );
    }
    Ok(lines)
}

/// The people `ids`, with their printed names.
async fn people(
    db: &impl ConnectionTrait,
    ids: BTreeSet<UserId>,
) -> Result<BTreeMap<UserId, Person>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Uuid, String)> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .column(app_user::Column::PrintedName)
        .filter(app_user::Column::Id.is_in(ids.iter().map(|id| id.as_uuid())))
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(id, name)| {
            let user_id = UserId::from_uuid(id);
            let printed_name =
                PrintedName::parse(&name).map_err(|e| corrupt("app_user.printed_name", e))?;
            Ok((
                user_id,
                Person {
                    user_id,
                    printed_name: Some(printed_name),
                },
            ))
        })
        .collect()
}

/// The person `id` from `people`, or the id alone if the user row is gone.
fn person(people: &BTreeMap<UserId, Person>, id: UserId) -> Person {
    people.get(&id).cloned().unwrap_or(Person {
        user_id: id,
        printed_name: None,
    })
}

/// The codes of `ids`, by lot.
async fn lot_codes(
    db: &impl ConnectionTrait,
    ids: BTreeSet<LotId>,
) -> Result<BTreeMap<LotId, LotCode>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Uuid, String)> = lot::Entity::find()
        .select_only()
        .column(lot::Column::Id)
        .column(lot::Column::Code)
        .filter(lot::Column::Id.is_in(ids.iter().map(|id| id.as_uuid())))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code)| (LotId::from_uuid(id), LotCode::from_stored(code)))
        .collect())
}

/// Every specification version, of one product kind or all, by kind then newest first.
pub async fn specifications(
    database: &Database,
    kind: Option<LotKind>,
) -> Result<Vec<Specification>, QueryError> {
    let filter = kind.map_or(SpecificationFilter::All, SpecificationFilter::Kind);
    let mut specifications: Vec<Specification> = load_specifications(database.connection(), filter)
        .await?
        .into_values()
        .collect();
    specifications.sort_by(|a, b| {
        let key = |spec: &Specification| {
            (
                spec.content.product_kind().as_str(),
                std::cmp::Reverse(spec.content.version()),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(specifications)
}

/// One specification version.
pub async fn specification(
    database: &Database,
    id: SpecificationId,
) -> Result<Option<Specification>, QueryError> {
    Ok(
        load_specifications(database.connection(), SpecificationFilter::Ids(vec![id]))
            .await?
            .remove(&id),
    )
}

/// The testing record of `lot_id`, if testing began.
pub async fn testing(
    database: &Database,
    lot_id: LotId,
) -> Result<Option<TestingRecord>, QueryError> {
    let db = database.connection();
    let Some(testing) = load_lot_testing(db, Some(vec![lot_id]))
        .await?
        .remove(&lot_id)
    else {
        return Ok(None);
    };
    let specification =
        load_specifications(db, SpecificationFilter::Ids(vec![testing.specification_id]))
            .await?
            .remove(&testing.specification_id)
            .ok_or_else(|| {
                QueryError::Corrupt(format!("lot_testing of {lot_id} names no specification"))
            })?;
    let people = people(db, BTreeSet::from([testing.started_by])).await?;
    Ok(Some(TestingRecord {
        started_by: person(&people, testing.started_by),
        testing,
        specification,
    }))
}

/// One result with its people and signature.
pub async fn result(
    database: &Database,
    id: TestResultId,
) -> Result<Option<ResultRecord>, QueryError> {
    let db = database.connection();
    let Some(result) = load_results(db, ResultFilter::Ids(vec![id]))
        .await?
        .remove(&id)
    else {
        return Ok(None);
    };
    let invalidation = result.invalidation.as_ref();
    let mut ids = BTreeSet::from([result.analyst]);
    ids.extend(invalidation.map(|i| i.invalidated_by));
    let people = people(db, ids).await?;
    let mut signatures = signature_lines(db, invalidation.map(|i| i.entry_seq)).await?;
    Ok(Some(ResultRecord {
        analyst: person(&people, result.analyst),
        invalidated_by: invalidation.map(|i| person(&people, i.invalidated_by)),
        invalidation_signature: invalidation.and_then(|i| signatures.remove(&i.entry_seq)),
        result,
    }))
}

/// Which investigations to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvestigationScope {
    /// One investigation.
    One(InvestigationId),
    /// Every investigation of one lot.
    Lot(LotId),
    /// Every open investigation.
    Open,
    /// Every investigation.
    All,
}

/// Investigations with their lots, people and closure signatures, oldest first.
pub async fn investigations(
    database: &Database,
    scope: InvestigationScope,
) -> Result<Vec<InvestigationRecord>, QueryError> {
    let db = database.connection();
    let filter = match scope {
        InvestigationScope::One(id) => InvestigationFilter::Ids(vec![id]),
        InvestigationScope::Lot(lot_id) => InvestigationFilter::Lots(vec![lot_id]),
        InvestigationScope::Open => InvestigationFilter::Open,
        InvestigationScope::All => InvestigationFilter::All,
    };
    let mut found: Vec<Investigation> = load_investigations(db, filter)
        .await?
        .into_values()
        .collect();
    found.sort_by_key(|investigation| (investigation.opened_at, investigation.id));
    let codes = lot_codes(db, found.iter().map(|i| i.lot_id).collect()).await?;
    let mut ids: BTreeSet<UserId> = found.iter().map(|i| i.opened_by).collect();
    ids.extend(
        found
            .iter()
            .filter_map(|i| i.closure.as_ref().map(|c| c.closed_by)),
    );
    let people = people(db, ids).await?;
    let mut signatures = signature_lines(
        db,
        found
            .iter()
            .filter_map(|i| i.closure.as_ref().map(|c| c.entry_seq)),
    )
    .await?;
    found
        .into_iter()
        .map(|investigation| {
            let closure = investigation.closure.as_ref();
            Ok(InvestigationRecord {
                lot_code: codes.get(&investigation.lot_id).cloned().ok_or_else(|| {
                    QueryError::Corrupt(format!("investigation {} has no lot", investigation.id))
                })?,
                opened_by: person(&people, investigation.opened_by),
                closed_by: closure.map(|c| person(&people, c.closed_by)),
                closure_signature: closure.and_then(|c| signatures.remove(&c.entry_seq)),
                investigation,
            })
        })
        .collect()
}

/// The disposition of `lot_id`, if QA made one.
pub async fn disposition(
    database: &Database,
    lot_id: LotId,
) -> Result<Option<DispositionRecord>, QueryError> {
    let db = database.connection();
    let Some(disposition) = load_dispositions(db, Some(vec![lot_id]))
        .await?
        .remove(&lot_id)
    else {
        return Ok(None);
    };
    let mut codes = lot_codes(db, BTreeSet::from([lot_id])).await?;
    let people = people(db, BTreeSet::from([disposition.decided_by])).await?;
    let mut signatures = signature_lines(db, [disposition.entry_seq]).await?;
    Ok(Some(DispositionRecord {
        lot_code: codes
            .remove(&lot_id)
            .ok_or_else(|| QueryError::Corrupt(format!("disposition of {lot_id} has no lot")))?,
        decided_by: person(&people, disposition.decided_by),
        signature: signatures.remove(&disposition.entry_seq),
        disposition,
    }))
}

/// What blocks the release of `lot_id` now, as a release signed by `signer` would be refused:
/// the lot's own status (`LOT_NOT_IN_QUARANTINE`, `LOT_ON_HOLD`) first, then every unmet
/// condition of [`release_blockers`], separation of duties included when `signer` is given.
/// `None` if the lot does not exist.
pub async fn release_check(
    database: &Database,
    lot_id: LotId,
    signer: Option<UserId>,
) -> Result<Option<ReleaseCheck>, QueryError> {
    let snapshot = read_snapshot(database).await?;
    let state = batch_record(&snapshot, lot_id).await?;
    snapshot.commit().await?;
    let Some(lot) = state.lots.get(&lot_id).cloned() else {
        return Ok(None);
    };
    let mut blockers = Vec::new();
    if lot.status != LotStatus::Quarantine {
        let not_in_quarantine = ReleaseError::LotNotInQuarantine {
            lot: lot.code.as_str().to_owned(),
            status: lot.status,
            action: "release",
        };
        blockers.push(Reason {
            code: not_in_quarantine.code(),
            message: not_in_quarantine.to_string(),
        });
        if lot.status == LotStatus::OnHold {
            blockers.push(Reason {
                code: LOT_ON_HOLD,
                message: format!("lot {} is on hold", lot.code),
            });
        }
    }
    blockers.extend(
        release_blockers(&state, lot_id, signer)
            .map_err(|error| QueryError::Corrupt(error.to_string()))?,
    );
    Ok(Some(ReleaseCheck { lot, blockers }))
}

/// The certificate of analysis of `lot_id`, `None` if the lot does not exist. Once the lot is
/// disposed, the certificate ends with the disposition entry's hash and a signed checkpoint
/// that includes it; if the latest checkpoint is older than the entry, one is signed now.
pub async fn certificate(
    executor: &Executor,
    signer: LedgerSigner,
    lot_id: LotId,
) -> Result<Option<CertificateDocument>, CommandError> {
    let database = executor.database();
    let snapshot = read_snapshot(database).await?;
    let mut state = batch_record(&snapshot, lot_id).await?;
    if !state.lots.contains_key(&lot_id) {
        snapshot.commit().await?;
        return Ok(None);
    }
    state.users = users::load_all(&snapshot).await?;
    state.products = crate::projection::materials::load_products(&snapshot).await?;
    let content = certificate_of_analysis(&state, lot_id)
        .map_err(|error| CommandError::Corrupt(error.to_string()))?;
    let lines = signature_lines(
        &snapshot,
        content.signed_entries.iter().map(|entry| entry.entry_seq),
    )
    .await?;
    snapshot.commit().await?;
    let signatures: Vec<SignatureLine> = content
        .signed_entries
        .iter()
        .filter_map(|entry| lines.get(&entry.entry_seq).cloned())
        .collect();
    if signatures.len() != content.signed_entries.len() {
        return Err(CommandError::Corrupt(format!(
            "a signed entry of the certificate of lot {lot_id} has no signature"
        )));
    }
    let proof = match &content.disposition {
        None => None,
        Some(disposition) => {
            let line = lines.get(&disposition.entry_seq).ok_or_else(|| {
                CommandError::Corrupt(format!("disposition entry of lot {lot_id} is unsigned"))
            })?;
            Some(DispositionProof {
                entry_seq: line.entry_seq,
                action: line.action.clone(),
                entry_hash: line.entry_hash.clone(),
                checkpoint: covering_checkpoint(executor, signer, line.entry_seq).await?,
            })
        }
    };
    Ok(Some(CertificateDocument {
        content,
        signatures,
        proof,
    }))
}

/// A signed checkpoint whose tree includes entry `seq`: the latest one if it does, otherwise
/// one signed now.
async fn covering_checkpoint(
    executor: &Executor,
    signer: LedgerSigner,
    seq: u64,
) -> Result<CheckpointRecord, CommandError> {
    if let Some(latest) = checkpoints::latest(executor.database()).await?
        && latest.size >= seq
    {
        return Ok(latest);
    }
    if let Some(signed) = checkpoints::sign(executor, signer).await?
        && signed.size >= seq
    {
        return Ok(signed);
    }
    // Another signer covered the ledger between the two reads.
    checkpoints::latest(executor.database())
        .await?
        .filter(|latest| latest.size >= seq)
        .ok_or_else(|| CommandError::Corrupt(format!("no checkpoint covers entry {seq}")))
}

/// Lots by id, for resolvers that name a lot.
pub async fn lots_by_id(
    database: &Database,
    ids: Vec<LotId>,
) -> Result<BTreeMap<LotId, Lot>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    lots::load(database.connection(), Some(ids)).await
}
