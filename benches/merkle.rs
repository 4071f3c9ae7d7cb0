//! Merkle proof cost against tree size: generation reads O(log n) stored nodes and
//! verification hashes O(log n) times, so going from 10^4 to 10^6 leaves should cost
//! well under twice as much (log2 grows from ~13.3 to ~19.9).
//!
//! The `*_from_fetched_nodes` cases time what the service does after its one database
//! query (plan the needed nodes, build the proof from them); the plain cases read an
//! in-memory tree, whose 10^6-leaf size (64 MB) falls out of the CPU cache.
//!
//! Run with `cargo bench --bench merkle`.
// In a benchmark an unwrap that fails is the report we want.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use origine::log::merkle::{
    Hash, MemoryTree, NodeId, NodeSource, consistency_needs, consistency_proof, inclusion_needs,
    inclusion_proof, root, verify_consistency, verify_inclusion,
};

const SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];
/// Pre-computed cases cycled through by the verification benchmarks.
const CASES: usize = 256;
/// Cases averaged by [`print_work`].
const WORK_CASES: usize = 4096;

/// A cheap, distinct "leaf hash" from a counter (the tree does not care how leaf
/// hashes were made, and building 10^6 leaves stays fast).
fn counter_leaf(i: u64) -> Hash {
    let mut h = [0u8; 32];
    h[..8].copy_from_slice(&i.to_le_bytes());
    h[8] = 0x5a;
    h
}

/// xorshift64*: deterministic pseudo-random indices.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// The work per operation, free of timing noise: stored nodes read and SHA-256 calls
/// (a proof hashes `reads - proof length` times to fold the incomplete right edge;
/// verifying an inclusion proof hashes once per proof hash, a consistency proof once or
/// twice per proof hash).
fn print_work(size: u64, tree: &MemoryTree) {
    let mut rng = Rng::new(size ^ 0xe);
    let (mut reads, mut hashes, mut len) = ([0usize; 2], [0usize; 2], [0usize; 2]);
    for _ in 0..WORK_CASES {
        let index = rng.below(size);
        let needs = inclusion_needs(index, size).expect("index < size");
        let proof_len = inclusion_proof(index, size, tree).expect("proof").len();
        reads[0] += needs.len();
        hashes[0] += needs.len() - proof_len;
        len[0] += proof_len;
        let first = 1 + rng.below(size - 1);
        let needs = consistency_needs(first, size).expect("first < size");
        let proof_len = consistency_proof(first, size, tree).expect("proof").len();
        reads[1] += needs.len();
        hashes[1] += needs.len() - proof_len;
        len[1] += proof_len;
    }
    #[allow(clippy::cast_precision_loss)]
    let avg = |x: usize| x as f64 / WORK_CASES as f64;
    println!(
        "size {size}: inclusion proof reads {:.1} nodes, hashes {:.1}, length {:.1}; \
         consistency proof reads {:.1} nodes, hashes {:.1}, length {:.1}",
        avg(reads[0]),
        avg(hashes[0]),
        avg(len[0]),
        avg(reads[1]),
        avg(hashes[1]),
        avg(len[1]),
    );
}

