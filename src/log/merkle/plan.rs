//! Planning: which leaf ranges a computation hashes, and the `*_needs` lists of stored nodes
//! it will read. Pure index arithmetic, no hashing.

use super::{MerkleError, NodeId};

/// A half-open range of leaves `[lo, hi)`, never empty, whose start is aligned to the
/// largest power of two not above its length (every range the RFC 9162 recursion
/// visits from `[0, size)` has this shape). Its hash is therefore the right fold of
/// the complete aligned subtrees given by the binary decomposition of its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) lo: u64,
    pub(super) hi: u64,
}

/// The largest power of two strictly below `n`, for `n >= 2`.
pub(super) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    // n - 1 >= 1, so ilog2 <= 63.
    1u64 << (n - 1).ilog2()
}

/// A level number, always below 64 (a node of level `l` covers `2^l <= u64::MAX`
/// leaves), as stored in a [`NodeId`].
#[allow(clippy::cast_possible_truncation)]
const fn level_u8(level: u32) -> u8 {
    debug_assert!(level < 64);
    level as u8
}

impl Span {
    /// The stored nodes making up this range, right to left (smallest first).
    pub(super) fn nodes(self) -> impl Iterator<Item = NodeId> {
        let mut end = self.hi;
        let mut bits = self.hi - self.lo;
        debug_assert!(bits > 0);
        debug_assert_eq!(self.lo % (1u64 << bits.ilog2()), 0);
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let level = bits.trailing_zeros();
            // `end - lo` is the sum of the remaining bits, so this cannot underflow.
            let start = end - (1u64 << level);
            bits &= bits - 1;
            end = start;
            Some(NodeId::new(level_u8(level), start >> level))
        })
    }

    /// How many stored nodes make up this range.
    pub(super) fn node_count(self) -> usize {
        (self.hi - self.lo).count_ones() as usize
    }
}

/// The ranges whose hashes form the inclusion proof (RFC 9162 §2.1.3.1 PATH),
/// in proof order (bottom up).
pub(super) fn inclusion_plan(index: u64, size: u64) -> Result<Vec<Span>, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let (mut lo, mut hi) = (0u64, size);
    let mut plan = Vec::with_capacity(64);
    while hi - lo > 1 {
        // lo + k < hi, no overflow.
        let mid = lo + split_point(hi - lo);
        if index < mid {
            plan.push(Span { lo: mid, hi });
            hi = mid;
        } else {
            plan.push(Span { lo, hi: mid });
            lo = mid;
        }
    }
    plan.reverse();
    Ok(plan)
}

/// The ranges whose hashes form the consistency proof (RFC 9162 §2.1.4.1 SUBPROOF),
/// in proof order.
pub(super) fn consistency_plan(first: u64, second: u64) -> Result<Vec<Span>, MerkleError> {
    if first == 0 || first > second {
        return Err(MerkleError::BadSizes { first, second });
    }
    let mut plan = Vec::with_capacity(64);
    if first == second {
        return Ok(plan);
    }
    // SUBPROOF(m, D[lo:hi], b) with m = first - lo; first > lo always holds.
    let (mut lo, mut hi) = (0u64, second);
    let mut whole_subtree = true; // the flag `b` of the RFC
    loop {
        if first == hi {
            if !whole_subtree {
                plan.push(Span { lo, hi });
            }
            break;
        }
        // Here lo < first < hi, so hi - lo >= 2.
        let mid = lo + split_point(hi - lo);
        if first <= mid {
            plan.push(Span { lo: mid, hi });
            hi = mid;
        } else {
            plan.push(Span { lo, hi: mid });
            lo = mid;
            whole_subtree = false;
        }
    }
    plan.reverse();
    Ok(plan)
}

fn plan_needs(plan: &[Span]) -> Vec<NodeId> {
    // The spans of a plan are disjoint and each decomposes into disjoint nodes, so the
    // list has no duplicates.
    plan.iter().flat_map(|span| span.nodes()).collect()
}

/// The stored nodes [`append`] reads to add leaf number `n` to a tree of `n` leaves:
/// the left siblings of the subtrees the new leaf completes, lowest first.
#[must_use]
pub fn append_needs(n: u64) -> Vec<NodeId> {
    // One left sibling per trailing one bit of n: at level l, the new node has index
    // n >> l (odd) and its sibling index (n >> l) - 1.
    (0..n.trailing_ones())
        .map(|level| NodeId::new(level_u8(level), (n >> level) - 1))
        .collect()
}

/// The stored nodes [`root`] reads for a tree of `size` leaves (one per set bit of
/// `size`; none for the empty tree).
#[must_use]
pub fn root_needs(size: u64) -> Vec<NodeId> {
    if size == 0 {
        return Vec::new();
    }
    Span { lo: 0, hi: size }.nodes().collect()
}

/// The stored nodes [`inclusion_proof`] reads (at most about `2·log2(size)`).
///
/// # Errors
///
/// [`MerkleError::IndexOutOfRange`] if `index >= size`.
pub fn inclusion_needs(index: u64, size: u64) -> Result<Vec<NodeId>, MerkleError> {
    Ok(plan_needs(&inclusion_plan(index, size)?))
}

/// The stored nodes [`consistency_proof`] reads (at most about `2·log2(second)`).
///
/// # Errors
///
/// [`MerkleError::BadSizes`] unless `1 <= first <= second`.
pub fn consistency_needs(first: u64, second: u64) -> Result<Vec<NodeId>, MerkleError> {
    Ok(plan_needs(&consistency_plan(first, second)?))
}
