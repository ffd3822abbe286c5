//! RFC 6962 Merkle Tree Hash over the votes of a vote batch: leaf and node hashing, roots, audit
//! paths (RFC 6962 §2.1.1) and their verification (RFC 9162 §2.1.3.2).

use crate::encoding::Encode;
use crate::hash::{TAG_VOTE_LEAF, sha256};
use crate::types::{Hash32, MerkleProof, Vote};

/// Why a Merkle proof does not lead to the expected root.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The proof's index is not a leaf of the tree.
    #[error("proof index {index} out of range: expected less than the leaf count {leaf_count}")]
    IndexOutOfRange {
        /// The proof's index.
        index: u32,
        /// Leaves in the tree.
        leaf_count: u32,
    },
    /// The proof has more or fewer siblings than the path from this leaf to the root.
    #[error("proof for leaf {index} of {leaf_count} has the wrong length: got {got} siblings")]
    WrongLength {
        /// The proof's index.
        index: u32,
        /// Leaves in the tree.
        leaf_count: u32,
        /// Siblings in the proof.
        got: usize,
    },
    /// The path leads to a different root.
    #[error("proof leads to root {computed}, expected {expected}")]
    RootMismatch {
        /// The root the proof must reach.
        expected: Hash32,
        /// The root it reached.
        computed: Hash32,
    },
}

/// Leaf hash of a vote: `SHA-256(0x00 || "mdnode/v1/vote" || encode(vote))`.
pub fn vote_leaf_hash(vote: &Vote) -> Hash32 {
    let mut bytes = Vec::with_capacity(TAG_VOTE_LEAF.len() + 34);
    bytes.extend_from_slice(TAG_VOTE_LEAF);
    vote.encode(&mut bytes);
    leaf_hash(&bytes)
}

/// RFC 6962 leaf hash: `SHA-256(0x00 || leaf_bytes)`.
pub fn leaf_hash(leaf_bytes: &[u8]) -> Hash32 {
    sha256(&[&[0x00], leaf_bytes])
}

/// RFC 6962 interior node hash: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    sha256(&[&[0x01], &left.0, &right.0])
}

/// The largest power of two strictly smaller than `n` (for `n >= 2`).
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// Merkle Tree Hash of a list of leaf hashes; the empty tree hashes to `SHA-256("")`.
pub fn root(leaves: &[Hash32]) -> Hash32 {
    match leaves.len() {
        0 => sha256(&[]),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Merkle root over the votes of a batch, in leaf order.
pub fn vote_root(votes: &[Vote]) -> Hash32 {
    let leaves: Vec<Hash32> = votes.iter().map(vote_leaf_hash).collect();
    root(&leaves)
}

/// Audit path of leaf `index` (RFC 6962 §2.1.1), siblings ordered from the leaf up. `None` when
/// `index` is not a leaf or the tree has more than `u32::MAX` leaves.
pub fn prove(leaves: &[Hash32], index: usize) -> Option<MerkleProof> {
    if index >= leaves.len() {
        return None;
    }
    let index = u32::try_from(index).ok()?;
    u32::try_from(leaves.len()).ok()?;
    let mut siblings = Vec::new();
    path(index as usize, leaves, &mut siblings);
    Some(MerkleProof { index, siblings })
}

/// PATH(m, D[n]) of RFC 6962, appending deepest sibling first.
fn path(m: usize, leaves: &[Hash32], out: &mut Vec<Hash32>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        path(m, &leaves[..k], out);
        out.push(root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], out);
        out.push(root(&leaves[..k]));
    }
}

/// Audit paths of every leaf, in leaf order, in O(n log n) hashes (the same paths as [`prove`]).
/// Empty when the tree has more than `u32::MAX` leaves.
pub fn prove_all(leaves: &[Hash32]) -> Vec<MerkleProof> {
    root_and_proofs(leaves).1
}

/// The root ([`root`]) and every leaf's audit path ([`prove_all`]) from one pass over the tree.
/// The paths are empty when the tree has more than `u32::MAX` leaves.
pub fn root_and_proofs(leaves: &[Hash32]) -> (Hash32, Vec<MerkleProof>) {
    if u32::try_from(leaves.len()).is_err() {
        return (root(leaves), Vec::new());
    }
    // No path is longer than the tree is deep (ceil(log2 n)): sized once, never grown.
    let depth = leaves.len().next_power_of_two().trailing_zeros() as usize;
    let mut paths: Vec<Vec<Hash32>> = (0..leaves.len())
        .map(|_| Vec::with_capacity(depth))
        .collect();
    let root = all_paths(leaves, &mut paths);
    let proofs = paths
        .into_iter()
        .zip(0u32..)
        .map(|(siblings, index)| MerkleProof { index, siblings })
        .collect();
    (root, proofs)
}

/// Merkle root over the votes of a batch and every vote's audit path, hashing each vote once.
pub fn vote_root_and_proofs(votes: &[Vote]) -> (Hash32, Vec<MerkleProof>) {
    let leaves: Vec<Hash32> = votes.iter().map(vote_leaf_hash).collect();
    root_and_proofs(&leaves)
}

