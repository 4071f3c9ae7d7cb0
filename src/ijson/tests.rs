use super::*;

fn refused(text: &str) -> StrictError {
    check(text.as_bytes()).expect_err(text)
}

#[test]
fn plain_documents_pass() {
    for text in [
        r#"{"a":1,"b":[1,2,{"a":2}],"c":{"a":3}}"#,
        r#"[{"x":1},{"x":2}]"#,
        r#""caf\u00e9 \ud83d\ude00""#,
        "9007199254740991",
        "-9007199254740991",
        "1.5e300",
        "null",
    ] {
        check(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn a_repeated_member_is_refused_at_any_depth_and_named() {
    let e = refused(r#"{"a":1,"a":2}"#);
    assert_eq!(e.path, "a");
    assert_eq!(e.fault, Fault::NotIJson);
    let e = refused(r#"{"certificate":{"producer":{"id":"x"},"lot":1,"producer":{"id":"y"}}}"#);
    assert_eq!(e.path, "certificate.producer");
    assert!(e.message.contains("\"producer\" appears twice"), "{e}");
    let e = refused(r#"{"items":[{"ok":1},{"k":1,"k":1}]}"#);
    assert_eq!(e.path, "items[1].k");
    // Names equal once decoded are the same name.
    let e = refused(r#"{"name":1,"n\u0061me":2}"#);
    assert_eq!(e.path, "name");
}

#[test]
fn a_lone_surrogate_is_refused() {
    for text in [
        r#"{"name":"\ud800"}"#,
        r#"{"name":"\udc00x"}"#,
        r#"{"name":"\ud800\u0041"}"#,
        r#"{"\ud800":1}"#,
    ] {
        let e = refused(text);
        assert_eq!(e.fault, Fault::Syntax, "{text}: {e}");
        assert!(
            e.message.contains("surrogate") || e.message.contains("escape"),
            "{text}: {e}"
        );
    }
    assert_eq!(refused(r#"{"a":{"name":"\ud800"}}"#).path, "a.name");
}

#[test]
fn an_integer_no_reader_holds_exactly_is_refused() {
    for text in [
        "9007199254740992",
        "-9007199254740993",
        r#"{"n":18446744073709551615}"#,
    ] {
        let e = refused(text);
        assert!(e.message.contains("2^53"), "{text}: {e}");
    }
}

#[test]
fn anything_after_the_value_or_broken_bytes_is_refused() {
    for bytes in [
        &b"{} {}"[..],
        b"{\"a\":1",
        b"\xEF\xBB\xBF{}",
        b"{\"a\":\"\xff\"}",
        b"",
    ] {
        let e = check(bytes).expect_err("refused");
        assert_eq!(e.fault, Fault::Syntax, "{e}");
    }
}

#[test]
fn from_slice_checks_before_it_deserialises() {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[allow(dead_code)]
        certificate: serde_json::Value,
    }
    let e = from_slice::<Doc>(br#"{"certificate":{"a":1,"a":1}}"#)
        .err()
        .expect("refused");
    assert_eq!(e.path, "certificate.a");
    let e = from_slice::<Doc>(br#"{"certificat":{}}"#)
        .err()
        .expect("refused");
    assert_eq!(e.fault, Fault::Shape);
    assert!(from_slice::<Doc>(br#"{"certificate":{"a":1}}"#).is_ok());
}
