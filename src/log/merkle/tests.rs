//! Tests of the Merkle tree: shared helpers, a naive RFC 9162 reference implementation, and
//! the exhaustive and edge-case checks. Spec vectors, `*_needs` checks and property tests
//! are in the submodules.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::*;

mod needs;
mod properties;
mod vectors;

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

impl NodeSource for Strict {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.allowed.get(&id).copied()
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