/// Appends each leaf's siblings within `leaves` to `paths` (deepest first); returns the subtree root.
fn all_paths(leaves: &[Hash32], paths: &mut [Vec<Hash32>]) -> Hash32 {
    match leaves.len() {
        0 => sha256(&[]),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            let (left_paths, right_paths) = paths.split_at_mut(k);
            let left = all_paths(&leaves[..k], left_paths);
            let right = all_paths(&leaves[k..], right_paths);
            left_paths.iter_mut().for_each(|p| p.push(right));
            right_paths.iter_mut().for_each(|p| p.push(left));
            node_hash(&left, &right)
        }
    }
}

/// Root reached from `leaf` along `proof` in a tree of `leaf_count` leaves (RFC 9162 §2.1.3.2).
pub fn root_from_proof(
    leaf: &Hash32,
    proof: &MerkleProof,
    leaf_count: u32,
) -> Result<Hash32, MerkleError> {
    let wrong_length = || MerkleError::WrongLength {
        index: proof.index,
        leaf_count,
        got: proof.siblings.len(),
    };
    if proof.index >= leaf_count {
        return Err(MerkleError::IndexOutOfRange {
            index: proof.index,
            leaf_count,
        });
    }
    let mut f_n = proof.index;
    let mut s_n = leaf_count - 1;
    let mut r = *leaf;
    for p in &proof.siblings {
        if s_n == 0 {
            return Err(wrong_length());
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(wrong_length());
    }
    Ok(r)
}

/// Checks that `proof` leads from `leaf` to `expected_root` in a tree of `leaf_count` leaves.
pub fn verify_proof(
    leaf: &Hash32,
    proof: &MerkleProof,
    leaf_count: u32,
    expected_root: &Hash32,
) -> Result<(), MerkleError> {
    let computed = root_from_proof(leaf, proof, leaf_count)?;
    if computed == *expected_root {
        Ok(())
    } else {
        Err(MerkleError::RootMismatch {
            expected: *expected_root,
            computed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n)
            .map(|i| leaf_hash(&(i as u32).to_le_bytes()))
            .collect()
    }

    #[test]
    fn split_point_is_largest_power_of_two_below_n() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(256), 128);
        assert_eq!(split_point(257), 256);
    }

    #[test]
    fn rfc6962_empty_tree_and_single_leaf() {
        assert_eq!(
            root(&[]).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // RFC 6962 test vector: the leaf hash of the empty leaf.
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn three_leaf_tree_shape() {
        let l = leaves(3);
        let expected = node_hash(&node_hash(&l[0], &l[1]), &l[2]);
        assert_eq!(root(&l), expected);
        let p = prove(&l, 2).unwrap();
        assert_eq!(p.siblings, vec![node_hash(&l[0], &l[1])]);
    }

    #[test]
    fn every_leaf_of_trees_up_to_300_verifies_and_tampering_fails() {
        for n in 1..=300usize {
            let l = leaves(n);
            let r = root(&l);
            let count = n as u32;
            let proofs = prove_all(&l);
            assert_eq!(proofs.len(), n);
            for (i, p) in proofs.into_iter().enumerate() {
                assert!(p.siblings.len() <= 9);
                verify_proof(&l[i], &p, count, &r).unwrap();
                // A changed leaf fails.
                let other = leaf_hash(b"other");
                assert!(verify_proof(&other, &p, count, &r).is_err());
                // A changed sibling fails.
                if !p.siblings.is_empty() {
                    let mut bad = p.clone();
                    bad.siblings[0].0[0] ^= 1;
                    assert!(verify_proof(&l[i], &bad, count, &r).is_err());
                }
                // A changed index fails (for n > 1 every other index has a different path).
                if n > 1 {
                    let mut bad = p.clone();
                    bad.index = ((i + 1) % n) as u32;
                    assert!(verify_proof(&l[i], &bad, count, &r).is_err(), "n={n} i={i}");
                }
            }
            assert!(prove(&l, n).is_none());
        }
    }

    #[test]
    fn prove_all_matches_prove() {
        for n in [1usize, 2, 3, 5, 8, 13, 64, 100] {
            let l = leaves(n);
            let (r, all) = root_and_proofs(&l);
            assert_eq!(r, root(&l), "n={n}");
            assert_eq!(all, prove_all(&l), "n={n}");
            for (i, p) in all.iter().enumerate() {
                assert_eq!(Some(p), prove(&l, i).as_ref(), "n={n} i={i}");
            }
        }
    }

    #[test]
    fn index_out_of_range_and_wrong_lengths_are_named() {
        let l = leaves(5);
        let r = root(&l);
        let mut p = prove(&l, 1).unwrap();
        p.index = 5;
        assert!(matches!(
            verify_proof(&l[1], &p, 5, &r),
            Err(MerkleError::IndexOutOfRange { .. })
        ));
        let mut p = prove(&l, 1).unwrap();
        p.siblings.push(l[0]);
        assert!(matches!(
            verify_proof(&l[1], &p, 5, &r),
            Err(MerkleError::WrongLength { .. })
        ));
        let mut p = prove(&l, 1).unwrap();
        p.siblings.pop();
        assert!(matches!(
            verify_proof(&l[1], &p, 5, &r),
            Err(MerkleError::WrongLength { .. })
        ));
    }
}
