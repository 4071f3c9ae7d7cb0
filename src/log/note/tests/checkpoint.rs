//! Checkpoint bodies: round trips, the C2SP example, and what a checkpoint may not hold.

use data_encoding::BASE64;

use super::*;

#[test]
fn checkpoint_round_trip() {
    let mut cp = checkpoint();
    let body = cp.body();
    assert_eq!(
        body,
        format!("example.com/log\n20852163\n{}\n", BASE64.encode(&[7; 32]))
    );
    assert_eq!(Checkpoint::parse(&body).unwrap(), cp);
    cp.extensions = vec!["ext one".to_owned(), "— two".to_owned()];
    assert_eq!(Checkpoint::parse(&cp.body()).unwrap(), cp);
    for size in [0, 1, u64::MAX] {
        cp.size = size;
        assert_eq!(Checkpoint::parse(&cp.body()).unwrap(), cp);
    }

    // The C2SP example checkpoint.
    let example =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    let parsed = Checkpoint::parse(example).unwrap();
    assert_eq!(parsed.origin, "example.com/behind-the-sofa");
    assert_eq!(parsed.size, 20_852_163);
    assert_eq!(parsed.body(), example);
}

#[test]
fn checkpoint_rejects_bad_input() {
    let root = BASE64.encode(&[7; 32]);
    let body = |origin: &str, size: &str, root: &str| format!("{origin}\n{size}\n{root}\n");
    assert_eq!(
        Checkpoint::parse(&body("o", "", &root)),
        Err(NoteError::EmptyLine(2))
    );
    for size in [
        "01",
        "00",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "0x10",
        "18446744073709551616",
        "١",
    ] {
        assert_eq!(
            Checkpoint::parse(&body("o", size, &root)),
            Err(NoteError::InvalidTreeSize(size.to_owned())),
            "{size:?}"
        );
    }
    let short = BASE64.encode(&[7; 31]);
    let long = BASE64.encode(&[7; 33]);
    let url = data_encoding::BASE64URL.encode(&[0xff; 32]);
    let unpadded = root.trim_end_matches('=').to_owned();
    for bad in [&short, &long, &url, &unpadded, &"not base64!".to_owned()] {
        assert_eq!(
            Checkpoint::parse(&body("o", "1", bad)),
            Err(NoteError::InvalidRootHash(bad.clone()))
        );
    }
    assert_eq!(
        Checkpoint::parse(&body("", "1", &root)),
        Err(NoteError::EmptyOrigin)
    );
    assert_eq!(
        Checkpoint::parse(&format!("o\n1\n{root}\next\n\nmore\n")),
        Err(NoteError::EmptyLine(5))
    );
    assert_eq!(
        Checkpoint::parse(&format!("o\n1\n{root}")),
        Err(NoteError::TextNotTerminated)
    );
    assert_eq!(
        Checkpoint::parse("o\n1\n"),
        Err(NoteError::CheckpointTooShort)
    );
    assert_eq!(Checkpoint::parse(""), Err(NoteError::TextNotTerminated));
}

#[test]
fn signed_checkpoint_round_trip() {
    let log = key(4);
    let cp = checkpoint();
    let signature = sign(&cp.body(), &cp.origin, &log).unwrap();
    let rendered = Note {
        text: cp.body(),
        signatures: vec![signature],
    }
    .render();
    let note = Note::parse(&rendered).unwrap();
    verify(&note, "example.com/log", &log.verifying_key()).unwrap();
    assert_eq!(Checkpoint::parse(&note.text).unwrap(), cp);
}
