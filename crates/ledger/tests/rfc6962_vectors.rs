//! Known-answer tests with the RFC 6962 test vectors published by transparency-dev/merkle.
//!
//! Leaves and roots: `testonly/constants.go` (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1);
//! inclusion and consistency proofs: `proof/verify_test.go` (commit
//! 02194e9afb6c1d95b5381350007963aa70fff472). Those files number leaves from 1 in their inclusion
//! vectors (`{leaf: 6, size: 8}` proves leaf index 5); the tables below use 0-based indexes.

#![expect(
    clippy::unwrap_used,
    reason = "the vectors are constants: a failure to parse them is a broken test"
)]

use cordtrace_ledger::{
    Hash, MemoryHashStore, ProofError, SizeError, consistency_proof, inclusion_proof, tree_root,
    verify_consistency, verify_inclusion,
};

const LEAF_INPUTS_HEX: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots of the trees of sizes 1 to 8.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, audit path).
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, consistency proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn hashes(texts: &[&str]) -> Vec<Hash> {
    texts.iter().map(|text| text.parse().unwrap()).collect()
}

fn leaf_hash(leaf_index: u64) -> Hash {
    Hash::leaf(&hex::decode(LEAF_INPUTS_HEX[usize::try_from(leaf_index).unwrap()]).unwrap())
}

fn root(size: u64) -> Hash {
    ROOTS[usize::try_from(size).unwrap() - 1].parse().unwrap()
}

fn vector_store() -> MemoryHashStore {
    let mut store = MemoryHashStore::new();
    for leaf_index in 0..LEAF_INPUTS_HEX.len() as u64 {
        store.append_leaf(leaf_hash(leaf_index)).unwrap();
    }
    store
}

fn some_hash() -> Hash {
    Hash::sha256(b"some hash")
}

/// The arguments of one `verify_inclusion` call.
#[derive(Clone, Debug)]
struct InclusionCall {
    leaf_index: u64,
    tree_size: u64,
    leaf: Hash,
    proof: Vec<Hash>,
    root: Hash,
}

impl InclusionCall {
    fn run(&self) -> Result<(), ProofError> {
        verify_inclusion(
            self.leaf_index,
            self.tree_size,
            self.leaf,
            &self.proof,
            self.root,
        )
    }
}

/// The arguments of one `verify_consistency` call.
#[derive(Clone, Debug)]
struct ConsistencyCall {
    old_size: u64,
    new_size: u64,
    old_root: Hash,
    new_root: Hash,
    proof: Vec<Hash>,
}

impl ConsistencyCall {
    fn run(&self) -> Result<(), ProofError> {
        verify_consistency(
            self.old_size,
            self.new_size,
            self.old_root,
            self.new_root,
            &self.proof,
        )
    }
}

