//! Computations from stored nodes: tree roots, RFC 9162 inclusion and consistency proofs,
//! and the new nodes an appended leaf creates. Each reads exactly the nodes its `*_needs`
//! list names.

use super::node::fetch;
use super::plan::{Span, consistency_plan, inclusion_plan};
use super::{EMPTY_ROOT, Hash, MerkleError, NodeId, NodeSource, append_needs, node_hash};

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

/// The hash of each range of `plan`, in plan order, from the stored nodes in `nodes`.
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
