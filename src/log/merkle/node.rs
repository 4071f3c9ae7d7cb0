//! Stored nodes: their address ([`NodeId`]) and where they are read from ([`NodeSource`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

use super::{Hash, MerkleError};

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

/// The stored node `id`, or [`MerkleError::MissingNode`] if `nodes` lacks it.
pub(super) fn fetch(nodes: &dyn NodeSource, id: NodeId) -> Result<Hash, MerkleError> {
    nodes.node(id).ok_or(MerkleError::MissingNode(id))
}
