//! Signed notes: the spec and Go vectors, signing, verification and malformed notes.

use data_encoding::HEXLOWER;
use ed25519_dalek::VerifyingKey;

use super::*;

#[test]
fn spec_vector_verifies() {
    let v = vectors();
    let (name, alg, public) = parse_vkey(field(&v, "verify", "vkey")).unwrap();
    assert_eq!((name.as_str(), alg), ("example.com/foo", ALG_ED25519));
    let text = field(&v, "verify", "note");
    let note = Note::parse(text).unwrap();
    assert_eq!(note.text, "This is an example message.\n");
    assert_eq!(note.signatures.len(), 1);
    assert_eq!(note.render(), text);
    let key = VerifyingKey::from_bytes(&public).unwrap();
    verify(&note, &name, &key).unwrap();
    assert_eq!(
        format_vkey(&name, alg, &public),
        field(&v, "verify", "vkey")
    );
    assert_eq!(
        HEXLOWER.encode(&ed25519_key_id(&name, &public)),
        crate::crypto::keys::key_id(&name, &public)
    );
}

#[test]
fn go_vector_signature_is_reproduced() {
    let v = vectors();
    let (name, key) = parse_skey(field(&v, "sign", "skey")).unwrap();
    assert_eq!(name, "PeterNeumann");
    let text = field(&v, "sign", "text");
    let signature = sign(text, &name, &key).unwrap();
    assert_eq!(HEXLOWER.encode(&signature.key_id), "c74f20a3");
    assert_eq!(signature.line(), field(&v, "sign", "signature_line"));
    let note = Note {
        text: text.to_owned(),
        signatures: vec![signature],
    };
    assert_eq!(Note::parse(&note.render()).unwrap(), note);
    verify(&note, &name, &key.verifying_key()).unwrap();
}

#[test]
fn changed_text_fails() {
    let v = vectors();
    let (name, _, public) = parse_vkey(field(&v, "verify", "vkey")).unwrap();
    let key = VerifyingKey::from_bytes(&public).unwrap();
    let good = Note::parse(field(&v, "verify", "note")).unwrap();
    for i in 0..good.text.len() - 1 {
        let mut bytes = good.text.clone().into_bytes();
        bytes[i] ^= 0x01;
        let mut note = good.clone();
        note.text = String::from_utf8(bytes).unwrap();
        assert!(matches!(
            verify(&note, &name, &key),
            Err(NoteError::InvalidSignature { .. })
        ));
    }
}

#[test]
fn unknown_keys_are_ignored() {
    let text = "hello\n";
    let (me, other) = (key(1), key(2));
    let mine = sign(text, "example.com/me", &me).unwrap();
    let same_name_other_key = sign(text, "example.com/me", &other).unwrap();
    let other_name = sign(text, "example.com/other", &other).unwrap();
    let note = Note {
        text: text.to_owned(),
        signatures: vec![same_name_other_key.clone(), other_name.clone(), mine],
    };
    let note = Note::parse(&note.render()).unwrap();
    verify(&note, "example.com/me", &me.verifying_key()).unwrap();
    verify(&note, "example.com/other", &other.verifying_key()).unwrap();

    let only_unknown = Note {
        text: text.to_owned(),
        signatures: vec![same_name_other_key, other_name],
    };
    assert_eq!(
        verify(&only_unknown, "example.com/me", &me.verifying_key()),
        Err(NoteError::NoSignature {
            name: "example.com/me".to_owned(),
            key_id: HEXLOWER.encode(&ed25519_key_id(
                "example.com/me",
                me.verifying_key().as_bytes()
            )),
        })
    );
    // A wrong name with the right key is an unknown key too.
    assert!(matches!(
        verify(&only_unknown, "example.com/you", &me.verifying_key()),
        Err(NoteError::NoSignature { .. })
    ));
}

#[test]
fn a_bad_signature_from_a_known_key_rejects_the_note() {
    let text = "hello\n";
    let me = key(1);
    let good = sign(text, "me", &me).unwrap();
    let mut bad = good.clone();
    bad.payload[10] ^= 1;
    let mut short = good.clone();
    short.payload.truncate(63);
    for bad in [bad, short] {
        let note = Note {
            text: text.to_owned(),
            signatures: vec![good.clone(), bad],
        };
        assert!(matches!(
            verify(&note, "me", &me.verifying_key()),
            Err(NoteError::InvalidSignature { .. })
        ));
    }
}

