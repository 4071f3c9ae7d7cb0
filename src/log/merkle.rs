//! RFC 6962 / RFC 9162 Merkle tree over stored subtree hashes.
//!
//! The log is the Merkle tree of RFC 9162 §2.1.1: a leaf hash is
//! `SHA-256(0x00 ‖ data)`, an interior node hash is `SHA-256(0x01 ‖ left ‖ right)`,
//! and the root of the empty tree is `SHA-256("")`.
//!
//! # Stored nodes
//!
//! The database keeps the hash of every *complete, aligned* subtree, addressed by a
//! [`NodeId`] `(level, index)`: the node covering leaves
//! `[index·2^level, (index+1)·2^level)`. Level 0 holds the leaf hashes. A tree of `n`
//! leaves has fewer than `2n` stored nodes, and a stored node never changes once
//! written, so the nodes of a tree of `n` leaves also serve every smaller tree (this
//! is the layout of `golang.org/x/mod/sumdb/tlog` "stored hashes" and of C2SP
//! tlog-tiles).
//!
//! The hash of an *incomplete* range (the right edge of a tree whose size is not a
//! power of two) is not stored: it is folded from the `O(log n)` complete nodes that
//! make it up. Every computation here reads `O(log n)` stored nodes, so a log of
//! billions of entries works the same way as a log of ten.
//!
//! # Asynchronous callers
//!
//! The stored nodes live in a database, so each operation is split in two pure steps:
//!
//! 1. `*_needs` ([`root_needs`], [`inclusion_needs`], [`consistency_needs`],
//!    [`append_needs`]) lists the [`NodeId`]s the computation will read — pure index
//!    arithmetic, no hashing, no duplicates — so the caller can fetch them in one query;
//! 2. the computation ([`root`], [`inclusion_proof`], [`consistency_proof`],
//!    [`append`]) takes any [`NodeSource`] (a `HashMap` of the fetched rows, a
//!    [`MemoryTree`], ...) and reads exactly those nodes.
//!
//! Both steps are driven by the same plan (a list of leaf ranges), so the lists always
//! agree with what the computation reads.
//!
//! Verification ([`verify_inclusion`], [`verify_consistency`]) follows the algorithms
//! of RFC 9162 §2.1.3.2 and §2.1.4.2 and needs no stored nodes.
//!
//! Nothing here panics on any input: sizes and indices are full `u64` values and all
//! arithmetic is checked or proven in range.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// The root of the empty tree: `SHA-256("")` (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Domain-separation prefix of a leaf hash.
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash.
const NODE_PREFIX: u8 = 0x01;

/// The leaf hash of an entry: `SHA-256(0x00 ‖ data)`.
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([LEAF_PREFIX])
        .chain_update(data)
        .finalize()
        .into()
}

/// The hash of an interior node: `SHA-256(0x01 ‖ left ‖ right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([NODE_PREFIX])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The address of a stored node: the complete subtree covering leaves
/// `[index·2^level, (index+1)·2^level)`. Level 0 is the leaf hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Height above the leaves: the node covers `2^level` leaves (at most 63).
    pub level: u8,
    /// Position among the nodes of its level, from the left.
    pub index: u64,
}

impl NodeId {
    /// The node at `level` and `index`.
    #[must_use]
    pub const fn new(level: u8, index: u64) -> Self {
        Self { level, index }
    }

    /// The leaf hash of leaf number `index`.
    #[must_use]
    pub const fn leaf(index: u64) -> Self {
        Self { level: 0, index }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(level {}, index {})", self.level, self.index)
    }
}

/// Why a Merkle computation or verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// A leaf index that is not below the tree size.
    #[error("leaf index {index} is out of range for a tree of {size} leaves")]
    IndexOutOfRange {
        /// The leaf index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// Tree sizes that cannot be proven consistent: the first must be in `1..=second`.
    #[error(
        "no consistency proof between tree sizes {first} and {second}: need 1 <= first <= second"
    )]
    BadSizes {
        /// The size of the older tree.
        first: u64,
        /// The size of the newer tree.
        second: u64,
    },
    /// The tree already has `u64::MAX` leaves and cannot grow.
    #[error("the tree has {size} leaves and cannot grow further")]
    TreeFull {
        /// The current tree size.
        size: u64,
    },
    /// The node source did not provide a stored node the computation needs.
    #[error("stored node {0} is missing")]
    MissingNode(NodeId),
    /// A proof with the wrong number of hashes for its tree sizes.
    #[error("the proof has {actual} hashes but these tree sizes need {expected}")]
    ProofLength {
        /// How many hashes the tree sizes call for.
        expected: usize,
        /// How many hashes the proof has.
        actual: usize,
    },
    /// The proof does not lead to the expected root.
    #[error("the proof does not lead to the expected root hash")]
    RootMismatch,
}

