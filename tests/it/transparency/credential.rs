//! The certificate as a UNTP DCC 0.6.1 credential: its shape, its eddsa-jcs-2022 proof and
//! its VC-JOSE form, each checked with the key taken from `/.well-known/did.json`, here and
//! by code we did not write (Python `cryptography` + `rfc8785`, PyJWT, `jsonschema`).

use super::*;
use origine::crypto::vc::{self, did_web};

/// The UNTP DCC 0.6.1 reference data, read where it is (GPL-3.0: never copied in).
const UNTP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/untp-dcc-0.6.1"
);

fn python(script: &str, args: &[&std::path::Path]) -> std::process::Output {
    Command::new("python3")
        .arg(format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .output()
        .unwrap()
}

fn write(app: &TestApp, name: &str, text: &str) -> std::path::PathBuf {
    let path = app.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

async fn vc_of(app: &TestApp, id: &str, accept: Option<&str>) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::get(format!("/api/v1/certificates/{id}/vc"));
    if let Some(accept) = accept {
        req = req.header("accept", accept);
    }
    let (status, headers, body) = app.raw(req.body(Body::empty()).unwrap()).await;
    let content_type = headers["content-type"].to_str().unwrap().to_owned();
    (status, content_type, body.to_vec())
}

async fn did_document(app: &TestApp) -> Value {
    let (status, doc) = app.get("/.well-known/did.json").await;
    assert_eq!(status, StatusCode::OK);
    doc
}

fn id_of(issued: &Value) -> &str {
    issued["bundle"]["certificate"]["id"].as_str().unwrap()
}

#[tokio::test]
async fn the_credential_is_a_dcc_0_6_1_from_did_web_verified_with_the_did_document_key() {
    let (app, _, issued) = app_with(1).await;
    let (status, content_type, body) = vc_of(&app, id_of(&issued[0]), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/vc");
    let vc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        vc["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/",
            "http://origine.test/contexts/origine/v1.jsonld"
        ])
    );
    assert_eq!(vc["issuer"]["id"], "did:web:origine.test");
    let subject = &vc["credentialSubject"];
    assert_eq!(subject["assessmentLevel"], "Accredited");
    assert_eq!(subject["issuedToParty"]["registeredId"], "00743110157");
    let assessment = &subject["assessment"][0];
    assert_eq!(assessment["conformityTopic"], "social.labour");
    assert_eq!(
        assessment["declaredValue"][0]["metricValue"],
        json!({"value": 6, "unit": "IE"})
    );
    assert_eq!(assessment["declaredValue"][2]["metricValue"]["unit"], "HUR");
    let product = &assessment["assessedProduct"][0]["product"];
    assert_eq!(
        product["id"],
        "http://origine.test/01/08012345678907/10/L-0"
    );
    assert_eq!(product["registeredId"], "08012345678907");
    let purposes: Vec<&Value> = vc["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["statusPurpose"])
        .collect();
    assert_eq!(purposes, ["revocation", "suspension"]);
    assert_eq!(vc["renderMethod"][0]["url"], subject["id"]);

    let doc = did_document(&app).await;
    let resolve = |m: &str| did_web::assertion_key(&doc, m);
    vc::verify_proof_with(&vc, resolve).unwrap();
    assert!(
        vc["proof"]["verificationMethod"]
            .as_str()
            .unwrap()
            .starts_with("did:web:origine.test#")
    );
    let mut changed = vc.clone();
    changed["credentialSubject"]["assessment"][0]["declaredValue"][0]["metricValue"]["value"] =
        60.into();
    assert!(vc::verify_proof_with(&changed, resolve).is_err());
}

#[tokio::test]
async fn an_unknown_certificate_has_no_credential() {
    let (app, _, _) = app_with(0).await;
    for accept in [None, Some("application/vc+jwt")] {
        let (status, content_type, _) = vc_of(&app, "nosuchcertificate", accept).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(content_type, "application/problem+json");
    }
}

#[tokio::test]
async fn the_origine_context_defines_its_terms_without_vocab() {
    let (app, _, issued) = app_with(1).await;
    let (status, context) = app.get("/contexts/origine/v1.jsonld").await;
    assert_eq!(status, StatusCode::OK);
    let terms = context["@context"].as_object().unwrap();
    assert!(!context.to_string().contains("@vocab"));
    assert_eq!(terms["@protected"], true);
    let (_, _, body) = vc_of(&app, id_of(&issued[0]), None).await;
    let vc: Value = serde_json::from_slice(&body).unwrap();
    let assessment = &vc["credentialSubject"]["assessment"][0];
    for term in ["employmentType", "productionStart", "productionEnd"] {
        assert!(
            assessment.get(term).is_some() && terms.contains_key(term),
            "{term}"
        );
    }
    for evidence in vc["evidence"].as_array().unwrap() {
        assert!(terms.contains_key(evidence["type"][0].as_str().unwrap()));
    }
}

#[tokio::test]
#[cfg_attr(
    not(origine_py),
    ignore = "needs python3 with cryptography and rfc8785"
)]
async fn python_verifies_the_proof_with_the_key_from_did_json() {
    let (app, _, issued) = app_with(1).await;
    let (_, _, body) = vc_of(&app, id_of(&issued[0]), None).await;
    let vc: Value = serde_json::from_slice(&body).unwrap();
    let did = write(&app, "did.json", &did_document(&app).await.to_string());
    let run = |v: &Value| {
        python(
            "verify_vc.py",
            &[&write(&app, "vc.json", &v.to_string()), &did],
        )
    };
    let out = run(&vc);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut changed = vc.clone();
    changed["validFrom"] = "2020-01-01T00:00:00Z".into();
    assert!(!run(&changed).status.success());
}

