//! GraphQL counterparts of ledger types.

use async_graphql::{Json, SimpleObject};
use cordtrace_domain::Timestamp;
use cordtrace_domain::signature::manifestation;
use cordtrace_ledger as ledger;
use cordtrace_store::ledger::checkpoints::CheckpointRecord;
use cordtrace_store::ledger::proofs::{ConsistencyProof, InclusionProof};
use cordtrace_store::ledger::verify::{VerifyFault, VerifyReport};
use uuid::Uuid;

use crate::identity::MeaningInput;

/// Who caused an entry.
#[derive(SimpleObject, Clone, Debug)]
pub struct LedgerActor {
    /// `system` or `user`.
    pub kind: String,
    /// The user, for `user`.
    pub user_id: Option<Uuid>,
    /// The role the user acted in, for `user`.
    pub role: Option<String>,
}

/// One aggregate an entry touches and the link to its previous entry.
#[derive(SimpleObject, Clone, Debug)]
pub struct LedgerSubject {
    /// The kind of aggregate.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// The seq of this subject's previous entry; null for its first.
    pub prev_seq: Option<u64>,
}

/// A correction reference.
#[derive(SimpleObject, Clone, Debug)]
pub struct LedgerCorrection {
    /// The corrected entry.
    pub seq: u64,
    /// Why.
    pub reason: String,
}

/// An electronic signature bound to an entry.
#[derive(SimpleObject, Clone, Debug)]
pub struct LedgerSignature {
    /// The signer.
    pub signer_id: Uuid,
    /// The signer's printed name.
    pub printed_name: String,
    /// When it was signed: `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exactly as hashed.
    pub signed_at: String,
    /// What it means.
    pub meaning: MeaningInput,
    /// SHA-256 of the signed action, subjects and payload, hex.
    pub content_hash: String,
    /// `Signed by <printed name> on <UTC date-time> (<meaning>)`.
    pub manifestation: String,
}

/// A ledger entry, exactly as hashed: the JCS encoding of its members (named in snake case,
/// without `hash` and the signature's `manifestation`) is what `hash` is the SHA-256 of.
#[derive(SimpleObject, Clone, Debug)]
pub struct LedgerEntry {
    /// Position, gap-free from 1.
    pub seq: u64,
    /// The entry's UUID (v7).
    pub id: Uuid,
    /// When it was recorded (server clock): `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exactly as hashed
    /// (docs/ledger-format.md, section 1).
    pub recorded_at: String,
    /// Who caused it.
    pub actor: LedgerActor,
    /// What happened, such as `user.registered`.
    pub action: String,
    /// The aggregates it touches.
    pub subjects: Vec<LedgerSubject>,
    /// The event's data; never personal data.
    pub payload: Json<serde_json::Value>,
    /// The entry it corrects.
    pub corrects: Option<LedgerCorrection>,
    /// Its electronic signature.
    pub signature: Option<LedgerSignature>,
    /// Hash of the previous entry, hex.
    pub prev_hash: String,
    /// This entry's hash (its RFC 9162 leaf hash), hex.
    pub hash: String,
}

fn meaning(meaning: ledger::SignatureMeaning) -> MeaningInput {
    match meaning {
        ledger::SignatureMeaning::Authorship => MeaningInput::Authorship,
        ledger::SignatureMeaning::Review => MeaningInput::Review,
        ledger::SignatureMeaning::Approval => MeaningInput::Approval,
        ledger::SignatureMeaning::Responsibility => MeaningInput::Responsibility,
        ledger::SignatureMeaning::Verification => MeaningInput::Verification,
    }
}

impl From<ledger::EntrySignature> for LedgerSignature {
    fn from(signature: ledger::EntrySignature) -> Self {
        let meaning = meaning(signature.meaning);
        Self {
            manifestation: manifestation(
                &signature.printed_name,
                Timestamp::from_datetime(signature.signed_at.as_datetime()),
                meaning.into(),
            ),
            signer_id: signature.signer_id,
            printed_name: signature.printed_name,
            signed_at: signature.signed_at.to_string(),
            meaning,
            content_hash: signature.content_hash.to_string(),
        }
    }
}

