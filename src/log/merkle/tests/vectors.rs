//! Spec vectors: the RFC 6962 reference tree and the transparency-dev/merkle proof vectors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::*;

// ----- 1. the RFC 6962 reference tree ---------------------------------------------

#[test]
fn rfc6962_reference_tree() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../../../tests/vectors/rfc6962-tree.json")).unwrap();
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
        serde_json::from_str(include_str!("../../../../tests/vectors/rfc6962-tree.json")).unwrap();
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
