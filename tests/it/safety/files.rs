//! The SQLite database, its `-wal` and `-shm` files and backups are readable by their
//! owner only: they hold password, session and token hashes and label secrets.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::TestApp;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_database_its_wal_and_shm_files_and_backups_are_created_0600() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    app.issue(&seed.producer_token, "PAN-2026-11-A").await;
    let db = app.dir.path().join("data/origine.db");
    for suffix in ["", "-wal", "-shm"] {
        let path = Path::new(&format!("{}{suffix}", db.display())).to_owned();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }

    let backup = app.dir.path().join("backup.db");
    let out = app
        .command()
        .args(["backup", "--out"])
        .arg(&backup)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&backup), 0o600);
    assert!(
        std::fs::metadata(&backup).unwrap().len() > 0,
        "the backup holds the register"
    );
}

#[tokio::test]
async fn a_database_left_readable_by_others_is_made_private_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let url = format!("sqlite://{}", db.display());
    drop(origine::store::connect(&url).await.unwrap());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(origine::store::connect(&url).await.unwrap());
    assert_eq!(mode(&db), 0o600);
}
