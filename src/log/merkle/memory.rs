//! A whole tree held in memory, for tests, benchmarks and the audit.

use super::{EMPTY_ROOT, Hash, NodeId, NodeSource, node_hash, root};

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