#[tokio::test]
#[cfg_attr(
    not(origine_py_jose),
    ignore = "needs python3 with PyJWT and cryptography"
)]
async fn a_jose_library_verifies_the_vc_jwt_with_the_key_from_did_json() {
    let (app, _, issued) = app_with(1).await;
    let id = id_of(&issued[0]);
    let (status, content_type, jws) = vc_of(&app, id, Some("application/vc+jwt")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/vc+jwt");
    let jws = String::from_utf8(jws).unwrap();
    let did = write(&app, "did.json", &did_document(&app).await.to_string());
    let out = python("verify_vc_jwt.py", &[&write(&app, "vc.jwt", &jws), &did]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The payload is the JSON-LD credential without its embedded proof.
    let payload: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, _, body) = vc_of(&app, id, None).await;
    let mut json_ld: Value = serde_json::from_slice(&body).unwrap();
    json_ld.as_object_mut().unwrap().remove("proof");
    assert_eq!(payload, json_ld);
    // One character of the payload changed.
    let at = jws.find('.').unwrap() + 10;
    let mut tampered = jws.clone();
    let swap = if &jws[at..=at] == "A" { "B" } else { "A" };
    tampered.replace_range(at..=at, swap);
    assert!(
        !python(
            "verify_vc_jwt.py",
            &[&write(&app, "bad.jwt", &tampered), &did]
        )
        .status
        .success()
    );
}

#[tokio::test]
#[cfg_attr(
    not(all(origine_py_jsonschema, origine_untp)),
    ignore = "needs python3 with jsonschema and ../shared/vectors/untp-dcc-0.6.1"
)]
async fn every_issued_credential_validates_against_the_dcc_0_6_1_schema() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let mut bare = lot("BARE-1");
    bare["product"].as_object_mut().unwrap().remove("gtin");
    bare["claims"].as_object_mut().unwrap().remove("statement");
    bare["claims"].as_object_mut().unwrap().remove("evidence");
    bare["unit"] = "kg".into();
    let (status, _) = app.post("/api/v1/lots", &seed.producer_token, bare).await;
    assert_eq!(status, StatusCode::CREATED);
    let full = app.issue(&seed.producer_token, "FULL-1").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/certificates/{}/status", id_of(&full)),
            &seed.admin,
            json!({"status": "revoked", "reason": "test"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let mut paths = Vec::new();
    for (i, lot) in app.state.store.lots(None).await.unwrap().iter().enumerate() {
        let (_, _, body) = vc_of(&app, &lot.certificate_id, None).await;
        paths.push(write(
            &app,
            &format!("vc-{i}.json"),
            std::str::from_utf8(&body).unwrap(),
        ));
    }
    assert_eq!(paths.len(), 2);
    let schema = std::path::PathBuf::from(format!("{UNTP}/untp-dcc-schema.json"));
    let mut args = vec![schema.as_path()];
    args.extend(paths.iter().map(|p| p.as_path()));
    let out = python("validate_dcc.py", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator does refuse: a credential without its assessment level is invalid.
    let mut broken: Value = serde_json::from_slice(&std::fs::read(&paths[0]).unwrap()).unwrap();
    broken["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("assessmentLevel");
    let broken = write(&app, "broken.json", &broken.to_string());
    assert!(
        !python("validate_dcc.py", &[&schema, &broken])
            .status
            .success()
    );
}

#[tokio::test]
async fn a_retired_key_stays_in_did_json_and_a_withdrawn_one_leaves_with_its_credentials() {
    let (app, _, issued) = app_with(1).await;
    let old_kid = issued[0]["bundle"]["kid"].as_str().unwrap().to_owned();
    let (_, _, body) = vc_of(&app, id_of(&issued[0]), None).await;
    let signed_by_old: Value = serde_json::from_slice(&body).unwrap();
    let method = format!("did:web:origine.test#{old_kid}");
    let run = |args: &[&str]| {
        let out = app.command().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["keys", "rotate", "--reason", "yearly rotation"]);
    app.state.keys.reload_if_changed();
    let doc = did_document(&app).await;
    assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2);
    vc::verify_proof_with(&signed_by_old, |m| did_web::assertion_key(&doc, m)).unwrap();

    run(&["keys", "withdraw", &old_kid, "--reason", "key leaked"]);
    app.state.keys.reload_if_changed();
    let doc = did_document(&app).await;
    assert!(!doc.to_string().contains(&method), "{doc}");
    assert!(vc::verify_proof_with(&signed_by_old, |m| did_web::assertion_key(&doc, m)).is_err());
    // What is served now is signed by the new key, which the document lists.
    let (_, _, body) = vc_of(&app, id_of(&issued[0]), None).await;
    let fresh: Value = serde_json::from_slice(&body).unwrap();
    vc::verify_proof_with(&fresh, |m| did_web::assertion_key(&doc, m)).unwrap();
}