impl From<ledger::Entry> for LedgerEntry {
    fn from(entry: ledger::Entry) -> Self {
        let hash = entry.hash().to_string();
        let (body, _) = entry.into_parts();
        let actor = match body.actor {
            ledger::Actor::System => LedgerActor {
                kind: "system".to_owned(),
                user_id: None,
                role: None,
            },
            ledger::Actor::User { user_id, role } => LedgerActor {
                kind: "user".to_owned(),
                user_id: Some(user_id),
                role: Some(role),
            },
        };
        Self {
            seq: body.seq,
            id: body.id,
            recorded_at: body.recorded_at.to_string(),
            actor,
            action: body.action.as_str().to_owned(),
            subjects: body
                .subjects
                .into_iter()
                .map(|subject| LedgerSubject {
                    kind: subject.kind,
                    id: subject.id,
                    prev_seq: subject.prev_seq,
                })
                .collect(),
            payload: Json(body.payload.to_value()),
            corrects: body.corrects.map(|c| LedgerCorrection {
                seq: c.seq,
                reason: c.reason,
            }),
            signature: body.signature.map(LedgerSignature::from),
            prev_hash: body.prev_hash.to_string(),
            hash,
        }
    }
}

/// A signed checkpoint.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Checkpoint")]
pub struct CheckpointObject {
    /// Entries covered.
    pub tree_size: u64,
    /// Merkle root, hex.
    pub root_hash: String,
    /// When it was signed (server clock).
    pub signed_at: String,
    /// The C2SP signed note: verify it with the installation's verifier key.
    pub note: String,
}

impl From<CheckpointRecord> for CheckpointObject {
    fn from(record: CheckpointRecord) -> Self {
        Self {
            tree_size: record.size,
            root_hash: record.root.to_string(),
            signed_at: record.signed_at,
            note: record.note,
        }
    }
}

/// An RFC 9162 §2.1.3 inclusion proof.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "InclusionProof")]
pub struct InclusionProofObject {
    /// The entry (leaf index = seq - 1).
    pub seq: u64,
    /// The tree size.
    pub tree_size: u64,
    /// The entry hash, hex.
    pub leaf_hash: String,
    /// The root of that tree, hex.
    pub root_hash: String,
    /// The audit path, hex, from the leaf's sibling up.
    pub path: Vec<String>,
}

impl From<InclusionProof> for InclusionProofObject {
    fn from(proof: InclusionProof) -> Self {
        Self {
            seq: proof.seq,
            tree_size: proof.tree_size,
            leaf_hash: proof.leaf_hash.to_string(),
            root_hash: proof.root.to_string(),
            path: proof.path.iter().map(ToString::to_string).collect(),
        }
    }
}

/// An RFC 9162 §2.1.4 consistency proof.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "ConsistencyProof")]
pub struct ConsistencyProofObject {
    /// The older tree size.
    pub from_size: u64,
    /// The newer tree size.
    pub to_size: u64,
    /// The older root, hex.
    pub from_root: String,
    /// The newer root, hex.
    pub to_root: String,
    /// The proof, hex.
    pub path: Vec<String>,
}

impl From<ConsistencyProof> for ConsistencyProofObject {
    fn from(proof: ConsistencyProof) -> Self {
        Self {
            from_size: proof.old_size,
            to_size: proof.new_size,
            from_root: proof.old_root.to_string(),
            to_root: proof.new_root.to_string(),
            path: proof.path.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The first fault a verification found.
#[derive(SimpleObject, Clone, Debug)]
pub struct VerificationFault {
    /// A stable name such as `hash_mismatch` or `state_mismatch`.
    pub kind: String,
    /// The entry at fault.
    pub seq: Option<u64>,
    /// The table at fault.
    pub table: Option<String>,
    /// The row at fault.
    pub row: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl From<VerifyFault> for VerificationFault {
    fn from(fault: VerifyFault) -> Self {
        Self {
            kind: fault.kind,
            seq: fault.seq,
            table: fault.table,
            row: fault.row,
            detail: fault.detail,
        }
    }
}

/// The result of a verification run.
#[derive(SimpleObject, Clone, Debug)]
pub struct VerificationResult {
    /// True when every check passed.
    pub ok: bool,
    /// Entries verified (when ok).
    pub entries: u64,
    /// Checkpoints verified (when ok).
    pub checkpoints: u64,
    /// Milliseconds taken.
    pub elapsed_ms: u64,
    /// The first fault (when not ok).
    pub fault: Option<VerificationFault>,
}

impl VerificationResult {
    /// A passed run.
    pub fn passed(report: VerifyReport) -> Self {
        Self {
            ok: true,
            entries: report.entries,
            checkpoints: report.checkpoints,
            elapsed_ms: u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
            fault: None,
        }
    }

    /// A failed run.
    pub fn failed(fault: VerifyFault, elapsed: std::time::Duration) -> Self {
        Self {
            ok: false,
            entries: 0,
            checkpoints: 0,
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            fault: Some(fault.into()),
        }
    }
}
