//! Inclusion and consistency proofs from the stored Merkle hashes.

use cordtrace_ledger as ledger;

use super::merkle;
use crate::db::Database;
use crate::error::QueryError;

/// Why a proof cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum ProofRequestError {
    /// The sizes or indexes are out of range (entry not in the tree, tree not yet signed).
    #[error("{0}")]
    OutOfRange(String),
    /// Reading failed.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// An inclusion proof of one entry in a signed tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// The entry's seq (its leaf index is `seq - 1`).
    pub seq: u64,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// The entry hash (the leaf hash).
    pub leaf_hash: ledger::Hash,
    /// The root of that tree.
    pub root: ledger::Hash,
    /// The audit path, from the leaf's sibling up.
    pub path: Vec<ledger::Hash>,
}

/// A consistency proof between two tree sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// The older size.
    pub old_size: u64,
    /// The newer size.
    pub new_size: u64,
    /// The older root.
    pub old_root: ledger::Hash,
    /// The newer root.
    pub new_root: ledger::Hash,
    /// The proof nodes.
    pub path: Vec<ledger::Hash>,
}

fn out_of_range(error: impl std::fmt::Display) -> ProofRequestError {
    ProofRequestError::OutOfRange(error.to_string())
}

async fn signed_size(database: &Database) -> Result<u64, QueryError> {
    Ok(super::rows::latest_checkpoint_row(database.connection())
        .await?
        .map(|row| u64::try_from(row.tree_size).unwrap_or(0))
        .unwrap_or(0))
}

fn ensure_signed(size: u64, signed: u64) -> Result<(), ProofRequestError> {
    if size > signed {
        return Err(ProofRequestError::OutOfRange(format!(
            "tree size {size} is beyond the latest checkpoint ({signed}); sign a checkpoint first"
        )));
    }
    Ok(())
}

/// Proves entry `seq` is in the tree of `tree_size` entries (default: the latest checkpoint).
pub async fn inclusion(
    database: &Database,
    seq: u64,
    tree_size: Option<u64>,
) -> Result<InclusionProof, ProofRequestError> {
    let signed = signed_size(database).await?;
    let tree_size = tree_size.unwrap_or(signed);
    ensure_signed(tree_size, signed)?;
    let leaf_index = seq
        .checked_sub(1)
        .ok_or_else(|| ProofRequestError::OutOfRange("seq starts at 1".to_owned()))?;
    let path_indexes =
        ledger::required_indexes_for_inclusion(leaf_index, tree_size).map_err(out_of_range)?;
    let root_indexes = ledger::required_indexes_for_root(tree_size).map_err(out_of_range)?;
    let leaf_index_stored = ledger::stored_hash_index(0, leaf_index);
    let hashes = merkle::fetch(
        database.connection(),
        path_indexes
            .into_iter()
            .chain(root_indexes)
            .chain([leaf_index_stored]),
    )
    .await?;
    let path = ledger::inclusion_proof(leaf_index, tree_size, &hashes).map_err(out_of_range)?;
    let root = ledger::tree_root(tree_size, &hashes).map_err(out_of_range)?;
    let leaf_hash = hashes
        .get(&leaf_index_stored)
        .copied()
        .ok_or_else(|| out_of_range(format!("entry {seq} is not in a signed tree")))?;
    Ok(InclusionProof {
        seq,
        tree_size,
        leaf_hash,
        root,
        path,
    })
}

/// Proves the tree of `old_size` entries is a prefix of the tree of `new_size` (default: the
/// latest checkpoint).
pub async fn consistency(
    database: &Database,
    old_size: u64,
    new_size: Option<u64>,
) -> Result<ConsistencyProof, ProofRequestError> {
    let signed = signed_size(database).await?;
    let new_size = new_size.unwrap_or(signed);
    ensure_signed(new_size, signed)?;
    let indexes = ledger::required_indexes_for_consistency(old_size, new_size)
        .map_err(out_of_range)?
        .into_iter()
        .chain(ledger::required_indexes_for_root(old_size).map_err(out_of_range)?)
        .chain(ledger::required_indexes_for_root(new_size).map_err(out_of_range)?);
    let hashes = merkle::fetch(database.connection(), indexes).await?;
    Ok(ConsistencyProof {
        old_size,
        new_size,
        old_root: ledger::tree_root(old_size, &hashes).map_err(out_of_range)?,
        new_root: ledger::tree_root(new_size, &hashes).map_err(out_of_range)?,
        path: ledger::consistency_proof(old_size, new_size, &hashes).map_err(out_of_range)?,
    })
}
