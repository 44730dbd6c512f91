//! Tests of the Merkle functions against a direct transcription of the RFC 9162 definitions.

use std::cell::RefCell;
use std::collections::HashMap;

use super::*;

/// MTH from RFC 9162 §2.1.1, over leaf hashes.
fn reference_root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => Hash::sha256(b""),
        [leaf] => *leaf,
        _ => {
            let k = largest_power_of_two_below(leaves.len());
            node(reference_root(&leaves[..k]), reference_root(&leaves[k..]))
        }
    }
}

/// PATH from RFC 9162 §2.1.3.1.
fn reference_path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = largest_power_of_two_below(leaves.len());
    if m < k {
        let mut path = reference_path(m, &leaves[..k]);
        path.push(reference_root(&leaves[k..]));
        path
    } else {
        let mut path = reference_path(m - k, &leaves[k..]);
        path.push(reference_root(&leaves[..k]));
        path
    }
}

/// SUBPROOF from RFC 9162 §2.1.4.1.
fn reference_subproof(m: usize, leaves: &[Hash], is_complete_old_tree: bool) -> Vec<Hash> {
    if m == leaves.len() {
        return if is_complete_old_tree {
            Vec::new()
        } else {
            vec![reference_root(leaves)]
        };
    }
    let k = largest_power_of_two_below(leaves.len());
    if m <= k {
        let mut proof = reference_subproof(m, &leaves[..k], is_complete_old_tree);
        proof.push(reference_root(&leaves[k..]));
        proof
    } else {
        let mut proof = reference_subproof(m - k, &leaves[k..], false);
        proof.push(reference_root(&leaves[..k]));
        proof
    }
}

/// The k of RFC 9162: the largest power of two smaller than `n`, for `n > 1`.
fn largest_power_of_two_below(n: usize) -> usize {
    1 << (n - 1).ilog2()
}

fn node(left: Hash, right: Hash) -> Hash {
    Hash::from_tlog(tlog_tiles::node_hash(left.to_tlog(), right.to_tlog()))
}

fn leaves(n_leaves: usize) -> Vec<Hash> {
    (0..n_leaves)
        .map(|leaf_idx| Hash::leaf(format!("leaf {leaf_idx}").as_bytes()))
        .collect()
}

fn store_of(leaf_hashes: &[Hash]) -> MemoryHashStore {
    let mut store = MemoryHashStore::new();
    for leaf_hash in leaf_hashes {
        store.append_leaf(*leaf_hash).unwrap();
    }
    store
}

/// Wraps a store and records which indexes were read.
struct Spy<'a> {
    store: &'a MemoryHashStore,
    read: RefCell<Vec<u64>>,
}

impl StoredHashReader for Spy<'_> {
    fn stored_hash(&self, index: u64) -> Option<Hash> {
        self.read.borrow_mut().push(index);
        self.store.stored_hash(index)
    }
}

fn only(store: &MemoryHashStore, indexes: &[u64]) -> HashMap<u64, Hash> {
    indexes
        .iter()
        .map(|&index| (index, store.stored_hash(index).unwrap()))
        .collect()
}

const N_LEAVES: usize = 40;

#[test]
fn largest_power_of_two_below_is_right() {
    let cases = [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (17, 16)];
    for (n, want) in cases {
        assert_eq!(largest_power_of_two_below(n), want, "{n}");
    }
}

#[test]
fn roots_and_stored_hash_counts_match_the_rfc_definition() {
    let leaf_hashes = leaves(N_LEAVES);
    let mut store = MemoryHashStore::new();
    assert_eq!(tree_root(0, &store).unwrap(), Hash::sha256(b""));
    for (leaf_idx, leaf_hash) in leaf_hashes.iter().enumerate() {
        let leaf_index = leaf_idx as u64;
        let needed = required_indexes_for_append(leaf_index).unwrap();
        let spy = Spy {
            store: &store,
            read: RefCell::new(Vec::new()),
        };
        let appended = stored_hashes_for_append(leaf_index, *leaf_hash, &spy).unwrap();
        assert_eq!(spy.read.into_inner(), needed, "append {leaf_index}");
        assert_eq!(appended[0], (stored_hash_index(0, leaf_index), *leaf_hash));
        assert!(appended.windows(2).all(|pair| pair[1].0 == pair[0].0 + 1));

        assert_eq!(store.append_leaf(*leaf_hash).unwrap(), leaf_index);
        let size = leaf_index + 1;
        assert_eq!(stored_hash_count(size), appended.last().unwrap().0 + 1);
        let needed = required_indexes_for_root(size).unwrap();
        let root = tree_root(size, &only(&store, &needed)).unwrap();
        assert_eq!(
            root,
            reference_root(&leaf_hashes[..=leaf_idx]),
            "size {size}"
        );
    }
}

