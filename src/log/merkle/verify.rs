//! Proof verification, following RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency)
//! step by step. No stored nodes are needed.

use super::plan::split_point;
use super::{Hash, MerkleError, node_hash};

/// The number of hashes in the inclusion proof for `index < size`.
fn inclusion_len(index: u64, size: u64) -> usize {
    // Same loop as `inclusion_plan`, without allocating.
    let (mut lo, mut hi) = (0u64, size);
    let mut len = 0;
    while hi - lo > 1 {
        let mid = lo + split_point(hi - lo);
        if index < mid {
            hi = mid;
        } else {
            lo = mid;
        }
        len += 1;
    }
    len
}

/// The number of hashes in the consistency proof for `1 <= first < second`.
fn consistency_len(first: u64, second: u64) -> usize {
    let (mut lo, mut hi) = (0u64, second);
    let mut whole_subtree = true;
    let mut len = 0;
    while first != hi {
        let mid = lo + split_point(hi - lo);
        if first <= mid {
            hi = mid;
        } else {
            lo = mid;
            whole_subtree = false;
        }
        len += 1;
    }
    len + usize::from(!whole_subtree)
}

/// Check that `proof` proves leaf hash `leaf` is leaf number `index` of the tree of
/// `size` leaves whose root is `root`, with the algorithm of RFC 9162 §2.1.3.2.
///
/// # Errors
///
/// [`MerkleError::IndexOutOfRange`] if `index >= size`; [`MerkleError::ProofLength`] if
/// the proof has the wrong number of hashes for these sizes;
/// [`MerkleError::RootMismatch`] if it does not lead to `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), MerkleError> {
    // 1. leaf_index must be below tree_size.
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_len(index, size);
    if proof.len() != expected {
        return Err(MerkleError::ProofLength {
            expected,
            actual: proof.len(),
        });
    }
    // 2.-3.
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf;
    // 4.
    for p in proof {
        // 4a. (cannot happen once the length is checked; kept as in the RFC)
        if snode == 0 {
            return Err(MerkleError::ProofLength {
                expected,
                actual: proof.len(),
            });
        }
        // 4b.
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        // 4c.
        fnode >>= 1;
        snode >>= 1;
    }
    // 5.
    if snode != 0 {
        return Err(MerkleError::ProofLength {
            expected,
            actual: proof.len(),
        });
    }
    if r != *root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

/// Check that `proof` proves the tree of `second` leaves with root `second_root`
/// extends the tree of `first` leaves with root `first_root`, with the algorithm of
/// RFC 9162 §2.1.4.2. When `first == second` the proof must be empty and the roots
/// equal.
///
/// # Errors
///
/// [`MerkleError::BadSizes`] unless `1 <= first <= second`;
/// [`MerkleError::ProofLength`] if the proof has the wrong number of hashes for these
/// sizes; [`MerkleError::RootMismatch`] if it does not lead to both roots.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if first == 0 || first > second {
        return Err(MerkleError::BadSizes { first, second });
    }
    // Step 1 of the RFC (an empty proof fails) is covered by checking the length.
    let expected = if first == second {
        0
    } else {
        consistency_len(first, second)
    };
    let length_error = || MerkleError::ProofLength {
        expected,
        actual: proof.len(),
    };
    if proof.len() != expected {
        return Err(length_error());
    }
    if first == second {
        return if first_root == second_root {
            Ok(())
        } else {
            Err(MerkleError::RootMismatch)
        };
    }
    // 2. If first is an exact power of two, the proof implicitly starts with first_root.
    let (seed, rest) = if first.is_power_of_two() {
        (first_root, proof)
    } else {
        match proof.split_first() {
            Some((head, tail)) => (head, tail),
            None => return Err(length_error()),
        }
    };
    // 3.
    let mut fnode = first - 1;
    let mut snode = second - 1;
    // 4.
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // 5.
    let mut fr = *seed;
    let mut sr = *seed;
    // 6.
    for c in rest {
        // 6a.
        if snode == 0 {
            return Err(length_error());
        }
        // 6b.
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // 6c.
        fnode >>= 1;
        snode >>= 1;
    }
    // 7.
    if snode != 0 {
        return Err(length_error());
    }
    if fr != *first_root || sr != *second_root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}
