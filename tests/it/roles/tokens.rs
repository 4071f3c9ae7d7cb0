//! Token secrecy: lists of tokens never show a secret or its hash.

use super::*;

#[tokio::test]
async fn the_token_list_never_contains_secrets_or_hashes() {
    let w = World::new().await;
    let s = &w.seed;
    let path = format!("/api/v1/producers/{}/tokens", s.producer);
    let created = as_token(
        &w.app,
        Method::POST,
        &path,
        &s.admin,
        Some(&json!({"label": "workspace laptop"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let secret = created.json["token"]
        .as_str()
        .expect("the token, shown once")
        .to_owned();
    // The new token works.
    let mine = as_token(&w.app, Method::GET, "/api/v1/lots", &secret, None).await;
    assert_eq!(mine.status, StatusCode::OK);

    let secrets = [secret.as_str(), s.producer_token.as_str()];
    let hashes: Vec<String> = secrets
        .iter()
        .map(|t| {
            use sha2::Digest;
            data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(t.as_bytes()))
        })
        .collect();
    let auditor = w.app.token(Role::Auditor, None).await;
    for reader in [&s.admin, &auditor, &s.producer_token] {
        let list = as_token(&w.app, Method::GET, &path, reader, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.json);
        let tokens = list.json.as_array().expect("a list");
        assert!(tokens.len() >= 2, "{tokens:?}");
        assert!(
            tokens.iter().any(|t| t["label"] == "workspace laptop"),
            "{tokens:?}"
        );
        for t in tokens {
            for key in t.as_object().expect("an object").keys() {
                assert!(
                    ["id", "role", "producer_id", "label", "created_at"].contains(&key.as_str()),
                    "unexpected field {key:?} in {t}"
                );
                assert!(
                    !key.contains("hash") && !key.contains("secret") && key != "token",
                    "{t}"
                );
            }
        }
        let text = list.json.to_string();
        for needle in secrets
            .iter()
            .copied()
            .chain(hashes.iter().map(String::as_str))
        {
            assert!(
                !text.contains(needle),
                "the token list leaks a secret or its hash: {text}"
            );
        }
        assert!(
            !text.contains("org_"),
            "the token list carries a token: {text}"
        );
    }
}
