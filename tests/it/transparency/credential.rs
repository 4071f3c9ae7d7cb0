//! The W3C verifiable credential: its eddsa-jcs-2022 proof, checked here and by Python.

use super::*;

#[tokio::test]
async fn the_credential_is_a_vc_with_an_eddsa_jcs_2022_proof() {
    let (app, _, issued) = app_with(1).await;
    let id = issued[0]["bundle"]["certificate"]["id"].as_str().unwrap();
    let (status, headers, body) = app
        .raw(
            Request::get(format!("/api/v1/certificates/{id}/vc"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/vc");
    let vc: Value = serde_json::from_slice(&body).unwrap();
    origine::crypto::vc::verify_proof(&vc).unwrap();
    assert_eq!(vc["type"][0], "VerifiableCredential");
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-jcs-2022");
    let assessment = &vc["credentialSubject"]["assessment"][0];
    assert_eq!(assessment["declaredValue"][0]["metricValue"]["value"], 6);
    assert_eq!(assessment["conformance"], true);
    let mut changed = vc.clone();
    changed["credentialSubject"]["assessment"][0]["declaredValue"][0]["metricValue"]["value"] =
        60.into();
    assert!(origine::crypto::vc::verify_proof(&changed).is_err());
}

#[tokio::test]
#[cfg_attr(
    not(origine_py),
    ignore = "needs python3 with cryptography and rfc8785"
)]
async fn python_verifies_the_credential_independently() {
    let (app, _, issued) = app_with(1).await;
    let id = issued[0]["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, vc) = app.get(&format!("/api/v1/certificates/{id}/vc")).await;
    let path = app.dir.path().join("vc.json");
    let run = |v: &Value| {
        std::fs::write(&path, v.to_string()).unwrap();
        Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/python/verify_vc.py"))
            .arg(&path)
            .output()
            .unwrap()
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