#[test]
fn roots_match() {
    let store = vector_store();
    assert_eq!(
        tree_root(0, &store).unwrap().to_string(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    for size in 1..=8 {
        assert_eq!(tree_root(size, &store).unwrap(), root(size), "size {size}");
    }
}

#[test]
fn inclusion_proofs_match_and_verify() {
    let store = vector_store();
    for (leaf_index, tree_size, path) in INCLUSION {
        let proof = inclusion_proof(leaf_index, tree_size, &store).unwrap();
        assert_eq!(proof, hashes(path), "leaf {leaf_index} in {tree_size}");
        let leaf = leaf_hash(leaf_index);
        verify_inclusion(leaf_index, tree_size, leaf, &proof, root(tree_size)).unwrap();
    }
}

#[test]
fn corrupted_inclusion_proofs_fail() {
    type Corrupt = fn(&mut InclusionCall);
    let corruptions: [(&str, Corrupt); 10] = [
        ("index + 1", |call| call.leaf_index += 1),
        ("index ^ 2", |call| call.leaf_index ^= 2),
        ("size * 2", |call| call.tree_size *= 2),
        ("wrong leaf", |call| call.leaf = some_hash()),
        ("wrong root", |call| call.root = some_hash()),
        ("empty-tree root", |call| call.root = Hash::sha256(b"")),
        ("truncated path", |call| {
            call.proof.pop();
        }),
        ("extended path", |call| call.proof.push(call.root)),
        ("prepended path", |call| call.proof.insert(0, some_hash())),
        ("flipped bit", |call| call.proof[0].0[0] ^= 8),
    ];
    for (leaf_index, tree_size, path) in INCLUSION
        .into_iter()
        .filter(|(_, _, path)| !path.is_empty())
    {
        let good = InclusionCall {
            leaf_index,
            tree_size,
            leaf: leaf_hash(leaf_index),
            proof: hashes(path),
            root: root(tree_size),
        };
        good.run().unwrap();
        for (name, corrupt) in corruptions {
            let mut call = good.clone();
            corrupt(&mut call);
            assert!(call.run().is_err(), "{name} verified: {call:?}");
        }
    }
}

#[test]
fn inclusion_out_of_range_is_a_size_error() {
    for (leaf_index, tree_size) in [(0, 0), (1, 1), (8, 8)] {
        assert_eq!(
            verify_inclusion(leaf_index, tree_size, leaf_hash(0), &[], root(1)),
            Err(ProofError::Size(SizeError::LeafOutOfRange {
                leaf_index,
                tree_size
            }))
        );
    }
}

#[test]
fn consistency_proofs_match_and_verify() {
    let store = vector_store();
    for (old_size, new_size, path) in CONSISTENCY {
        let proof = consistency_proof(old_size, new_size, &store).unwrap();
        assert_eq!(proof, hashes(path), "{old_size} to {new_size}");
        verify_consistency(old_size, new_size, root(old_size), root(new_size), &proof).unwrap();
    }
}

#[test]
fn corrupted_consistency_proofs_fail() {
    type Corrupt = fn(&mut ConsistencyCall);
    let corruptions: [(&str, Corrupt); 10] = [
        ("old size + 1", |call| call.old_size += 1),
        ("new size * 2", |call| call.new_size *= 2),
        ("wrong old root", |call| call.old_root = some_hash()),
        ("wrong new root", |call| call.new_root = some_hash()),
        ("swapped roots", |call| {
            std::mem::swap(&mut call.old_root, &mut call.new_root)
        }),
        ("empty proof", |call| call.proof.clear()),
        ("truncated proof", |call| {
            call.proof.pop();
        }),
        ("extended proof", |call| call.proof.push(call.new_root)),
        ("prepended proof", |call| {
            call.proof.insert(0, call.proof[0])
        }),
        ("flipped bit", |call| call.proof[0].0[0] ^= 16),
    ];
    for (old_size, new_size, path) in CONSISTENCY
        .into_iter()
        .filter(|(_, _, path)| !path.is_empty())
    {
        let good = ConsistencyCall {
            old_size,
            new_size,
            old_root: root(old_size),
            new_root: root(new_size),
            proof: hashes(path),
        };
        good.run().unwrap();
        for (name, corrupt) in corruptions {
            let mut call = good.clone();
            corrupt(&mut call);
            assert!(call.run().is_err(), "{name} verified: {call:?}");
        }
    }
}

#[test]
fn consistency_from_a_power_of_two_omits_the_old_root_yet_checks_it() {
    // When the old size is a power of two the old tree is a complete subtree of the new one, so
    // RFC 9162 §2.1.4.2 starts from the old root instead of a proof element.
    let store = vector_store();
    for (old_size, new_size) in [(2, 5), (4, 7), (4, 8), (2, 8)] {
        let proof = consistency_proof(old_size, new_size, &store).unwrap();
        assert!(!proof.contains(&root(old_size)), "{old_size} to {new_size}");
        verify_consistency(old_size, new_size, root(old_size), root(new_size), &proof).unwrap();
        assert_eq!(
            verify_consistency(
                old_size,
                new_size,
                root(old_size + 1),
                root(new_size),
                &proof
            ),
            Err(ProofError::Mismatch)
        );
    }
}

#[test]
fn consistency_edge_sizes() {
    let call = |old_size, new_size, old_root, new_root, proof: &[Hash]| ConsistencyCall {
        old_size,
        new_size,
        old_root,
        new_root,
        proof: proof.to_vec(),
    };
    let size_error = |old_size, new_size| {
        Err(ProofError::Size(SizeError::InvalidConsistencySizes {
            old_size,
            new_size,
        }))
    };
    let empty_root = Hash::sha256(b"");
    let cases = [
        (
            "equal sizes, equal roots",
            call(5, 5, root(5), root(5), &[]),
            Ok(()),
        ),
        (
            "equal sizes, other roots",
            call(5, 5, root(5), root(4), &[]),
            Err(ProofError::Mismatch),
        ),
        (
            "equal sizes, a proof",
            call(5, 5, root(5), root(5), &[root(5)]),
            Err(ProofError::Mismatch),
        ),
        (
            "old > new",
            call(6, 5, root(6), root(5), &[]),
            size_error(6, 5),
        ),
        (
            "old size 0",
            call(0, 5, empty_root, root(5), &[]),
            size_error(0, 5),
        ),
        (
            "both sizes 0",
            call(0, 0, empty_root, empty_root, &[]),
            size_error(0, 0),
        ),
    ];
    for (name, call, want) in cases {
        assert_eq!(call.run(), want, "{name}");
    }
}
