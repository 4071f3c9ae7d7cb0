//! Property tests: genuine proofs verify, tampered ones never do, and the `*_needs` lists stay
//! logarithmic for any size.

use proptest::prelude::*;

use super::*;

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
