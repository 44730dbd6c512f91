//! The RFC 9162 §2.1 Merkle tree over entry hashes, its root, and its inclusion and consistency
//! proofs, computed by `tlog_tiles` (a port of Go's `golang.org/x/mod/sumdb/tlog`).
//!
//! Leaf `i` of the tree is the hash of the entry with `seq = i + 1`: the entry hash already is
//! the RFC 9162 leaf hash SHA-256(0x00 || canonical bytes). Interior nodes are
//! SHA-256(0x01 || left || right).
//!
//! Hashes are stored by tlog "stored hash index", a dense numbering of the complete subtrees
//! (level, n) in the order they are completed. Every function that reads stored hashes has a
//! `required_indexes_for_*` twin that computes, from sizes alone, exactly which indexes it will
//! read, so that an asynchronous store can fetch them in one query first.

mod store;

pub use store::{MemoryHashStore, StoredHashReader};

use store::{RecordingReader, TlogReader};

use crate::hash::Hash;

/// The largest tree this crate handles: 2^53 leaves, the largest `seq` that JSON carries exactly.
pub const MAX_TREE_SIZE: u64 = 1 << 53;

/// Sizes or indexes that do not describe a proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    /// The leaf is not in the tree.
    #[error("leaf index {leaf_index} is not below tree size {tree_size}")]
    LeafOutOfRange {
        /// The 0-based leaf index asked for.
        leaf_index: u64,
        /// The tree size asked for.
        tree_size: u64,
    },
    /// A consistency proof needs `1 <= old_size <= new_size`.
    #[error("no consistency proof from tree size {old_size} to tree size {new_size}")]
    InvalidConsistencySizes {
        /// The older tree size.
        old_size: u64,
        /// The newer tree size.
        new_size: u64,
    },
    /// The size is beyond [`MAX_TREE_SIZE`].
    #[error("tree size {tree_size} exceeds 2^53")]
    TreeTooLarge {
        /// The size asked for.
        tree_size: u64,
    },
}

/// Why a root or proof could not be computed from stored hashes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The sizes make no sense.
    #[error(transparent)]
    Size(#[from] SizeError),
    /// The reader lacked a stored hash that the computation needs.
    #[error("stored hash {index} is missing")]
    MissingStoredHash {
        /// The stored-hash index.
        index: u64,
    },
    /// `tlog_tiles` failed in a way this crate does not expect.
    #[error("internal Merkle tree error: {0}")]
    Internal(String),
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The sizes make no sense.
    #[error(transparent)]
    Size(#[from] SizeError),
    /// The proof does not lead from the given hashes to the given root(s).
    #[error("the proof does not match the given hashes")]
    Mismatch,
}

/// The stored-hash index of the complete subtree at `level` whose leftmost leaf is
/// `n << level`; level 0 holds the leaf hashes.
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    tlog_tiles::stored_hash_index(level, n)
}

/// How many stored hashes a tree of `tree_size` leaves has.
pub fn stored_hash_count(tree_size: u64) -> u64 {
    tlog_tiles::stored_hash_count(tree_size)
}

fn check_size(tree_size: u64) -> Result<(), SizeError> {
    if tree_size > MAX_TREE_SIZE {
        return Err(SizeError::TreeTooLarge { tree_size });
    }
    Ok(())
}

fn check_leaf(leaf_index: u64, tree_size: u64) -> Result<(), SizeError> {
    check_size(tree_size)?;
    if leaf_index >= tree_size {
        return Err(SizeError::LeafOutOfRange {
            leaf_index,
            tree_size,
        });
    }
    Ok(())
}

fn check_consistency_sizes(old_size: u64, new_size: u64) -> Result<(), SizeError> {
    check_size(new_size)?;
    if old_size == 0 || old_size > new_size {
        return Err(SizeError::InvalidConsistencySizes { old_size, new_size });
    }
    Ok(())
}

/// Runs `compute` against a [`RecordingReader`] and returns the indexes it asked for.
fn record_requests<T>(
    compute: impl FnOnce(&RecordingReader) -> Result<T, tlog_tiles::Error>,
) -> Result<Vec<u64>, MerkleError> {
    let reader = RecordingReader::default();
    compute(&reader).map_err(|error| MerkleError::Internal(error.to_string()))?;
    Ok(reader.into_requested())
}

/// The stored hashes that [`stored_hashes_for_append`] reads when appending leaf `leaf_index`.
pub fn required_indexes_for_append(leaf_index: u64) -> Result<Vec<u64>, MerkleError> {
    check_size(leaf_index.saturating_add(1))?;
    record_requests(|reader| {
        tlog_tiles::stored_hashes_for_record_hash(leaf_index, tlog_tiles::Hash::default(), reader)
    })
}

