//! Proofs and tiles: every inclusion and consistency proof served verifies, impossible
//! ranges are problems, tiles serve the stored tree.

use super::*;

#[tokio::test]
async fn every_inclusion_and_consistency_proof_served_verifies() {
    let (app, _, _) = app_with(13).await;
    for size in 1..=13u64 {
        let root = tlog::root(&app.state.store, size).await.unwrap();
        for index in 0..size {
            let (status, p) = app
                .get(&format!(
                    "/api/v1/log/proof/inclusion?index={index}&tree_size={size}"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{p}");
            assert_eq!(hash(&p["root"]), root);
            merkle::verify_inclusion(
                index,
                size,
                &hash(&p["leaf_hash"]),
                &hashes(&p["proof"]),
                &root,
            )
            .unwrap();
        }
        for first in 1..=size {
            let (status, p) = app
                .get(&format!(
                    "/api/v1/log/proof/consistency?first={first}&second={size}"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{p}");
            let first_root = tlog::root(&app.state.store, first).await.unwrap();
            merkle::verify_consistency(first, size, &first_root, &root, &hashes(&p["proof"]))
                .unwrap();
        }
    }
}

#[tokio::test]
async fn impossible_proof_ranges_are_400_problems_naming_the_parameter() {
    let (app, _, _) = app_with(3).await;
    for (query, field) in [
        ("inclusion?index=3&tree_size=3", "index"),
        ("inclusion?index=0&tree_size=4", "tree_size"),
        ("inclusion?index=0&tree_size=0", "tree_size"),
        ("inclusion?index=-1&tree_size=2", "index"),
        ("consistency?first=0&second=3", "first"),
        ("consistency?first=3&second=2", "first"),
        ("consistency?first=1&second=9", "second"),
        ("consistency?first=1", "second"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/log/proof/{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(crate::support::problem_fields(&body), [field], "{query}");
    }
}

#[tokio::test]
async fn tiles_serve_the_stored_tree_and_entries() {
    let (app, _, _) = app_with(3).await;
    let get = |path: String| {
        let app = &app;
        async move {
            app.raw(Request::get(path).body(Body::empty()).unwrap())
                .await
        }
    };
    let (status, headers, body) = get("/tile/0/000.p/3".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let entries = app.state.store.entries(0, 3).await.unwrap();
    let leaves: Vec<u8> = entries
        .iter()
        .flat_map(|e| merkle::leaf_hash(e.body.as_bytes()))
        .collect();
    assert_eq!(body.to_vec(), leaves);
    let (status, _, body) = get("/tile/entries/000.p/3".into()).await;
    assert_eq!(status, StatusCode::OK);
    let mut expected = Vec::new();
    for e in &entries {
        expected.extend_from_slice(&(e.body.len() as u16).to_be_bytes());
        expected.extend_from_slice(e.body.as_bytes());
    }
    assert_eq!(body.to_vec(), expected);
    assert_eq!(
        get("/tile/0/000".into()).await.0,
        StatusCode::NOT_FOUND,
        "a full tile needs 256 entries"
    );
    assert_eq!(get("/tile/0/000.p/4".into()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get("/tile/0/x1".into()).await.0, StatusCode::BAD_REQUEST);
}