#[test]
fn inclusion_proofs_are_rfc_audit_paths_and_need_only_the_predicted_indexes() {
    let leaf_hashes = leaves(N_LEAVES);
    let store = store_of(&leaf_hashes);
    for size in 1..=N_LEAVES {
        let root = reference_root(&leaf_hashes[..size]);
        for leaf_idx in 0..size {
            let (leaf_index, tree_size) = (leaf_idx as u64, size as u64);
            let needed = required_indexes_for_inclusion(leaf_index, tree_size).unwrap();
            let spy = Spy {
                store: &store,
                read: RefCell::new(Vec::new()),
            };
            let proof = inclusion_proof(leaf_index, tree_size, &spy).unwrap();
            assert_eq!(
                spy.read.into_inner(),
                needed,
                "inclusion {leaf_index} in {tree_size}"
            );
            assert_eq!(
                proof,
                inclusion_proof(leaf_index, tree_size, &only(&store, &needed)).unwrap()
            );
            assert_eq!(proof, reference_path(leaf_idx, &leaf_hashes[..size]));
            verify_inclusion(leaf_index, tree_size, leaf_hashes[leaf_idx], &proof, root).unwrap();
        }
    }
}

#[test]
fn consistency_proofs_are_rfc_proofs_and_need_only_the_predicted_indexes() {
    let leaf_hashes = leaves(N_LEAVES);
    let store = store_of(&leaf_hashes);
    for new_size in 1..=N_LEAVES {
        for old_size in 1..=new_size {
            let (old, new) = (old_size as u64, new_size as u64);
            let needed = required_indexes_for_consistency(old, new).unwrap();
            let spy = Spy {
                store: &store,
                read: RefCell::new(Vec::new()),
            };
            let proof = consistency_proof(old, new, &spy).unwrap();
            assert_eq!(spy.read.into_inner(), needed, "consistency {old} to {new}");
            assert_eq!(
                proof,
                consistency_proof(old, new, &only(&store, &needed)).unwrap()
            );
            assert_eq!(
                proof,
                reference_subproof(old_size, &leaf_hashes[..new_size], true)
            );
            let old_root = reference_root(&leaf_hashes[..old_size]);
            let new_root = reference_root(&leaf_hashes[..new_size]);
            verify_consistency(old, new, old_root, new_root, &proof).unwrap();
        }
    }
}

#[test]
fn size_errors() {
    let store = store_of(&leaves(4));
    let leaf_out = |leaf_index, tree_size| {
        MerkleError::Size(SizeError::LeafOutOfRange {
            leaf_index,
            tree_size,
        })
    };
    let bad_sizes = |old_size, new_size| {
        MerkleError::Size(SizeError::InvalidConsistencySizes { old_size, new_size })
    };
    let too_large = MerkleError::Size(SizeError::TreeTooLarge {
        tree_size: MAX_TREE_SIZE + 1,
    });
    let cases = [
        (inclusion_proof(4, 4, &store), leaf_out(4, 4)),
        (inclusion_proof(0, 0, &store), leaf_out(0, 0)),
        (consistency_proof(0, 4, &store), bad_sizes(0, 4)),
        (consistency_proof(3, 2, &store), bad_sizes(3, 2)),
        (
            consistency_proof(1, MAX_TREE_SIZE + 1, &store),
            too_large.clone(),
        ),
        (
            tree_root(MAX_TREE_SIZE + 1, &store).map(|root| vec![root]),
            too_large,
        ),
        (
            tree_root(5, &store).map(|root| vec![root]),
            MerkleError::MissingStoredHash { index: 7 },
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, Err(want));
    }
}

#[test]
fn missing_stored_hash_names_the_index() {
    let store = store_of(&leaves(8));
    let needed = required_indexes_for_inclusion(5, 8).unwrap();
    let mut partial = only(&store, &needed);
    partial.remove(&needed[1]);
    assert_eq!(
        inclusion_proof(5, 8, &partial),
        Err(MerkleError::MissingStoredHash { index: needed[1] })
    );
}
