//! Where stored hashes come from: a trait for lookups by stored-hash index, an in-memory
//! append-only store, and the adapters that let `tlog_tiles` read them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::hash::Hash;

use super::{MerkleError, stored_hashes_for_append};

/// Looks up stored hashes by their tlog stored-hash index (see
/// [`stored_hash_index`](super::stored_hash_index)).
///
/// The store keeps stored hashes in a table keyed by index; it fetches the indexes a
/// computation needs (`required_indexes_for_*`) in one query, puts them in a `HashMap`, and runs
/// the computation against that map.
pub trait StoredHashReader {
    /// The stored hash at `index`, or `None` if it is not available.
    fn stored_hash(&self, index: u64) -> Option<Hash>;
}

impl StoredHashReader for HashMap<u64, Hash> {
    fn stored_hash(&self, index: u64) -> Option<Hash> {
        self.get(&index).copied()
    }
}

/// Every stored hash of a tree, in index order, grown one leaf at a time.
///
/// The offline verifier and the tests use it; the store keeps the same hashes in a table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryHashStore {
    stored_hashes: Vec<Hash>,
    tree_size: u64,
}

impl MemoryHashStore {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of leaves appended so far.
    pub fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// Appends a leaf and returns its leaf index (0-based).
    pub fn append_leaf(&mut self, leaf_hash: Hash) -> Result<u64, MerkleError> {
        let leaf_index = self.tree_size;
        let new_hashes = stored_hashes_for_append(leaf_index, leaf_hash, self)?;
        self.stored_hashes
            .extend(new_hashes.into_iter().map(|(_, hash)| hash));
        self.tree_size += 1;
        Ok(leaf_index)
    }
}

impl StoredHashReader for MemoryHashStore {
    fn stored_hash(&self, index: u64) -> Option<Hash> {
        let index = usize::try_from(index).ok()?;
        self.stored_hashes.get(index).copied()
    }
}

/// Lets `tlog_tiles` read from a [`StoredHashReader`], remembering the first index it lacked.
pub(crate) struct TlogReader<'a, R: StoredHashReader + ?Sized> {
    source: &'a R,
    missing_index: Cell<Option<u64>>,
}

impl<'a, R: StoredHashReader + ?Sized> TlogReader<'a, R> {
    pub(crate) fn new(source: &'a R) -> Self {
        Self {
            source,
            missing_index: Cell::new(None),
        }
    }

    /// Turns an error from `tlog_tiles` into ours; a read failure is always a missing hash.
    pub(crate) fn error(&self, error: tlog_tiles::Error) -> MerkleError {
        match self.missing_index.get() {
            Some(index) => MerkleError::MissingStoredHash { index },
            None => MerkleError::Internal(error.to_string()),
        }
    }
}

impl<R: StoredHashReader + ?Sized> tlog_tiles::HashReader for TlogReader<'_, R> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&index| match self.source.stored_hash(index) {
                Some(hash) => Ok(hash.to_tlog()),
                None => {
                    self.missing_index.set(Some(index));
                    Err(tlog_tiles::Error::IndexesNotInTree)
                }
            })
            .collect()
    }
}

/// Answers every read with zeros and records the indexes asked for.
///
/// This reveals which stored hashes a `tlog_tiles` computation needs without having them, which
/// works because those functions compute their index list from the sizes alone and then read
/// once (a test checks this against a real store).
#[derive(Default)]
pub(crate) struct RecordingReader {
    requested: RefCell<Vec<u64>>,
}

impl RecordingReader {
    pub(crate) fn into_requested(self) -> Vec<u64> {
        self.requested.into_inner()
    }
}

impl tlog_tiles::HashReader for RecordingReader {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        self.requested.borrow_mut().extend_from_slice(indexes);
        Ok(vec![tlog_tiles::Hash::default(); indexes.len()])
    }
}
