//! The streaming verifier: feed it entries in order and checkpoints as they come, and it
//! reports the first fault.

use std::collections::{HashMap, HashSet};

use crate::canonical::signed_content_hash;
use crate::checkpoint::{Checkpoint, CheckpointVerifier, SignedCheckpoint};
use crate::entry::Entry;
use crate::fault::Fault;
use crate::hash::Hash;
use crate::merkle::{MemoryHashStore, consistency_proof, tree_root, verify_consistency};

/// What a verification covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Entries verified.
    pub entries: u64,
    /// Checkpoints verified.
    pub checkpoints: u64,
    /// Canonical bytes hashed to recompute entry hashes.
    pub bytes_hashed: u64,
    /// The size of the last checkpoint; entries after it are chained but not yet signed for.
    pub last_checkpoint_size: u64,
}

/// Checks a ledger one entry at a time, in `seq` order, and stops at the first fault.
///
/// For each entry it checks, in this order: `seq` continues from 1 without gaps or repeats;
/// the stored hash is the hash of the canonical bytes; `prev_hash` is the previous entry's hash;
/// each subject's `prev_seq` is that subject's previous entry (and no subject is listed twice);
/// a correction names an earlier entry; a signature's content hash matches the entry. Each
/// checkpoint must be signed by the ledger key, cover no more entries than seen, have the root
/// of those entries, and extend the previous checkpoint.
///
/// After a fault every further call returns that same fault.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last_hash: Option<Hash>,
    subject_heads: HashMap<(String, String), u64>,
    tree: MemoryHashStore,
    last_checkpoint: Option<Checkpoint>,
    n_checkpoints: u64,
    bytes_hashed: u64,
    fault: Option<Fault>,
}

impl ChainVerifier {
    /// A verifier that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of entries accepted so far.
    pub fn entries_seen(&self) -> u64 {
        self.tree.tree_size()
    }

    /// Checks the next entry.
    pub fn push(&mut self, entry: &Entry) -> Result<(), Fault> {
        self.guard(|verifier| verifier.check_entry(entry))
    }

    /// Checks a checkpoint against the entries seen so far and the previous checkpoint.
    pub fn check_checkpoint(
        &mut self,
        checkpoint: &SignedCheckpoint,
        verifier: &CheckpointVerifier,
    ) -> Result<Checkpoint, Fault> {
        self.guard(|chain| chain.check_signed_checkpoint(checkpoint, verifier))
    }

    /// The Merkle hash at stored-hash `index` of the entries seen so far, for comparing a
    /// database's stored hashes with the recomputed ones.
    pub fn stored_hash(&self, index: u64) -> Option<Hash> {
        crate::merkle::StoredHashReader::stored_hash(&self.tree, index)
    }

    /// Ends verification and says what was covered, or returns the fault found.
    pub fn finish(self) -> Result<Summary, Fault> {
        if let Some(fault) = self.fault {
            return Err(fault);
        }
        Ok(Summary {
            entries: self.tree.tree_size(),
            checkpoints: self.n_checkpoints,
            bytes_hashed: self.bytes_hashed,
            last_checkpoint_size: self.last_checkpoint.map_or(0, |checkpoint| checkpoint.size),
        })
    }

    /// Runs `check` unless a fault was already found, and remembers a new fault.
    fn guard<T>(&mut self, check: impl FnOnce(&mut Self) -> Result<T, Fault>) -> Result<T, Fault> {
        if let Some(fault) = &self.fault {
            return Err(fault.clone());
        }
        check(self).inspect_err(|fault| self.fault = Some(fault.clone()))
    }

