//! Key names, verifier and signer keys, and the one canonical base64 spelling.

use data_encoding::{BASE64, HEXLOWER};

use super::*;

#[test]
fn concatenated_padded_base64_is_refused() {
    // Two padded blocks (`Bw==` + ...) decode to the right bytes but are not their one
    // standard encoding: `BASE64.decode` alone accepts them.
    let split = |bytes: &[u8]| {
        format!(
            "{}{}",
            BASE64.encode(&bytes[..1]),
            BASE64.encode(&bytes[1..])
        )
    };
    let root = split(&[7; 32]);
    assert_eq!(BASE64.decode(root.as_bytes()).unwrap(), [7; 32]);
    assert_eq!(
        Checkpoint::parse(&format!("o\n1\n{root}\n")),
        Err(NoteError::InvalidRootHash(root.clone()))
    );
    let sig = sign("t\n", "me", &key(1)).unwrap();
    let bytes = [sig.key_id.as_slice(), &sig.payload].concat();
    let note = format!("t\n\n\u{2014} me {}\n", split(&bytes));
    assert_eq!(Note::parse(&note), Err(NoteError::InvalidBase64(1)));
    let public = key(1).verifying_key().to_bytes();
    let material = [&[ALG_ED25519][..], &public].concat();
    let id = HEXLOWER.encode(&ed25519_key_id("me", &public));
    assert_eq!(
        parse_vkey(&format!("me+{id}+{}", split(&material))),
        Err(NoteError::MalformedVkey("key is not valid standard base64"))
    );
}

#[test]
fn vkey_errors() {
    let public = key(6).verifying_key().to_bytes();
    let good = format_vkey("me", ALG_ED25519, &public);
    assert_eq!(
        parse_vkey(&good).unwrap(),
        (KeyName::parse("me").unwrap(), 1, public)
    );
    let upper = {
        let (name, rest) = good.split_once('+').unwrap();
        let (hex, key) = rest.split_once('+').unwrap();
        format!("{name}+{}+{key}", hex.to_uppercase())
    };
    assert!(parse_vkey(&upper).is_ok());

    let renamed = good.replacen("me+", "you+", 1);
    assert!(matches!(
        parse_vkey(&renamed),
        Err(NoteError::KeyIdMismatch { .. })
    ));
    let mut other_alg = vec![0x02];
    other_alg.extend_from_slice(&public);
    let hex = HEXLOWER.encode(&key_id("me", 0x02, &public));
    assert_eq!(
        parse_vkey(&format!("me+{hex}+{}", BASE64.encode(&other_alg))),
        Err(NoteError::UnsupportedAlgorithm(0x02))
    );
    for bad in [
        "",
        "me",
        "me+0102",
        "me+010203+AQ==",
        "me+0102030g+AQ==",
        "me+01020304+!!",
    ] {
        assert!(
            matches!(parse_vkey(bad), Err(NoteError::MalformedVkey(_))),
            "{bad:?}"
        );
    }
    assert!(matches!(
        parse_vkey(&format!("+{}", &good[3..])),
        Err(NoteError::InvalidKeyName(_))
    ));
    assert!(matches!(
        parse_skey(
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
        ),
        Err(NoteError::KeyIdMismatch { .. })
    ));
    assert!(matches!(
        parse_skey("PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
        Err(NoteError::MalformedSkey(_))
    ));
}

#[test]
fn key_names_follow_the_signed_note_rules() {
    for good in [
        "example.com/log",
        "PeterNeumann",
        "a",
        "witness.example/w1",
        "caff\u{e8}",
    ] {
        let name = KeyName::parse(good).unwrap();
        assert_eq!(name, good);
        assert_eq!(name.to_string(), good);
        assert_eq!(good.parse::<KeyName>(), Ok(name.clone()));
        assert_eq!(String::from(name), good);
    }
    // Empty, `+`, Unicode whitespace (ASCII and not) and control characters.
    for bad in [
        "",
        "a+b",
        "+",
        "a b",
        "a\tb",
        "a\nb",
        "a\u{a0}b",
        "a\u{2003}b",
        "a\u{3000}b",
        "a\u{1}b",
    ] {
        assert_eq!(
            KeyName::parse(bad),
            Err(NoteError::InvalidKeyName(bad.to_owned())),
            "{bad:?}"
        );
    }
}
