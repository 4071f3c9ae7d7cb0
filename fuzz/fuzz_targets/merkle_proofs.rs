//! RFC 9162 inclusion and consistency proofs from outside (bundles, witnesses): verifying
//! must never panic, whatever the index, sizes and hashes (overflowing sizes included).
//!
//! Input layout: 1 mode byte, index (8 bytes LE), size (8 bytes LE), then 32-byte hashes:
//! the first is the leaf (or the first root), the second the root (or the second root),
//! the rest the proof.
//!
//! * Even mode byte: the values as given, full `u64` range.
//! * Odd mode byte: a real tree of `size % 65` leaves is built; its own proofs must verify,
//!   and a fuzzed proof may verify only if it is the real one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use origine::log::merkle::{self, Hash, MemoryTree};

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    if let Some(s) = data.get(at..at + 8) {
        b.copy_from_slice(s);
    }
    u64::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let index = u64_at(rest, 0);
    let size = u64_at(rest, 8);
    let hashes: Vec<Hash> = rest
        .get(16..)
        .unwrap_or_default()
        .chunks_exact(32)
        .map(|c| c.try_into().unwrap())
        .collect();
    let zero = [0u8; 32];
    let a = hashes.first().unwrap_or(&zero);
    let b = hashes.get(1).unwrap_or(&zero);
    let proof = hashes.get(2..).unwrap_or_default();

    if mode & 1 == 0 {
        let _ = merkle::verify_inclusion(index, size, a, proof, b);
        let _ = merkle::verify_consistency(index, size, a, b, proof);
        let _ = merkle::inclusion_needs(index, size);
        let _ = merkle::consistency_needs(index, size);
        let _ = merkle::root_needs(size);
        let _ = merkle::append_needs(size);
        return;
    }

    let n = size % 65;
    let tree: MemoryTree = (0..n)
        .map(|i| merkle::leaf_hash(&i.to_le_bytes()))
        .collect();
    let root = tree.root();
    if n == 0 {
        assert_eq!(root, merkle::EMPTY_ROOT);
        assert!(merkle::verify_inclusion(0, 0, a, proof, &root).is_err());
        return;
    }
    let i = index % n;
    let leaf = merkle::leaf_hash(&i.to_le_bytes());
    let real = merkle::inclusion_proof(i, n, &tree).expect("the tree has every node");
    assert_eq!(merkle::verify_inclusion(i, n, &leaf, &real, &root), Ok(()));
    if merkle::verify_inclusion(i, n, &leaf, proof, &root).is_ok() {
        assert_eq!(proof, real.as_slice(), "a forged inclusion proof verified");
    }
    if merkle::verify_inclusion(i, n, a, &real, &root).is_ok() {
        assert_eq!(a, &leaf, "another leaf verified with the real proof");
    }

    let first = i + 1;
    let first_root = merkle::root(first, &tree).expect("the tree has every node");
    let real = merkle::consistency_proof(first, n, &tree).expect("the tree has every node");
    assert_eq!(
        merkle::verify_consistency(first, n, &first_root, &root, &real),
        Ok(())
    );
    if merkle::verify_consistency(first, n, &first_root, &root, proof).is_ok() {
        assert_eq!(
            proof,
            real.as_slice(),
            "a forged consistency proof verified"
        );
    }
    // With one root fixed, the proof pins the other. (Both free, any first root has a
    // matching second root: the proof only says how one extends the other.)
    if first < n && merkle::verify_consistency(first, n, a, &root, &real).is_ok() {
        assert_eq!(
            a, &first_root,
            "another first root verified with the real proof"
        );
    }
    if merkle::verify_consistency(first, n, &first_root, b, &real).is_ok() {
        assert_eq!(b, &root, "another second root verified with the real proof");
    }
});