#[test]
fn malformed_notes_are_errors() {
    let good = "text\n\n\u{2014} name AAAAAAE=\n";
    assert!(Note::parse(good).is_ok());
    let cases: &[(&str, NoteError)] = &[
        (
            "text\n\u{2014} name AAAAAAE=\n",
            NoteError::MissingBlankLine,
        ),
        (
            "text\n\n\u{2014} name AAAAAAE=",
            NoteError::SignatureNotTerminated,
        ),
        ("text\n\n", NoteError::NoSignatures),
        (
            "text\n\n\u{2014} name AAAA*AE=\n",
            NoteError::InvalidBase64(1),
        ),
        (
            "text\n\n\u{2014} name AAAAAAE\n",
            NoteError::InvalidBase64(1),
        ),
        (
            "text\n\n\u{2014} name AAAAAA==\n",
            NoteError::SignatureTooShort(1),
        ),
        ("text\n\n- name AAAAAAE=\n", NoteError::MissingDash(1)),
        (
            "text\n\n\u{2013} name AAAAAAE=\n",
            NoteError::MissingDash(1),
        ),
        ("text\n\n\u{2014}name AAAAAAE=\n", NoteError::MissingDash(1)),
        (
            "text\n\n\u{2014} name\n",
            NoteError::MalformedSignatureLine(1),
        ),
        (
            "text\n\n\u{2014} name \n",
            NoteError::MalformedSignatureLine(1),
        ),
        (
            "text\n\n\u{2014}  AAAAAAE=\n",
            NoteError::InvalidKeyName(String::new()),
        ),
        (
            "text\n\n\u{2014} a+b AAAAAAE=\n",
            NoteError::InvalidKeyName("a+b".to_owned()),
        ),
        (
            "text\n\n\u{2014} name AAAAAAE=\n\u{2014} name AAAAAAE= extra\n",
            NoteError::InvalidBase64(2),
        ),
        (
            "te\txt\n\n\u{2014} name AAAAAAE=\n",
            NoteError::ControlCharacter,
        ),
        (
            "text\r\n\n\u{2014} name AAAAAAE=\n",
            NoteError::ControlCharacter,
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(Note::parse(input).as_ref(), Err(expected), "{input:?}");
    }
    let many = format!(
        "text\n\n{}",
        "\u{2014} name AAAAAAE=\n".repeat(MAX_SIGNATURES)
    );
    assert_eq!(Note::parse(&many).unwrap().signatures.len(), MAX_SIGNATURES);
    let too_many = format!("{many}\u{2014} name AAAAAAE=\n");
    assert_eq!(
        Note::parse(&too_many),
        Err(NoteError::TooManySignatures(MAX_SIGNATURES))
    );
    let huge = format!("{}\n\n\u{2014} name AAAAAAE=\n", "a".repeat(MAX_NOTE_SIZE));
    assert!(matches!(
        Note::parse(&huge),
        Err(NoteError::TooLarge { .. })
    ));
}

#[test]
fn text_may_contain_blank_lines() {
    let me = key(3);
    let text = "a\n\nb\n\n";
    let note = Note {
        text: text.to_owned(),
        signatures: vec![sign(text, "me", &me).unwrap()],
    };
    let parsed = Note::parse(&note.render()).unwrap();
    assert_eq!(parsed, note);
    verify(&parsed, "me", &me.verifying_key()).unwrap();
}

#[test]
fn sign_rejects_bad_input() {
    let me = key(1);
    assert_eq!(
        sign("no newline", "me", &me),
        Err(NoteError::TextNotTerminated)
    );
    assert_eq!(sign("", "me", &me), Err(NoteError::TextNotTerminated));
    assert_eq!(sign("a\tb\n", "me", &me), Err(NoteError::ControlCharacter));
    for name in ["", "a b", "a+b", "a\u{a0}b", "a\u{1}b"] {
        assert_eq!(
            sign("ok\n", name, &me),
            Err(NoteError::InvalidKeyName(name.to_owned()))
        );
    }
}
