use ed25519_dalek::SigningKey;

use super::*;
use crate::log::merkle::MemoryTree;
use crate::log::note::{ALG_COSIGNATURE_V1, ALG_ED25519, cosign, format_vkey, sign};

const ORIGIN: &str = "origine.test/log";

struct Fixture {
    proof: TlogProof,
    leaf: Hash,
    policy: Policy,
}

/// A log of 13 entries, a proof for entry 6, a witness cosigning, and the policy naming both.
fn fixture() -> Fixture {
    let log = SigningKey::from_bytes(&[1; 32]);
    let witness = SigningKey::from_bytes(&[2; 32]);
    let leaves: Vec<Hash> = (0..13u8).map(|i| merkle::leaf_hash(&[i])).collect();
    let tree: MemoryTree = leaves.iter().copied().collect();
    let text = Checkpoint {
        origin: ORIGIN.into(),
        size: 13,
        root: tree.root(),
        extensions: Vec::new(),
    }
    .body();
    let checkpoint = Note {
        signatures: vec![
            sign(&text, ORIGIN, &log).unwrap(),
            cosign(&text, "w.test/w", &witness, 1_700_000_000).unwrap(),
        ],
        text,
    };
    let policy = Policy::parse(&format!(
        "log {}\nwitness W {}\nquorum W\n",
        format_vkey(ORIGIN, ALG_ED25519, log.verifying_key().as_bytes()),
        format_vkey(
            "w.test/w",
            ALG_COSIGNATURE_V1,
            witness.verifying_key().as_bytes()
        ),
    ))
    .unwrap();
    Fixture {
        proof: TlogProof {
            extra: None,
            index: 6,
            proof: merkle::inclusion_proof(6, 13, &tree).unwrap(),
            checkpoint,
        },
        leaf: leaves[6],
        policy,
    }
}

#[test]
fn a_proof_renders_parses_back_and_verifies() {
    let f = fixture();
    let text = f.proof.render();
    assert!(
        text.starts_with("c2sp.org/tlog-proof@v1\nindex 6\n"),
        "{text}"
    );
    let parsed = TlogProof::parse(&text).unwrap();
    assert_eq!(parsed, f.proof);
    assert_eq!(parsed.verify(&f.leaf, &f.policy).unwrap().size, 13);
    let with_extra = TlogProof {
        extra: Some(b"context".to_vec()),
        ..f.proof.clone()
    };
    let text = with_extra.render();
    assert!(text.contains("\nextra Y29udGV4dA==\nindex 6\n"), "{text}");
    assert_eq!(TlogProof::parse(&text).unwrap(), with_extra);
}

#[test]
fn any_changed_byte_of_the_proof_or_its_checkpoint_fails() {
    let f = fixture();
    let text = f.proof.render();
    for at in 0..text.len() {
        let mut bytes = text.clone().into_bytes();
        bytes[at] ^= 0x01;
        let Ok(changed) = String::from_utf8(bytes) else {
            continue;
        };
        let verdict = TlogProof::parse(&changed).and_then(|p| p.verify(&f.leaf, &f.policy));
        // (This proof has no extra line, the one part a change may leave valid.)
        assert!(
            verdict.is_err(),
            "byte {at} changed and the proof still verifies"
        );
    }
    // The right proof for another leaf.
    assert!(f.proof.verify(&merkle::leaf_hash(&[7]), &f.policy).is_err());
}

#[test]
fn the_policy_decides_which_logs_and_witnesses_count() {
    let f = fixture();
    let other_log = SigningKey::from_bytes(&[3; 32]);
    let witness_vkey = f.policy.witnesses[0].vkey.clone();
    let wrong_log = Policy::parse(&format!(
        "log {}\nwitness W {witness_vkey}\nquorum W\n",
        format_vkey(ORIGIN, ALG_ED25519, other_log.verifying_key().as_bytes())
    ))
    .unwrap();
    assert!(
        f.proof
            .verify(&f.leaf, &wrong_log)
            .unwrap_err()
            .contains("not signed")
    );
    let two = SigningKey::from_bytes(&[4; 32]);
    let stricter = Policy::parse(&format!(
        "log {}\nwitness W {witness_vkey}\nwitness V {}\ngroup both all W V\nquorum both\n",
        f.policy.logs[0].vkey,
        format_vkey(
            "v.test/w",
            ALG_COSIGNATURE_V1,
            two.verifying_key().as_bytes()
        )
    ))
    .unwrap();
    assert!(
        f.proof
            .verify(&f.leaf, &stricter)
            .unwrap_err()
            .contains("quorum")
    );
}

#[test]
fn malformed_proofs_are_refused() {
    let f = fixture();
    let good = f.proof.render();
    let line = format!("{}\n", BASE64.encode(&[0u8; 32]));
    for (case, text) in [
        (
            "no header",
            good.replacen("c2sp.org/tlog-proof@v1\n", "", 1),
        ),
        (
            "index with a leading zero",
            good.replacen("index 6", "index 06", 1),
        ),
        ("no index", good.replacen("index 6\n", "", 1)),
        (
            "64 proof lines",
            good.replacen("index 6\n", &format!("index 6\n{}", line.repeat(64)), 1),
        ),
        (
            "bad base64",
            good.replacen("index 6\n", "index 6\n***\n", 1),
        ),
        ("no blank line", good.replacen("\n\n", "\n", 1)),
        (
            "bad extra",
            good.replacen("index 6", "extra ***\nindex 6", 1),
        ),
        ("empty", String::new()),
    ] {
        assert!(TlogProof::parse(&text).is_err(), "{case}");
    }
}
