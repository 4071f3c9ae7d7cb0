//! The audit catches a rewritten tree node or checkpoint.

use super::*;

#[tokio::test]
async fn audit_catches_a_rewritten_tree_node_or_checkpoint() {
    let (app, _, _) = app_with(6).await;
    let keys = app.state.keys.current();
    tlog::publish_checkpoint(&app.state.store, &keys)
        .await
        .unwrap();
    let clean = origine::service::audit::audit(&app.state.store, &keys)
        .await
        .unwrap();
    assert!(clean.is_clean(), "{:?}", clean.failures);
    // Every stored checkpoint (the service also signs one at start) was recomputed.
    let stored = app.state.store.checkpoints().await.unwrap().len() as u64;
    assert!(stored >= 1);
    assert_eq!(clean.checkpoints, stored);

    let pool = sqlx::SqlitePool::connect(&app.config.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 1")
        .execute(&pool)
        .await
        .unwrap();
    let report = origine::service::audit::audit(&app.state.store, &keys)
        .await
        .unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.kind == "tree" && f.subject == "node 1/1"),
        "{:?}",
        report.failures
    );
    sqlx::query("UPDATE checkpoints SET root = '00' WHERE size = 6")
        .execute(&pool)
        .await
        .unwrap();
    let report = origine::service::audit::audit(&app.state.store, &keys)
        .await
        .unwrap();
    assert!(
        report.failures.iter().any(|f| f.kind == "checkpoint"),
        "{:?}",
        report.failures
    );
}