fn merkle(c: &mut Criterion) {
    let mut group = c.benchmark_group("merkle");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));

    for size in SIZES {
        // Built once, outside every timed loop.
        let tree: MemoryTree = (0..size).map(counter_leaf).collect();
        let tree_root = tree.root();
        print_work(size, &tree);

        // (a) inclusion proof generation, a pseudo-random leaf each iteration.
        group.bench_with_input(
            BenchmarkId::new("inclusion_proof", size),
            &size,
            |b, &size| {
                let mut rng = Rng::new(size);
                b.iter(|| {
                    let index = rng.below(size);
                    inclusion_proof(black_box(index), black_box(size), &tree).expect("stored nodes")
                });
            },
        );

        // (a') inclusion proof generation as the service runs it: the stored nodes the proof
        // needs (`inclusion_needs`) arrive from one database query, then the proof is built
        // from them. Timed: the needs computation and the build; the fetch is the database's.
        let mut rng = Rng::new(size ^ 0xa);
        let fetched: Vec<(u64, HashMap<NodeId, Hash>)> = (0..CASES)
            .map(|_| {
                let index = rng.below(size);
                let needs = inclusion_needs(index, size).expect("index < size");
                let nodes = needs
                    .iter()
                    .map(|id| (*id, tree.node(*id).expect("stored")))
                    .collect();
                (index, nodes)
            })
            .collect();
        group.bench_with_input(
            BenchmarkId::new("inclusion_proof_from_fetched_nodes", size),
            &size,
            |b, &size| {
                let mut k = 0;
                b.iter(|| {
                    let (index, nodes) = &fetched[k % CASES];
                    k += 1;
                    let needs = inclusion_needs(black_box(*index), size).expect("index < size");
                    black_box(needs.len());
                    inclusion_proof(black_box(*index), black_box(size), nodes)
                        .expect("fetched nodes")
                });
            },
        );

        // (b) inclusion verification, cycling through pre-computed proofs.
        let mut rng = Rng::new(size ^ 0xb);
        let cases: Vec<(u64, Vec<Hash>)> = (0..CASES)
            .map(|_| {
                let index = rng.below(size);
                (index, inclusion_proof(index, size, &tree).expect("proof"))
            })
            .collect();
        group.bench_with_input(
            BenchmarkId::new("verify_inclusion", size),
            &size,
            |b, &size| {
                let mut k = 0;
                b.iter(|| {
                    let (index, proof) = &cases[k % CASES];
                    k += 1;
                    verify_inclusion(
                        black_box(*index),
                        black_box(size),
                        &counter_leaf(*index),
                        black_box(proof),
                        &tree_root,
                    )
                    .expect("valid proof");
                });
            },
        );

        // (c) consistency proof generation from a pseudo-random first < size.
        group.bench_with_input(
            BenchmarkId::new("consistency_proof", size),
            &size,
            |b, &size| {
                let mut rng = Rng::new(size ^ 0xc);
                b.iter(|| {
                    let first = 1 + rng.below(size - 1);
                    consistency_proof(black_box(first), black_box(size), &tree)
                        .expect("stored nodes")
                });
            },
        );

        // (c') consistency proof generation from the fetched nodes, as the service runs it.
        let mut rng = Rng::new(size ^ 0xe);
        let fetched: Vec<(u64, HashMap<NodeId, Hash>)> = (0..CASES)
            .map(|_| {
                let first = 1 + rng.below(size - 1);
                let needs = consistency_needs(first, size).expect("1 <= first <= size");
                let nodes = needs
                    .iter()
                    .map(|id| (*id, tree.node(*id).expect("stored")))
                    .collect();
                (first, nodes)
            })
            .collect();
        group.bench_with_input(
            BenchmarkId::new("consistency_proof_from_fetched_nodes", size),
            &size,
            |b, &size| {
                let mut k = 0;
                b.iter(|| {
                    let (first, nodes) = &fetched[k % CASES];
                    k += 1;
                    let needs = consistency_needs(black_box(*first), size).expect("valid sizes");
                    black_box(needs.len());
                    consistency_proof(black_box(*first), black_box(size), nodes)
                        .expect("fetched nodes")
                });
            },
        );

        // (d) consistency verification, cycling through pre-computed proofs.
        let mut rng = Rng::new(size ^ 0xd);
        let cases: Vec<(u64, Hash, Vec<Hash>)> = (0..CASES)
            .map(|_| {
                let first = 1 + rng.below(size - 1);
                let first_root = root(first, &tree).expect("stored nodes");
                let proof = consistency_proof(first, size, &tree).expect("proof");
                (first, first_root, proof)
            })
            .collect();
        group.bench_with_input(
            BenchmarkId::new("verify_consistency", size),
            &size,
            |b, &size| {
                let mut k = 0;
                b.iter(|| {
                    let (first, first_root, proof) = &cases[k % CASES];
                    k += 1;
                    verify_consistency(
                        black_box(*first),
                        black_box(size),
                        first_root,
                        &tree_root,
                        black_box(proof),
                    )
                    .expect("valid proof");
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, merkle);
criterion_main!(benches);
