//! A small ledger built the way the store builds one, for the verifier and export tests.

#![expect(
    clippy::unwrap_used,
    reason = "test fixtures: a failure here is a broken test, best reported by a panic"
)]

use std::collections::HashMap;

use chrono::DateTime;
use cordtrace_ledger::{
    ActionName, Actor, Entry, EntryBody, EntrySignature, Hash, LedgerSigner, MemoryHashStore,
    Payload, SignatureMeaning, SignedCheckpoint, SubjectLink, Timestamp, signed_content_hash,
    tree_root,
};
use serde_json::json;
use uuid::Uuid;

/// The origin of every test ledger.
pub const ORIGIN: &str = "cordtrace.test/ledger";

/// Entries, the tree over them, and the key that signs their checkpoints.
pub struct TestLedger {
    pub signer: LedgerSigner,
    pub entries: Vec<Entry>,
    subject_heads: HashMap<(String, String), u64>,
    tree: MemoryHashStore,
}

impl TestLedger {
    pub fn new() -> Self {
        Self {
            signer: LedgerSigner::generate(ORIGIN).unwrap(),
            entries: Vec::new(),
            subject_heads: HashMap::new(),
            tree: MemoryHashStore::new(),
        }
    }

    /// Appends a correctly linked entry; `signed` adds an approval signature over its content.
    pub fn append(&mut self, action: &str, subjects: &[(&str, &str)], signed: bool) -> &Entry {
        let seq = self.entries.len() as u64 + 1;
        let action = ActionName::parse(action).unwrap();
        let subjects: Vec<SubjectLink> = subjects
            .iter()
            .map(|&(kind, id)| SubjectLink {
                kind: kind.to_owned(),
                id: id.to_owned(),
                prev_seq: self
                    .subject_heads
                    .get(&(kind.to_owned(), id.to_owned()))
                    .copied(),
            })
            .collect();
        let payload = Payload::new(json!({"step": seq, "note": format!("entry {seq}")})).unwrap();
        let user_id = Uuid::from_u128(0x0193b7e0_0000_7000_8000_0000000000aa);
        let signature = signed.then(|| EntrySignature {
            signer_id: user_id,
            printed_name: "Jane Roe".to_owned(),
            signed_at: time(seq),
            meaning: SignatureMeaning::Approval,
            content_hash: signed_content_hash(&action, &subjects, &payload),
        });
        let body = EntryBody {
            seq,
            id: Uuid::from_u128(0x0193b7e0_0000_7000_8000_000000000000 | u128::from(seq)),
            recorded_at: time(seq),
            actor: Actor::User {
                user_id,
                role: "qa".to_owned(),
            },
            action,
            subjects,
            payload,
            corrects: None,
            signature,
            prev_hash: self.entries.last().map_or(Hash::ZERO, Entry::hash),
        };
        let entry = Entry::seal(body);
        for subject in &entry.body().subjects {
            self.subject_heads
                .insert((subject.kind.clone(), subject.id.clone()), seq);
        }
        self.tree.append_leaf(entry.hash()).unwrap();
        self.entries.push(entry);
        self.entries.last().unwrap()
    }

    /// A checkpoint for the first `size` entries, signed with the ledger key.
    pub fn checkpoint(&self, size: u64) -> SignedCheckpoint {
        let root = tree_root(size, &self.tree).unwrap();
        self.signer.sign_checkpoint(size, root).unwrap()
    }

    pub fn verifier_key(&self) -> String {
        self.signer.verifier_key()
    }
}

/// A distinct, strictly increasing time for each seq.
pub fn time(seq: u64) -> Timestamp {
    let seconds = 1_795_000_000 + i64::try_from(seq).unwrap();
    Timestamp::from_datetime(DateTime::from_timestamp(seconds, 123_456_000).unwrap()).unwrap()
}

/// Twenty entries over three lots and their units: lot subjects recur, so sub-chains are long,
/// and every fifth entry is signed.
pub fn twenty_entries() -> TestLedger {
    let mut ledger = TestLedger::new();
    for seq in 1..=20_u64 {
        let lot = format!("L{}", seq % 3);
        let unit = format!("U{}", seq % 4);
        let subjects: Vec<(&str, &str)> = if seq % 2 == 0 {
            vec![("lot", lot.as_str()), ("unit", unit.as_str())]
        } else {
            vec![("lot", lot.as_str())]
        };
        ledger.append("lot.step_recorded", &subjects, seq % 5 == 0);
    }
    ledger
}