/// Anything that can hand out stored nodes: a `HashMap` of rows fetched from the
/// database, a [`MemoryTree`], a page of tiles...
pub trait NodeSource {
    /// The hash of the stored node `id`, if this source has it.
    fn node(&self, id: NodeId) -> Option<Hash>;
}

impl<S: BuildHasher> NodeSource for HashMap<NodeId, Hash, S> {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.get(&id).copied()
    }
}

impl NodeSource for BTreeMap<NodeId, Hash> {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.get(&id).copied()
    }
}

impl<T: NodeSource + ?Sized> NodeSource for &T {
    fn node(&self, id: NodeId) -> Option<Hash> {
        (**self).node(id)
    }
}

fn fetch(nodes: &dyn NodeSource, id: NodeId) -> Result<Hash, MerkleError> {
    nodes.node(id).ok_or(MerkleError::MissingNode(id))
}

// ---------------------------------------------------------------------------------
// Plans: which leaf ranges a computation hashes. Pure index arithmetic.
// ---------------------------------------------------------------------------------

/// A half-open range of leaves `[lo, hi)`, never empty, whose start is aligned to the
/// largest power of two not above its length (every range the RFC 9162 recursion
/// visits from `[0, size)` has this shape). Its hash is therefore the right fold of
/// the complete aligned subtrees given by the binary decomposition of its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    lo: u64,
    hi: u64,
}

