//! The cordtrace custody ledger: canonical entries, hash chain, Merkle tree, checkpoints, verifier.
//!
//! This crate is pure computation: it reads no files, opens no sockets and keeps no clock (its
//! only contact with the system is [`LedgerSigner::generate`] drawing a key from the operating
//! system's random source). `docs/ledger-format.md` describes every byte, for auditors who write
//! their own verifier.
//!
//! Appending, as the store does inside the command's transaction:
//!
//! 1. build an [`EntryBody`] whose `prev_hash` is the chain head's hash and whose subjects carry
//!    each subject's previous `seq`, then [`Entry::seal`] it;
//! 2. fetch the stored hashes named by [`required_indexes_for_append`]`(seq - 1)` and persist the
//!    pairs returned by [`stored_hashes_for_append`];
//! 3. now and then, compute [`tree_root`] and persist [`LedgerSigner::sign_checkpoint`].
//!
//! Verifying: feed entries and checkpoints to a [`ChainVerifier`], or an export file to
//! [`verify_export`]; either reports the first [`Fault`].

mod canonical;
mod checkpoint;
mod entry;
mod export;
mod fault;
mod hash;
mod keys;
mod merkle;
mod payload;
mod time;
mod verify;

pub use canonical::signed_content_hash;
pub use checkpoint::{Checkpoint, CheckpointError, CheckpointVerifier, SignedCheckpoint};
pub use entry::{
    Actor, Correction, Entry, EntryBody, EntrySignature, SignatureMeaning, SubjectLink,
};
pub use export::{EXPORT_FORMAT, ExportLine, verify_export, verify_export_with};
pub use fault::Fault;
pub use hash::{Hash, HashParseError};
pub use keys::{KeyError, LedgerSigner};
pub use merkle::{
    MAX_TREE_SIZE, MemoryHashStore, MerkleError, ProofError, SizeError, StoredHashReader,
    consistency_proof, inclusion_proof, required_indexes_for_append,
    required_indexes_for_consistency, required_indexes_for_inclusion, required_indexes_for_root,
    stored_hash_count, stored_hash_index, stored_hashes_for_append, tree_root, verify_consistency,
    verify_inclusion,
};
pub use payload::{ActionName, ActionNameError, MAX_SAFE_INTEGER, Payload, PayloadError};
pub use time::{Timestamp, TimestampError};
pub use verify::{ChainVerifier, Summary};
