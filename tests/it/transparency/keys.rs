//! Key rotation: old keys still verify their certificates, withdrawn keys do not.

use super::*;

fn origine(app: &TestApp) -> Command {
    app.command()
}

#[tokio::test]
async fn rotated_keys_still_verify_their_certificates_and_withdrawn_keys_do_not() {
    let (app, seed, issued) = app_with(1).await;
    let old_id = issued[0]["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let old_kid = issued[0]["bundle"]["kid"].as_str().unwrap().to_owned();

    let out = origine(&app)
        .args(["keys", "rotate", "--reason", "yearly rotation"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The trail names the rotation and who made it.
    let trail = app.state.store.admin_actions(1).await.unwrap();
    assert_eq!(
        (trail[0].actor.as_str(), trail[0].action.as_str()),
        ("cli", "rotate_key")
    );
    assert!(
        trail[0].detail.ends_with("yearly rotation"),
        "{:?}",
        trail[0]
    );
    // The running service picks the new key up before its next issuance.
    let new = app.issue(&seed.producer_token, "AFTER").await;
    let new_kid = new["bundle"]["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid);
    let (_, doc) = app.get("/.well-known/origine-keys.json").await;
    let old_key = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == old_kid.as_str())
        .unwrap();
    assert_eq!(old_key["status"], "retired");
    assert!(old_key["not_after"].is_string());
    let (_, report) = app.get(&format!("/api/v1/verify/{old_id}")).await;
    assert_eq!(report["status"], "valid", "{report}");

    // The rotation is a signed entry in the log.
    let entries = app
        .state
        .store
        .entries(0, app.state.store.log_size().await.unwrap())
        .await
        .unwrap();
    let key_entry = entries
        .iter()
        .find(|e| e.kind == EntryKind::Key)
        .expect("a key event in the log");
    let body: Value = serde_json::from_str(&key_entry.body).unwrap();
    assert_eq!(
        (body["event"].as_str(), body["previous"].as_str()),
        (Some("rotated"), Some(old_kid.as_str()))
    );

    let out = origine(&app)
        .args(["keys", "withdraw", &new_kid, "--reason", "x"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the active key cannot be withdrawn"
    );
    let out = origine(&app)
        .args(["keys", "withdraw", &old_kid, "--reason", "key leaked"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.state.keys.reload_if_changed();
    let (_, report) = app.get(&format!("/api/v1/verify/{old_id}")).await;
    assert_eq!(report["status"], "invalid");
    assert!(
        report["warnings"].to_string().contains("withdrawn"),
        "{report}"
    );
    let (_, report) = app
        .get(&format!(
            "/api/v1/verify/{}",
            new["bundle"]["certificate"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(report["checks"]["signature"], true);
}
