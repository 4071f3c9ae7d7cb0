//! SQLite's files on disk are the service's alone (mode 0600): they hold password and
//! session hashes, label secrets and API token hashes, which no other local user may read.

use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Owner read and write only.
const PRIVATE: u32 = 0o600;

/// Creates the database file `db` empty and private unless it exists, and takes group
/// and other permissions off it and its `-wal` and `-shm` files when they exist (from
/// before this rule). SQLite creates `-wal` and `-shm` with the database file's mode, so
/// they are private from the start.
///
/// # Errors
/// The file cannot be created or its permissions changed.
pub(super) fn make_private(db: &Path) -> io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE)
        .open(db)
    {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for path in [db.to_owned(), beside(db, "-wal"), beside(db, "-shm")] {
        match fs::metadata(&path) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                let mode = meta.permissions().mode() & 0o700;
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Creates the empty, private file a backup is written into (`VACUUM INTO` takes an
/// empty file and keeps its mode).
///
/// # Errors
/// The file exists or cannot be created.
pub(super) fn create_private(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE)
        .open(path)
        .map(drop)
}

/// `db` with `suffix` appended to its file name (SQLite's `-wal`, `-shm`).
pub(super) fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_file_is_private_and_an_old_one_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("origine.db");
        make_private(&db).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&db), 0o600);
        let wal = beside(&db, "-wal");
        fs::write(&wal, b"").unwrap();
        fs::set_permissions(&wal, fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&db).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
    }
}
