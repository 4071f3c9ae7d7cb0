//! Cosignatures (`cosignature/v1`): round trip, domain separation and what breaks them.

use super::*;

#[test]
fn cosignature_round_trip() {
    let (log, witness) = (key(4), key(5));
    let cp = checkpoint();
    let text = cp.body();
    let note = Note {
        text: text.clone(),
        signatures: vec![
            sign(&text, &cp.origin, &log).unwrap(),
            cosign(&text, "witness.example/w1", &witness, 1_679_315_147).unwrap(),
        ],
    };
    let cosig = &note.signatures[1];
    assert_eq!(cosig.payload.len(), 72);
    assert_eq!(cosig.payload[..8], 1_679_315_147u64.to_be_bytes());
    assert_eq!(
        cosig.key_id,
        cosignature_key_id("witness.example/w1", witness.verifying_key().as_bytes())
    );
    let note = Note::parse(&note.render()).unwrap();
    assert_eq!(
        verify_cosignature(&note, "witness.example/w1", &witness.verifying_key()),
        Ok(1_679_315_147)
    );
    verify(&note, &cp.origin, &log.verifying_key()).unwrap();
    // Domain separation: the cosignature is not a plain note signature and vice versa.
    assert!(matches!(
        verify(&note, "witness.example/w1", &witness.verifying_key()),
        Err(NoteError::NoSignature { .. })
    ));
    assert!(matches!(
        verify_cosignature(&note, &cp.origin, &log.verifying_key()),
        Err(NoteError::NoSignature { .. })
    ));

    // The message is exactly what the spec shows.
    assert_eq!(
        cosignature_message(&text, 1_679_315_147),
        format!("cosignature/v1\ntime 1679315147\n{text}")
    );
    let vk = format_vkey(
        "witness.example/w1",
        ALG_COSIGNATURE_V1,
        witness.verifying_key().as_bytes(),
    );
    assert_eq!(
        parse_vkey(&vk).unwrap(),
        (
            KeyName::parse("witness.example/w1").unwrap(),
            ALG_COSIGNATURE_V1,
            witness.verifying_key().to_bytes()
        )
    );
}

#[test]
fn cosignature_fails_on_other_checkpoint_or_timestamp() {
    let witness = key(5);
    let cp = checkpoint();
    let cosig = cosign(&cp.body(), "w", &witness, 1000).unwrap();

    let mut other = cp.clone();
    other.size += 1;
    let moved = Note {
        text: other.body(),
        signatures: vec![cosig.clone()],
    };
    assert!(matches!(
        verify_cosignature(&moved, "w", &witness.verifying_key()),
        Err(NoteError::InvalidSignature { .. })
    ));

    let mut retimed = cosig.clone();
    retimed.payload[..8].copy_from_slice(&1001u64.to_be_bytes());
    let note = Note {
        text: cp.body(),
        signatures: vec![retimed],
    };
    assert!(matches!(
        verify_cosignature(&note, "w", &witness.verifying_key()),
        Err(NoteError::InvalidSignature { .. })
    ));

    let mut huge = cosig.clone();
    huge.payload[..8].copy_from_slice(&u64::MAX.to_be_bytes());
    let note = Note {
        text: cp.body(),
        signatures: vec![huge],
    };
    assert!(matches!(
        verify_cosignature(&note, "w", &witness.verifying_key()),
        Err(NoteError::InvalidSignature { .. })
    ));

    assert_eq!(
        cosign(&cp.body(), "w", &witness, 1 << 63),
        Err(NoteError::TimestampOutOfRange(1 << 63))
    );
    assert_eq!(
        cosign("not\na checkpoint\nroot\n", "w", &witness, 1).unwrap_err(),
        NoteError::InvalidTreeSize("a checkpoint".to_owned())
    );
}
