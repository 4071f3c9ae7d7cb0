//! The `*_needs` lists name exactly the stored nodes each computation reads, for small trees,
//! huge sizes and appends.

use std::collections::HashMap;

use super::*;

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