    fn check_entry(&mut self, entry: &Entry) -> Result<(), Fault> {
        let body = entry.body();
        let expected_seq = self.tree.tree_size() + 1;
        if body.seq > expected_seq {
            return Err(Fault::SeqGap {
                expected: expected_seq,
                found: body.seq,
            });
        }
        if body.seq < expected_seq {
            return Err(Fault::SeqRepeat {
                expected: expected_seq,
                found: body.seq,
            });
        }
        let seq = body.seq;

        let canonical = body.canonical_bytes();
        let computed = Hash::leaf(&canonical);
        if computed != entry.hash() {
            return Err(Fault::HashMismatch {
                seq,
                stored: entry.hash(),
                computed,
            });
        }

        let expected_prev = self.last_hash.unwrap_or(Hash::ZERO);
        if body.prev_hash != expected_prev {
            return Err(Fault::BrokenLink {
                seq,
                expected: expected_prev,
                found: body.prev_hash,
            });
        }

        let mut listed = HashSet::new();
        for subject in &body.subjects {
            if !listed.insert((subject.kind.as_str(), subject.id.as_str())) {
                return Err(Fault::DuplicateSubject {
                    seq,
                    kind: subject.kind.clone(),
                    id: subject.id.clone(),
                });
            }
            let key = (subject.kind.clone(), subject.id.clone());
            let expected = self.subject_heads.get(&key).copied();
            if subject.prev_seq != expected {
                return Err(Fault::SubjectChain {
                    seq,
                    kind: subject.kind.clone(),
                    id: subject.id.clone(),
                    expected,
                    found: subject.prev_seq,
                });
            }
        }

        if let Some(correction) = &body.corrects
            && !(1..seq).contains(&correction.seq)
        {
            return Err(Fault::CorrectionTarget {
                seq,
                corrects: correction.seq,
            });
        }

        if let Some(signature) = &body.signature {
            let expected = signed_content_hash(&body.action, &body.subjects, &body.payload);
            if signature.content_hash != expected {
                return Err(Fault::SignatureContent {
                    seq,
                    expected,
                    found: signature.content_hash,
                });
            }
        }

        // Every check passed; only now does the entry become part of the verified prefix.
        self.tree
            .append_leaf(computed)
            .map_err(|error| Fault::Internal(error.to_string()))?;
        for subject in &body.subjects {
            self.subject_heads
                .insert((subject.kind.clone(), subject.id.clone()), seq);
        }
        self.last_hash = Some(computed);
        self.bytes_hashed += canonical.len() as u64;
        Ok(())
    }

    fn check_signed_checkpoint(
        &mut self,
        signed: &SignedCheckpoint,
        verifier: &CheckpointVerifier,
    ) -> Result<Checkpoint, Fault> {
        let checkpoint =
            verifier
                .verify(&signed.note)
                .map_err(|error| Fault::CheckpointSignature {
                    size: signed.size,
                    reason: error.to_string(),
                })?;
        if checkpoint.size != signed.size || checkpoint.root != signed.root {
            return Err(Fault::CheckpointFields {
                size: signed.size,
                signed_size: checkpoint.size,
                signed_root: checkpoint.root,
            });
        }
        let size = checkpoint.size;
        let entries = self.tree.tree_size();
        if size > entries {
            return Err(Fault::CheckpointBeyondLedger { size, entries });
        }
        let computed =
            tree_root(size, &self.tree).map_err(|error| Fault::Internal(error.to_string()))?;
        if computed != checkpoint.root {
            return Err(Fault::CheckpointRoot {
                size,
                computed,
                signed: checkpoint.root,
            });
        }
        if let Some(previous) = &self.last_checkpoint {
            self.check_consistency(previous, &checkpoint)?;
        }
        self.last_checkpoint = Some(checkpoint.clone());
        self.n_checkpoints += 1;
        Ok(checkpoint)
    }

    /// Checks that `next` extends `previous` with a consistency proof, as a client holding only
    /// the two checkpoints would. Both roots already match the entries, so this cannot fail
    /// unless the sizes go backwards; it is kept so the offline verifier exercises the same
    /// proof that clients rely on.
    fn check_consistency(&self, previous: &Checkpoint, next: &Checkpoint) -> Result<(), Fault> {
        let inconsistent = Fault::CheckpointInconsistent {
            size: next.size,
            previous_size: previous.size,
        };
        if next.size < previous.size {
            return Err(inconsistent);
        }
        if previous.size == 0 {
            // The empty tree is a prefix of every tree.
            return Ok(());
        }
        let proof = consistency_proof(previous.size, next.size, &self.tree)
            .map_err(|error| Fault::Internal(error.to_string()))?;
        verify_consistency(previous.size, next.size, previous.root, next.root, &proof)
            .map_err(|_| inconsistent)
    }
}
