use ed25519_dalek::SigningKey;

use super::*;
use crate::log::note::{Checkpoint, cosign, format_vkey, sign};

fn log_vkey(name: &str, seed: u8) -> (String, SigningKey) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    (
        format_vkey(name, ALG_ED25519, key.verifying_key().as_bytes()),
        key,
    )
}

fn witness_vkey(name: &str, seed: u8) -> (String, SigningKey) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    (
        format_vkey(name, ALG_COSIGNATURE_V1, key.verifying_key().as_bytes()),
        key,
    )
}

#[test]
fn the_example_shape_parses_and_renders_back() {
    let (log, _) = log_vkey("origine.test/log", 1);
    let (x1, _) = witness_vkey("x1.test/w", 2);
    let (x2, _) = witness_vkey("x2.test/w", 3);
    let (y1, _) = witness_vkey("y1.test/w", 4);
    let text = format!(
        "# the register\nlog {log} https://origine.test/log\n\n  witness X1 {x1}\twitness-x1.test\nwitness X2 {x2}\nwitness Y1 {y1}\ngroup X 2 X1 X2\ngroup XY all X Y1\nquorum XY\n"
    );
    let policy = Policy::parse(&text).unwrap();
    assert_eq!(policy.logs.len(), 1);
    assert_eq!(policy.logs[0].origin, "origine.test/log");
    assert_eq!(
        policy.logs[0].url.as_deref(),
        Some("https://origine.test/log")
    );
    assert_eq!(policy.witnesses[0].url.as_deref(), Some("witness-x1.test"));
    assert_eq!(policy.groups["X"].threshold, 2);
    assert_eq!(policy.groups["XY"].threshold, 2);
    assert_eq!(policy.quorum.as_deref(), Some("XY"));
    assert_eq!(Policy::parse(&policy.render()).unwrap(), policy);
    assert!(policy.log("origine.test/log").is_some());
    assert!(policy.log("other.test/log").is_none());
}

#[test]
fn broken_policies_are_refused_with_their_line() {
    let (log, _) = log_vkey("origine.test/log", 1);
    let (w, _) = witness_vkey("w.test/w", 2);
    let cases = [
        (format!("log {log}\n"), 0),
        (format!("log {log}\nquorum none\nquorum none\n"), 3),
        (format!("log {log}\nquorum W\n"), 2),
        (format!("witness W {w}\nwitness W2 {w}\nquorum W\n"), 2),
        (format!("witness W {w}\ngroup G 2 W\nquorum G\n"), 2),
        (format!("witness W {w}\ngroup G 0 W\nquorum G\n"), 2),
        (format!("witness W {w}\ngroup G any W W\nquorum G\n"), 2),
        (format!("witness W {w}\ngroup G any none\nquorum G\n"), 2),
        (format!("witness none {w}\nquorum none\n"), 1),
        (format!("log {w}\nquorum none\n"), 1),
        (format!("witness W {log}\nquorum W\n"), 1),
        (format!("log {log} a b\nquorum none\n"), 1),
        (format!("frobnicate {log}\nquorum none\n"), 1),
        (format!("log {log}\r\nquorum none\n"), 1),
        ("log not-a-vkey\nquorum none\n".to_owned(), 1),
    ];
    for (text, line) in cases {
        let e = Policy::parse(&text).expect_err(&text);
        assert_eq!(e.line, line, "{text}: {e}");
    }
    assert_eq!(Policy::parse_logs("# nothing\n").unwrap_err().line, 0);
    assert!(Policy::parse_logs(&format!("log {log}\n")).is_ok());
}

#[test]
fn the_quorum_counts_only_valid_cosignatures_of_listed_witnesses() {
    let (log, log_key) = log_vkey("origine.test/log", 1);
    let (a, a_key) = witness_vkey("a.test/w", 2);
    let (b, b_key) = witness_vkey("b.test/w", 3);
    let (_, stranger) = witness_vkey("a.test/w", 9);
    let policy = Policy::parse(&format!(
        "log {log}\nwitness A {a}\nwitness B {b}\ngroup both all A B\nquorum both\n"
    ))
    .unwrap();
    let text = Checkpoint {
        origin: "origine.test/log".into(),
        size: 3,
        root: [7; 32],
        extensions: Vec::new(),
    }
    .body();
    let mut note = Note {
        text: text.clone(),
        signatures: vec![sign(&text, "origine.test/log", &log_key).unwrap()],
    };
    assert!(!policy.quorum_met(&note));
    note.signatures
        .push(cosign(&text, "a.test/w", &a_key, 1).unwrap());
    assert!(!policy.quorum_met(&note), "one of two");
    note.signatures
        .push(cosign(&text, "a.test/w", &stranger, 1).unwrap());
    assert!(
        !policy.quorum_met(&note),
        "a key not in the policy counts for nothing"
    );
    note.signatures.pop();
    note.signatures
        .push(cosign(&text, "b.test/w", &b_key, 1).unwrap());
    assert!(policy.quorum_met(&note));
    let none = Policy::parse(&format!("log {log}\nquorum none\n")).unwrap();
    assert!(none.quorum_met(&Note {
        text,
        signatures: Vec::new()
    }));
}
