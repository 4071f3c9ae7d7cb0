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
//!
//! # Layout
//!
//! `hash` (leaf and node hashes), `node` (stored-node addresses and sources), `plan` (which
//! leaf ranges a computation hashes, and the `*_needs` lists), `proof` (roots, proofs and
//! appends from stored nodes), `verify` (proof checks) and `memory` ([`MemoryTree`]).

mod hash;
mod memory;
mod node;
mod plan;
mod proof;
mod verify;

#[cfg(test)]
mod tests;

pub use hash::{EMPTY_ROOT, Hash, leaf_hash, node_hash};
pub use memory::MemoryTree;
pub use node::{NodeId, NodeSource};
pub use plan::{append_needs, consistency_needs, inclusion_needs, root_needs};
pub use proof::{append, consistency_proof, inclusion_proof, root};
pub use verify::{verify_consistency, verify_inclusion};

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