/// The largest power of two strictly below `n`, for `n >= 2`.
fn split_point(n: u64) -> u64 {
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
    fn nodes(self) -> impl Iterator<Item = NodeId> {
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
    fn node_count(self) -> usize {
        (self.hi - self.lo).count_ones() as usize
    }
}

/// The hash of a range from the hashes of its nodes, right to left as
/// [`Span::nodes`] lists them.
fn fold(hashes: &[Hash]) -> Hash {
    match hashes.split_first() {
        Some((last, others)) => others
            .iter()
            .fold(*last, |right, left| node_hash(left, &right)),
        // Spans are never empty.
        None => EMPTY_ROOT,
    }
}

/// The ranges whose hashes form the inclusion proof (RFC 9162 §2.1.3.1 PATH),
/// in proof order (bottom up).
fn inclusion_plan(index: u64, size: u64) -> Result<Vec<Span>, MerkleError> {
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
fn consistency_plan(first: u64, second: u64) -> Result<Vec<Span>, MerkleError> {
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

fn plan_hashes(plan: &[Span], nodes: &dyn NodeSource) -> Result<Vec<Hash>, MerkleError> {
    // Read every stored node first, then hash. The reads do not depend on each other,
    // so a slow source (cold memory, a remote page) serves them together instead of
    // one at a time between hashes.
    let fetched = plan
        .iter()
        .flat_map(|span| span.nodes())
        .map(|id| fetch(nodes, id))
        .collect::<Result<Vec<Hash>, MerkleError>>()?;
    let mut rest = fetched.as_slice();
    let mut out = Vec::with_capacity(plan.len());
    for span in plan {
        let (mine, tail) = rest
            .split_at_checked(span.node_count())
            .unwrap_or((rest, &[]));
        out.push(fold(mine));
        rest = tail;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Appending.
// ---------------------------------------------------------------------------------

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

/// Append leaf number `n` (0-based: the tree had `n` leaves before) whose leaf hash is
/// `leaf`: returns the new stored nodes, the leaf first, then each parent the new leaf
/// completes, bottom up.
///
/// `existing` must provide the nodes listed by [`append_needs`]`(n)`.
///
/// # Errors
///
/// [`MerkleError::TreeFull`] if `n == u64::MAX`; [`MerkleError::MissingNode`] if
/// `existing` lacks a needed left sibling.
pub fn append(
    n: u64,
    leaf: Hash,
    existing: &dyn NodeSource,
) -> Result<Vec<(NodeId, Hash)>, MerkleError> {
    if n == u64::MAX {
        return Err(MerkleError::TreeFull { size: n });
    }
    let mut out = Vec::with_capacity(1 + n.trailing_ones() as usize);
    let mut id = NodeId::leaf(n);
    let mut hash = leaf;
    out.push((id, hash));
    for sibling in append_needs(n) {
        let left = fetch(existing, sibling)?;
        hash = node_hash(&left, &hash);
        id = NodeId::new(sibling.level + 1, sibling.index >> 1);
        out.push((id, hash));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Roots and proofs from stored nodes.
// ---------------------------------------------------------------------------------

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

/// The root hash of the tree of the first `size` leaves.
///
/// # Errors
///
/// [`MerkleError::MissingNode`] if `nodes` lacks one of [`root_needs`]`(size)`.
pub fn root(size: u64, nodes: &dyn NodeSource) -> Result<Hash, MerkleError> {
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    let hashes = plan_hashes(&[Span { lo: 0, hi: size }], nodes)?;
    Ok(hashes.first().copied().unwrap_or(EMPTY_ROOT))
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves: RFC 9162
/// §2.1.3.1 `PATH(index, D[0:size])`, bottom up.
///
/// # Errors
///
/// [`MerkleError::IndexOutOfRange`] if `index >= size`; [`MerkleError::MissingNode`] if
/// `nodes` lacks one of [`inclusion_needs`]`(index, size)`.
pub fn inclusion_proof(
    index: u64,
    size: u64,
    nodes: &dyn NodeSource,
) -> Result<Vec<Hash>, MerkleError> {
    plan_hashes(&inclusion_plan(index, size)?, nodes)
}

/// The consistency proof between the trees of `first` and `second` leaves: RFC 9162
/// §2.1.4.1 `PROOF(first, D[0:second])`. Empty when `first == second`.
///
/// # Errors
///
/// [`MerkleError::BadSizes`] unless `1 <= first <= second` (a proof from the empty
/// tree is meaningless, as in transparency-dev); [`MerkleError::MissingNode`] if
/// `nodes` lacks one of [`consistency_needs`]`(first, second)`.
pub fn consistency_proof(
    first: u64,
    second: u64,
    nodes: &dyn NodeSource,
) -> Result<Vec<Hash>, MerkleError> {
    plan_hashes(&consistency_plan(first, second)?, nodes)
}

// ---------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2). No stored nodes needed.
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// A whole tree in memory.
// ---------------------------------------------------------------------------------

/// A whole tree in memory — every stored node — for tests, benchmarks and the audit.
/// It implements [`NodeSource`], and since stored nodes never change it serves the
/// roots and proofs of every smaller tree too.
#[derive(Debug, Default, Clone)]
pub struct MemoryTree {
    /// `levels[l][i]` is the stored node `(l, i)`; `levels[l].len() == size >> l`.
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// The empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a leaf hash (see [`leaf_hash`]), storing each subtree it completes.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let nodes = &mut self.levels[level];
            nodes.push(hash);
            let len = nodes.len();
            if len % 2 == 1 {
                break;
            }
            hash = node_hash(&nodes[len - 2], &nodes[len - 1]);
            level += 1;
        }
    }

    /// The number of leaves.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// The root hash of the whole tree.
    #[must_use]
    pub fn root(&self) -> Hash {
        // Cannot fail: the tree stores every complete subtree of itself.
        root(self.size(), self).unwrap_or(EMPTY_ROOT)
    }

    /// Every stored node, level by level.
    pub fn stored_nodes(&self) -> impl Iterator<Item = (NodeId, Hash)> + '_ {
        // A tree held in memory has fewer than 2^64 leaves, so at most 64 levels.
        self.levels.iter().zip(0u8..).flat_map(|(nodes, level)| {
            nodes
                .iter()
                .zip(0u64..)
                .map(move |(hash, index)| (NodeId::new(level, index), *hash))
        })
    }
}

impl NodeSource for MemoryTree {
    fn node(&self, id: NodeId) -> Option<Hash> {
        let index = usize::try_from(id.index).ok()?;
        self.levels.get(usize::from(id.level))?.get(index).copied()
    }
}

impl FromIterator<Hash> for MemoryTree {
    fn from_iter<I: IntoIterator<Item = Hash>>(iter: I) -> Self {
        let mut tree = Self::new();
        tree.extend(iter);
        tree
    }
}

impl Extend<Hash> for MemoryTree {
    fn extend<I: IntoIterator<Item = Hash>>(&mut self, iter: I) {
        for leaf in iter {
            self.push(leaf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    // ----- helpers ------------------------------------------------------------------

    fn hex(s: &str) -> Vec<u8> {
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(s.as_bytes())
            .expect("valid hex in vectors")
    }

    /// Distinct leaf hashes from a counter.
    fn counter_leaf(i: u64) -> Hash {
        leaf_hash(&i.to_be_bytes())
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(counter_leaf).collect()
    }

    const BIG: u64 = 2000;

    /// One shared tree of `BIG` leaves: it serves every smaller size.
    fn big_tree() -> &'static (Vec<Hash>, MemoryTree) {
        static TREE: OnceLock<(Vec<Hash>, MemoryTree)> = OnceLock::new();
        TREE.get_or_init(|| {
            let l = leaves(BIG);
            let t = l.iter().copied().collect();
            (l, t)
        })
    }

    /// A node source that only answers for an allowed set and records what is read.
    struct Strict {
        allowed: HashMap<NodeId, Hash>,
    }

    // ----- naive reference implementation of RFC 9162 over the raw leaf list ----------

    fn largest_pow2_below(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    fn ref_mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => EMPTY_ROOT,
            1 => d[0],
            n => {
                let k = largest_pow2_below(n);
                node_hash(&ref_mth(&d[..k]), &ref_mth(&d[k..]))
            }
        }
    }

    /// RFC 9162 §2.1.3.1 PATH(m, D[n]).
    fn ref_path(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n == 1 {
            return Vec::new();
        }
        let k = largest_pow2_below(n);
        if m < k {
            let mut p = ref_path(m, &d[..k]);
            p.push(ref_mth(&d[k..]));
            p
        } else {
            let mut p = ref_path(m - k, &d[k..]);
            p.push(ref_mth(&d[..k]));
            p
        }
    }

    /// RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b).
    fn ref_subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if b { Vec::new() } else { vec![ref_mth(d)] };
        }
        let k = largest_pow2_below(n);
        if m <= k {
            let mut p = ref_subproof(m, &d[..k], b);
            p.push(ref_mth(&d[k..]));
            p
        } else {
            let mut p = ref_subproof(m - k, &d[k..], false);
            p.push(ref_mth(&d[..k]));
            p
        }
    }

    // ----- 1. the RFC 6962 reference tree ---------------------------------------------

    #[test]
    fn rfc6962_reference_tree() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/rfc6962-tree.json")).unwrap();
        assert_eq!(
            EMPTY_ROOT.to_vec(),
            hex(v["empty_tree_root_hex"].as_str().unwrap())
        );
        let sha_of_nothing: Hash = Sha256::digest(b"").into();
        assert_eq!(EMPTY_ROOT, sha_of_nothing);
        assert_eq!(root(0, &MemoryTree::new()), Ok(EMPTY_ROOT));
        assert_eq!(MemoryTree::new().root(), EMPTY_ROOT);
        assert_eq!(
            leaf_hash(b"").to_vec(),
            hex(v["leaf_hash_of_empty_input_hex"].as_str().unwrap())
        );

        let inputs: Vec<Vec<u8>> = v["leaf_inputs_hex"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| hex(s.as_str().unwrap()))
            .collect();
        assert_eq!(inputs.len(), 8);
        let roots = v["roots_hex_by_size"].as_object().unwrap();
        assert_eq!(roots.len(), 8);

        let mut tree = MemoryTree::new();
        for (i, input) in inputs.iter().enumerate() {
            tree.push(leaf_hash(input));
            let size = i as u64 + 1;
            let want = hex(roots[&size.to_string()].as_str().unwrap());
            assert_eq!(tree.size(), size);
            assert_eq!(tree.root().to_vec(), want, "root at size {size}");
        }
        // The 8-leaf tree's stored nodes serve every smaller root, through any source.
        let map: HashMap<NodeId, Hash> = tree.stored_nodes().collect();
        assert_eq!(map.len(), 8 + 4 + 2 + 1);
        for size in 1..=8u64 {
            let want = hex(roots[&size.to_string()].as_str().unwrap());
            assert_eq!(root(size, &tree).unwrap().to_vec(), want);
            assert_eq!(root(size, &map).unwrap().to_vec(), want);
        }
    }

    // ----- 2. transparency-dev/merkle proof vectors -----------------------------------

    fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                json_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    /// Decode a standard-base64 hash; `None` if it is not 32 bytes (such a hash can
    /// never verify, as in transparency-dev).
    fn b64_hash(v: &serde_json::Value) -> Option<Hash> {
        let bytes = data_encoding::BASE64
            .decode(v.as_str().unwrap().as_bytes())
            .unwrap();
        bytes.as_slice().try_into().ok()
    }

    fn b64_proof(v: &serde_json::Value) -> Option<Vec<Hash>> {
        match v {
            serde_json::Value::Null => Some(Vec::new()),
            serde_json::Value::Array(items) => items.iter().map(b64_hash).collect(),
            other => panic!("unexpected proof {other}"),
        }
    }

    fn vectors_dir(kind: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/rfc6962-proofs")
            .join(kind)
    }

    #[test]
    fn transparency_dev_vectors() {
        // Our own proofs over the RFC 6962 reference tree, to compare with happy paths.
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/rfc6962-tree.json")).unwrap();
        let reference: MemoryTree = v["leaf_inputs_hex"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| leaf_hash(&hex(s.as_str().unwrap())))
            .collect();

        let mut checked_inclusion = 0;
        let mut checked_consistency = 0;
        let mut matched_ours = 0;

        let mut files = Vec::new();
        json_files(&vectors_dir("inclusion"), &mut files);
        files.sort();
        for path in &files {
            let j: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let want_err = j["wantErr"].as_bool().unwrap();
            let index = j["leafIdx"].as_u64().unwrap();
            let size = j["treeSize"].as_u64().unwrap();
            let result = match (
                b64_hash(&j["leafHash"]),
                b64_hash(&j["root"]),
                b64_proof(&j["proof"]),
            ) {
                (Some(leaf), Some(r), Some(proof)) => {
                    let res = verify_inclusion(index, size, &leaf, &proof, &r);
                    if res.is_ok() && size <= 8 && r == root(size, &reference).unwrap() {
                        assert_eq!(inclusion_proof(index, size, &reference).unwrap(), proof);
                        matched_ours += 1;
                    }
                    res
                }
                _ => Err(MerkleError::RootMismatch), // a hash that is not 32 bytes
            };
            assert_eq!(result.is_err(), want_err, "{}: {result:?}", path.display());
            checked_inclusion += 1;
        }

        let mut files = Vec::new();
        json_files(&vectors_dir("consistency"), &mut files);
        files.sort();
        for path in &files {
            // This vector accepts equal sizes with placeholder roots that are not 32
            // bytes; our roots are typed `[u8; 32]`, so it cannot be expressed.
            if path.ends_with("additional/sizes-are-equal-one-and-proof-is-empty.json") {
                continue;
            }
            let j: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let want_err = j["wantErr"].as_bool().unwrap();
            let first = j["size1"].as_u64().unwrap();
            let second = j["size2"].as_u64().unwrap();
            let result = match (
                b64_hash(&j["root1"]),
                b64_hash(&j["root2"]),
                b64_proof(&j["proof"]),
            ) {
                (Some(r1), Some(r2), Some(proof)) => {
                    let res = verify_consistency(first, second, &r1, &r2, &proof);
                    if res.is_ok() && second <= 8 && r2 == root(second, &reference).unwrap() {
                        assert_eq!(consistency_proof(first, second, &reference).unwrap(), proof);
                        matched_ours += 1;
                    }
                    res
                }
                _ => Err(MerkleError::RootMismatch),
            };
            assert_eq!(result.is_err(), want_err, "{}: {result:?}", path.display());
            checked_consistency += 1;
        }

        println!(
            "transparency-dev vectors checked: {checked_inclusion} inclusion, \
             {checked_consistency} consistency ({} files); {matched_ours} happy paths \
             equal our own proofs",
            checked_inclusion + checked_consistency
        );
        assert!(checked_inclusion > 0);
        assert!(checked_consistency > 0);
        assert!(matched_ours > 0);
    }

    // ----- 3. exhaustive comparison with the reference up to 64 leaves -----------------

    #[test]
    fn proofs_match_reference_up_to_64() {
        let d = leaves(64);
        let tree: MemoryTree = d.iter().copied().collect();
        for size in 1..=64usize {
            let s = size as u64;
            let r = ref_mth(&d[..size]);
            assert_eq!(root(s, &tree), Ok(r), "root {size}");
            for m in 0..size {
                let i = m as u64;
                let proof = inclusion_proof(i, s, &tree).unwrap();
                assert_eq!(proof, ref_path(m, &d[..size]), "PATH({m}, {size})");
                assert_eq!(verify_inclusion(i, s, &d[m], &proof, &r), Ok(()));
            }
            for m in 1..=size {
                let f = m as u64;
                let proof = consistency_proof(f, s, &tree).unwrap();
                assert_eq!(
                    proof,
                    ref_subproof(m, &d[..size], true),
                    "PROOF({m}, {size})"
                );
                let r1 = ref_mth(&d[..m]);
                assert_eq!(verify_consistency(f, s, &r1, &r, &proof), Ok(()));
            }
        }
    }

    // ----- errors and edge cases -----------------------------------------------------

    #[test]
    fn errors_and_edges() {
        let tree: MemoryTree = leaves(5).into_iter().collect();
        let r = tree.root();
        let l0 = counter_leaf(0);
        assert_eq!(
            inclusion_proof(5, 5, &tree),
            Err(MerkleError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert!(inclusion_needs(0, 0).is_err());
        assert!(verify_inclusion(0, 0, &l0, &[], &EMPTY_ROOT).is_err());
        assert!(verify_inclusion(u64::MAX, u64::MAX, &l0, &[], &r).is_err());
        assert!(verify_inclusion(u64::MAX - 1, u64::MAX, &l0, &[], &r).is_err());
        assert_eq!(
            consistency_proof(0, 5, &tree),
            Err(MerkleError::BadSizes {
                first: 0,
                second: 5
            })
        );
        assert!(consistency_needs(6, 5).is_err());
        assert!(consistency_needs(0, 0).is_err());
        assert!(verify_consistency(0, 0, &EMPTY_ROOT, &EMPTY_ROOT, &[]).is_err());
        assert!(verify_consistency(0, 5, &EMPTY_ROOT, &r, &[]).is_err());
        assert!(verify_consistency(6, 5, &r, &r, &[]).is_err());
        assert_eq!(verify_consistency(5, 5, &r, &r, &[]), Ok(()));
        assert_eq!(
            verify_consistency(5, 5, &r, &l0, &[]),
            Err(MerkleError::RootMismatch)
        );
        assert!(matches!(
            verify_consistency(5, 5, &r, &r, &[r]),
            Err(MerkleError::ProofLength { .. })
        ));
        assert!(matches!(
            verify_consistency(1, 2, &r, &r, &[]),
            Err(MerkleError::ProofLength { .. })
        ));
        assert!(verify_consistency(u64::MAX - 1, u64::MAX, &r, &r, &[r]).is_err());
        assert_eq!(consistency_needs(5, 5), Ok(vec![]));
        assert_eq!(
            consistency_proof(5, 5, &HashMap::<NodeId, Hash>::new()),
            Ok(vec![])
        );
        // Missing nodes are reported, never a panic.
        let empty: HashMap<NodeId, Hash> = HashMap::new();
        assert_eq!(
            root(5, &empty),
            Err(MerkleError::MissingNode(NodeId::new(0, 4)))
        );
        assert!(matches!(
            inclusion_proof(3, 1 << 40, &tree),
            Err(MerkleError::MissingNode(_))
        ));
        assert!(root(u64::MAX, &tree).is_err());
        assert_eq!(
            append(u64::MAX, l0, &tree),
            Err(MerkleError::TreeFull { size: u64::MAX })
        );
        assert!(matches!(
            append(3, l0, &empty),
            Err(MerkleError::MissingNode(_))
        ));
        assert_eq!(root_needs(0), vec![]);
        assert_eq!(root_needs(u64::MAX).len(), 64);
        assert_eq!(append_needs(u64::MAX - 1), vec![]);
        assert_eq!(append_needs((1 << 63) - 1).len(), 63);
        let top = append((1 << 63) - 1, l0, &Uniform::new()).unwrap();
        assert_eq!(top.len(), 64);
        assert_eq!(top[63].0, NodeId::new(63, 0));
        // Messages are readable.
        assert_eq!(
            MerkleError::MissingNode(NodeId::new(2, 7)).to_string(),
            "stored node (level 2, index 7) is missing"
        );
    }

    // ----- 5. the *_needs lists --------------------------------------------------------

    fn assert_needs_ok(needs: &[NodeId], bound: usize) {
        let set: HashSet<_> = needs.iter().collect();
        assert_eq!(set.len(), needs.len(), "duplicates in {needs:?}");
        assert!(needs.len() <= bound, "{} > {bound}", needs.len());
    }

    fn only(tree: &MemoryTree, needs: &[NodeId]) -> Strict {
        Strict {
            allowed: needs
                .iter()
                .map(|&id| (id, tree.node(id).expect("needed node is stored")))
                .collect(),
        }
    }

    impl NodeSource for Strict {
        fn node(&self, id: NodeId) -> Option<Hash> {
            self.allowed.get(&id).copied()
        }
    }

    #[test]
    fn needs_are_exact_and_sufficient_up_to_300() {
        let (_, tree) = big_tree();
        for size in 0..=300u64 {
            let needs = root_needs(size);
            assert_needs_ok(&needs, 64);
            assert_eq!(needs.len(), size.count_ones() as usize);
            assert_eq!(root(size, &only(tree, &needs).allowed), root(size, tree));
            for index in 0..size {
                let needs = inclusion_needs(index, size).unwrap();
                assert_needs_ok(&needs, 128);
                assert_eq!(
                    inclusion_proof(index, size, &only(tree, &needs)),
                    inclusion_proof(index, size, tree)
                );
            }
            for first in 1..=size {
                let needs = consistency_needs(first, size).unwrap();
                assert_needs_ok(&needs, 128);
                assert_eq!(
                    consistency_proof(first, size, &only(tree, &needs)),
                    consistency_proof(first, size, tree)
                );
            }
        }
    }

    /// A consistent tree of any size without storage: every leaf is the same, so
    /// every node of a level has the same hash.
    struct Uniform {
        by_level: Vec<Hash>,
    }

    impl Uniform {
        fn new() -> Self {
            let mut by_level = vec![leaf_hash(b"uniform")];
            for l in 0..64 {
                let h = by_level[l];
                by_level.push(node_hash(&h, &h));
            }
            Self { by_level }
        }
    }

    impl NodeSource for Uniform {
        fn node(&self, id: NodeId) -> Option<Hash> {
            // Only nodes that exist in a tree of at most u64::MAX leaves.
            let first_leaf = id.index.checked_mul(1u64.checked_shl(id.level.into())?)?;
            first_leaf.checked_add((1u64 << id.level) - 1)?;
            self.by_level.get(usize::from(id.level)).copied()
        }
    }

    #[test]
    fn huge_sizes_are_index_arithmetic() {
        let sizes = [
            1u64 << 40,
            (1 << 40) - 1,
            (1 << 40) + 1,
            10_000_000,
            1 << 62,
            (1 << 63) - 1,
            1 << 63,
            (1 << 63) + 12345,
            u64::MAX - 1,
            u64::MAX,
        ];
        let uniform = Uniform::new();
        let leaf = uniform.by_level[0];
        for &size in &sizes {
            let r = root(size, &uniform).unwrap();
            assert_needs_ok(&root_needs(size), 64);
            for index in [0, 1, size / 3, size / 2, size - 2, size - 1] {
                let needs = inclusion_needs(index, size).unwrap();
                assert_needs_ok(&needs, 2 * 64 + 2);
                let proof = inclusion_proof(index, size, &uniform).unwrap();
                assert!(proof.len() <= needs.len());
                assert_eq!(verify_inclusion(index, size, &leaf, &proof, &r), Ok(()));
            }
            for first in [1, 2, 3, size / 3, size / 2, size - 1, size] {
                let needs = consistency_needs(first, size).unwrap();
                assert_needs_ok(&needs, 2 * 64 + 2);
                let proof = consistency_proof(first, size, &uniform).unwrap();
                let r1 = root(first, &uniform).unwrap();
                assert_eq!(verify_consistency(first, size, &r1, &r, &proof), Ok(()));
            }
        }
    }

    // ----- 6. append ---------------------------------------------------------------------

    #[test]
    fn append_builds_the_memory_tree() {
        let mut stored: HashMap<NodeId, Hash> = HashMap::new();
        let mut tree = MemoryTree::new();
        for n in 0..1000u64 {
            let leaf = counter_leaf(n);
            let needs = append_needs(n);
            assert_needs_ok(&needs, 64);
            let fetched = Strict {
                allowed: needs.iter().map(|id| (*id, stored[id])).collect(),
            };
            let new = append(n, leaf, &fetched).unwrap();
            assert_eq!(new[0], (NodeId::leaf(n), leaf));
            assert_eq!(new.len(), needs.len() + 1);
            for w in new.windows(2) {
                assert_eq!(w[1].0.level, w[0].0.level + 1);
            }
            for (id, h) in new {
                assert!(stored.insert(id, h).is_none(), "{id} written twice");
            }
            tree.push(leaf);
            let all: HashMap<NodeId, Hash> = tree.stored_nodes().collect();
            assert_eq!(all, stored, "after {} leaves", n + 1);
            assert_eq!(root(n + 1, &stored), Ok(tree.root()));
        }
        assert!(stored.len() < 2 * 1000);
    }

    // ----- 4. property tests -------------------------------------------------------------

    fn flip(proof: &mut [Hash], which: usize, bit: usize) {
        let i = which % proof.len();
        proof[i][(bit / 8) % 32] ^= 1 << (bit % 8);
    }

    proptest! {
        #[test]
        fn inclusion_proofs_verify_and_resist_tampering(
            size in 1..=BIG,
            index_seed in any::<u64>(),
            other_seed in any::<u64>(),
            which in any::<usize>(),
            bit in 0usize..256,
            extra in any::<[u8; 32]>(),
        ) {
            let (d, tree) = big_tree();
            let index = index_seed % size;
            let leaf = d[index as usize];
            let r = root(size, tree).unwrap();
            let proof = inclusion_proof(index, size, tree).unwrap();
            prop_assert_eq!(verify_inclusion(index, size, &leaf, &proof, &r), Ok(()));

            if !proof.is_empty() {
                let mut p = proof.clone();
                flip(&mut p, which, bit);
                prop_assert!(verify_inclusion(index, size, &leaf, &p, &r).is_err());
                let mut p = proof.clone();
                p.remove(which % proof.len());
                prop_assert!(verify_inclusion(index, size, &leaf, &p, &r).is_err());
            }
            let mut p = proof.clone();
            p.insert(which % (proof.len() + 1), extra);
            prop_assert!(verify_inclusion(index, size, &leaf, &p, &r).is_err());

            // Another index in the same tree.
            if size > 1 {
                let other = (index + 1 + other_seed % (size - 1)) % size;
                prop_assert!(verify_inclusion(other, size, &leaf, &proof, &r).is_err());
            }
            // Another size, with that size's genuine root.
            let other_size = index + 1 + other_seed % (BIG - index);
            if other_size != size {
                let r2 = root(other_size, tree).unwrap();
                prop_assert!(verify_inclusion(index, other_size, &leaf, &proof, &r2).is_err());
            }
            // Out-of-range sizes and wrong roots.
            prop_assert!(verify_inclusion(index, index, &leaf, &proof, &r).is_err());
            prop_assert!(verify_inclusion(index, size, &leaf, &proof, &extra).is_err());
            let mut bad_root = r;
            bad_root[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(verify_inclusion(index, size, &leaf, &proof, &bad_root).is_err());
            // Wrong leaf.
            let mut bad_leaf = leaf;
            bad_leaf[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(verify_inclusion(index, size, &bad_leaf, &proof, &r).is_err());
        }

        #[test]
        fn consistency_proofs_verify_and_resist_tampering(
            second in 1..=BIG,
            first_seed in any::<u64>(),
            other_seed in any::<u64>(),
            which in any::<usize>(),
            bit in 0usize..256,
            extra in any::<[u8; 32]>(),
        ) {
            let (_, tree) = big_tree();
            let first = 1 + first_seed % second;
            let r1 = root(first, tree).unwrap();
            let r2 = root(second, tree).unwrap();
            let proof = consistency_proof(first, second, tree).unwrap();
            prop_assert_eq!(verify_consistency(first, second, &r1, &r2, &proof), Ok(()));
            prop_assert_eq!(proof.is_empty(), first == second);

            if !proof.is_empty() {
                let mut p = proof.clone();
                flip(&mut p, which, bit);
                prop_assert!(verify_consistency(first, second, &r1, &r2, &p).is_err());
                let mut p = proof.clone();
                p.remove(which % proof.len());
                prop_assert!(verify_consistency(first, second, &r1, &r2, &p).is_err());
            }
            let mut p = proof.clone();
            p.insert(which % (proof.len() + 1), extra);
            prop_assert!(verify_consistency(first, second, &r1, &r2, &p).is_err());

            // Wrong roots.
            let mut bad = r1;
            bad[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(verify_consistency(first, second, &bad, &r2, &proof).is_err());
            let mut bad = r2;
            bad[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(verify_consistency(first, second, &r1, &bad, &proof).is_err());
            if first != second {
                prop_assert!(verify_consistency(first, second, &r2, &r1, &proof).is_err());
            }

            // Another first size, with its genuine root.
            if second > 1 {
                let other_first = 1 + (first + other_seed % (second - 1)) % second;
                if other_first != first {
                    let o1 = root(other_first, tree).unwrap();
                    prop_assert!(
                        verify_consistency(other_first, second, &o1, &r2, &proof).is_err()
                    );
                }
            }
            // Another second size, with its genuine root.
            let other_second = first + other_seed % (BIG - first + 1);
            if other_second != second {
                let o2 = root(other_second, tree).unwrap();
                prop_assert!(verify_consistency(first, other_second, &r1, &o2, &proof).is_err());
            }
            // Sizes out of order or from zero.
            prop_assert!(verify_consistency(0, second, &EMPTY_ROOT, &r2, &proof).is_err());
            if first != second {
                prop_assert!(verify_consistency(second, first, &r2, &r1, &proof).is_err());
            }
        }

        #[test]
        fn needs_stay_logarithmic_and_sufficient_for_any_size(
            size in 1..=u64::MAX,
            index_seed in any::<u64>(),
            first_seed in any::<u64>(),
        ) {
            let uniform = Uniform::new();
            let leaf = uniform.by_level[0];
            let index = index_seed % size;
            let first = 1 + first_seed % size;
            let r = root(size, &uniform).unwrap();
            let r1 = root(first, &uniform).unwrap();

            let needs = inclusion_needs(index, size).unwrap();
            assert_needs_ok(&needs, 2 * 64 + 2);
            let strict = Strict {
                allowed: needs.iter().map(|&id| (id, uniform.node(id).unwrap())).collect(),
            };
            let proof = inclusion_proof(index, size, &strict).unwrap();
            prop_assert_eq!(verify_inclusion(index, size, &leaf, &proof, &r), Ok(()));

            let needs = consistency_needs(first, size).unwrap();
            assert_needs_ok(&needs, 2 * 64 + 2);
            let strict = Strict {
                allowed: needs.iter().map(|&id| (id, uniform.node(id).unwrap())).collect(),
            };
            let proof = consistency_proof(first, size, &strict).unwrap();
            prop_assert_eq!(verify_consistency(first, size, &r1, &r, &proof), Ok(()));

            let needs = append_needs(size - 1);
            assert_needs_ok(&needs, 64);
            prop_assert!(append(size - 1, leaf, &uniform).is_ok());
        }
    }
}