/// The new stored hashes to persist when appending leaf `leaf_index` (the tree then has
/// `leaf_index + 1` leaves), as `(stored-hash index, hash)` pairs with consecutive indexes
/// starting at `stored_hash_index(0, leaf_index)`: the leaf itself, then every subtree it
/// completes.
pub fn stored_hashes_for_append(
    leaf_index: u64,
    leaf_hash: Hash,
    reader: &(impl StoredHashReader + ?Sized),
) -> Result<Vec<(u64, Hash)>, MerkleError> {
    check_size(leaf_index.saturating_add(1))?;
    let tlog_reader = TlogReader::new(reader);
    let hashes =
        tlog_tiles::stored_hashes_for_record_hash(leaf_index, leaf_hash.to_tlog(), &tlog_reader)
            .map_err(|error| tlog_reader.error(error))?;
    let first_index = stored_hash_index(0, leaf_index);
    Ok((first_index..)
        .zip(hashes)
        .map(|(index, hash)| (index, Hash::from_tlog(hash)))
        .collect())
}

/// The stored hashes that [`tree_root`] reads for a tree of `tree_size` leaves.
pub fn required_indexes_for_root(tree_size: u64) -> Result<Vec<u64>, MerkleError> {
    check_size(tree_size)?;
    if tree_size == 0 {
        return Ok(Vec::new());
    }
    Ok(tlog_tiles::sub_tree_index(0, tree_size, Vec::new()))
}

/// The root hash of the first `tree_size` leaves; SHA-256 of the empty string for size 0.
pub fn tree_root(
    tree_size: u64,
    reader: &(impl StoredHashReader + ?Sized),
) -> Result<Hash, MerkleError> {
    check_size(tree_size)?;
    let tlog_reader = TlogReader::new(reader);
    tlog_tiles::tree_hash(tree_size, &tlog_reader)
        .map(Hash::from_tlog)
        .map_err(|error| tlog_reader.error(error))
}

/// The stored hashes that [`inclusion_proof`] reads.
pub fn required_indexes_for_inclusion(
    leaf_index: u64,
    tree_size: u64,
) -> Result<Vec<u64>, MerkleError> {
    check_leaf(leaf_index, tree_size)?;
    record_requests(|reader| tlog_tiles::prove_record(tree_size, leaf_index, reader))
}

/// The RFC 9162 §2.1.3 inclusion proof (audit path) of leaf `leaf_index` in the tree of
/// `tree_size` leaves, ordered from the leaf's sibling up to the root's child.
pub fn inclusion_proof(
    leaf_index: u64,
    tree_size: u64,
    reader: &(impl StoredHashReader + ?Sized),
) -> Result<Vec<Hash>, MerkleError> {
    check_leaf(leaf_index, tree_size)?;
    let tlog_reader = TlogReader::new(reader);
    tlog_tiles::prove_record(tree_size, leaf_index, &tlog_reader)
        .map(|proof| proof.into_iter().map(Hash::from_tlog).collect())
        .map_err(|error| tlog_reader.error(error))
}

/// Checks that `proof` shows leaf `leaf_index` with hash `leaf_hash` in the tree of
/// `tree_size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: Hash,
    proof: &[Hash],
    root: Hash,
) -> Result<(), ProofError> {
    check_leaf(leaf_index, tree_size)?;
    let proof: Vec<tlog_tiles::Hash> = proof.iter().map(|hash| hash.to_tlog()).collect();
    tlog_tiles::check_record(
        &proof,
        tree_size,
        root.to_tlog(),
        leaf_index,
        leaf_hash.to_tlog(),
    )
    .map_err(|_| ProofError::Mismatch)
}

/// The stored hashes that [`consistency_proof`] reads.
pub fn required_indexes_for_consistency(
    old_size: u64,
    new_size: u64,
) -> Result<Vec<u64>, MerkleError> {
    check_consistency_sizes(old_size, new_size)?;
    record_requests(|reader| tlog_tiles::prove_tree(new_size, old_size, reader))
}

/// The RFC 9162 §2.1.4 consistency proof that the tree of `old_size` leaves is a prefix of the
/// tree of `new_size` leaves; empty when the sizes are equal. Needs `1 <= old_size <= new_size`.
pub fn consistency_proof(
    old_size: u64,
    new_size: u64,
    reader: &(impl StoredHashReader + ?Sized),
) -> Result<Vec<Hash>, MerkleError> {
    check_consistency_sizes(old_size, new_size)?;
    let tlog_reader = TlogReader::new(reader);
    tlog_tiles::prove_tree(new_size, old_size, &tlog_reader)
        .map(|proof| proof.into_iter().map(Hash::from_tlog).collect())
        .map_err(|error| tlog_reader.error(error))
}

/// Checks that `proof` shows the tree of `old_size` leaves with root `old_root` to be a prefix of
/// the tree of `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2).
///
/// Equal sizes need an empty proof and equal roots. An old size of 0 is refused: the empty tree
/// is a prefix of every tree, so there is nothing to prove.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: Hash,
    new_root: Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    check_consistency_sizes(old_size, new_size)?;
    let proof: Vec<tlog_tiles::Hash> = proof.iter().map(|hash| hash.to_tlog()).collect();
    tlog_tiles::check_tree(
        &proof,
        new_size,
        new_root.to_tlog(),
        old_size,
        old_root.to_tlog(),
    )
    .map_err(|_| ProofError::Mismatch)
}

#[cfg(test)]
mod tests;
