//! C2SP tlog-proof: `GET /api/v1/certificates/{id}/proof`, checked offline by
//! `origine verify BUNDLE --proof FILE --policy FILE` against the log's own `/log/policy`.

use super::*;

async fn text(app: &TestApp, path: &str) -> (StatusCode, String) {
    let (status, _, body) = app
        .raw(Request::get(path).body(Body::empty()).unwrap())
        .await;
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_certificate_proof_verifies_offline_and_fails_after_any_change() {
    let (app, _, issued) = app_with(6).await;
    let id = issued[4]["bundle"]["certificate"]["id"].as_str().unwrap();
    // Before a checkpoint covers it there is no proof yet (the scheduled checkpoint, every
    // 3 s, may have come first on a slow machine: then there is nothing to check here).
    let (status, _) = text(&app, &format!("/api/v1/certificates/{id}/proof")).await;
    let latest = app.state.store.latest_checkpoint().await.unwrap();
    if latest.is_none_or(|cp| cp.size <= 4) {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }
    tlog::publish_checkpoint(&app.state.store, &app.state.keys.current())
        .await
        .unwrap();
    let (status, proof) = text(&app, &format!("/api/v1/certificates/{id}/proof")).await;
    assert_eq!(status, StatusCode::OK, "{proof}");
    assert!(
        proof.starts_with("c2sp.org/tlog-proof@v1\nindex 4\n"),
        "{proof}"
    );
    let (status, policy) = text(&app, "/log/policy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(policy.ends_with("quorum none\n"), "{policy}");
    let (status, unknown) = text(&app, "/api/v1/certificates/nosuchcertificate00/proof").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");

    // The certificate page links the proof, so a buyer can keep it.
    let (status, page) = text(&app, &format!("/c/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/api/v1/certificates/{id}/proof\"")),
        "{page}"
    );

    let dir = app.dir.path();
    let (_, bundle) = app.get(&format!("/api/v1/certificates/{id}")).await;
    let (_, keys) = app.get("/.well-known/origine-keys.json").await;
    std::fs::write(dir.join("bundle.json"), bundle.to_string()).unwrap();
    std::fs::write(dir.join("keys.json"), keys.to_string()).unwrap();
    std::fs::write(dir.join("log.policy"), &policy).unwrap();
    let verify = |proof_text: &str| {
        std::fs::write(dir.join("c.tlog-proof"), proof_text).unwrap();
        let out = app
            .command()
            .arg("verify")
            .arg(dir.join("bundle.json"))
            .arg("--keys")
            .arg(dir.join("keys.json"))
            .arg("--proof")
            .arg(dir.join("c.tlog-proof"))
            .arg("--policy")
            .arg(dir.join("log.policy"))
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), said)
    };
    let (code, said) = verify(&proof);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("proved: entry 4 of a log of 6 entries"),
        "{said}"
    );

    // One changed byte in each part: index, a proof hash, the checkpoint, its signature.
    let index_at = proof.find("index 4").unwrap() + 6;
    let hash_at = proof.find("index 4\n").unwrap() + 10;
    let size_at = proof.find("\n6\n").unwrap() + 1;
    let signature_at = proof.rfind(' ').unwrap() + 5;
    for at in [index_at, hash_at, size_at, signature_at] {
        let mut bytes = proof.clone().into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        let (code, said) = verify(&changed);
        assert_ne!(code, Some(0), "byte {at} changed: {said}");
    }
    // Another certificate's proof does not prove this one.
    let other = issued[2]["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, other_proof) = text(&app, &format!("/api/v1/certificates/{other}/proof")).await;
    let (code, said) = verify(&other_proof);
    assert_eq!(code, Some(1), "{said}");
    // A policy that requires a witness nobody asked is not met.
    let witness = origine::service::witness::keygen(&dir.join("w.key"), "w.test/w").unwrap();
    std::fs::write(
        dir.join("log.policy"),
        policy.replace("quorum none\n", &format!("witness W {witness}\nquorum W\n")),
    )
    .unwrap();
    let (code, said) = verify(&proof);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("quorum"), "{said}");
}
