//! What a witness remembers: for each log origin, the latest checkpoint it cosigned.
//!
//! One file per origin in the state directory, named by the SHA-256 of the origin (an
//! origin may hold `/` and other characters a file name cannot), holding the log's signed
//! note as received. A file is replaced by writing a temporary file, syncing it, renaming
//! it over the old one and syncing the directory, so a crash leaves the old checkpoint or
//! the new one, never a mix. The directory is locked while a witness uses it: two witness
//! processes on one state could each check against the same old size and roll it back.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};

use crate::log::merkle::{EMPTY_ROOT, Hash};
use crate::log::note::{Checkpoint, Note};

/// The latest cosigned tree of one log; the empty tree before the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witnessed {
    /// Tree size.
    pub size: u64,
    /// Root hash at that size.
    pub root: Hash,
}

impl Witnessed {
    /// Size 0 and the empty tree's root: what a witness has seen of a log it never cosigned.
    pub const NOTHING: Self = Self {
        size: 0,
        root: EMPTY_ROOT,
    };
}

/// A state directory, locked for as long as this value lives.
#[derive(Debug)]
pub struct StateDir {
    dir: PathBuf,
    _lock: File,
}

impl StateDir {
    /// Opens (creating it, mode 0700) and locks `dir`.
    ///
    /// # Errors
    /// The directory cannot be created or is locked by another witness process.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        if dir.is_file() {
            bail!(
                "{} is a file; --state names a directory (one file per witnessed log)",
                dir.display()
            );
        }
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(dir.join("lock"))
            .with_context(|| format!("opening {}", dir.join("lock").display()))?;
        lock.try_lock().map_err(|_| {
            anyhow!(
                "{} is in use by another witness process; one witness per state directory",
                dir.display()
            )
        })?;
        Ok(Self {
            dir: dir.to_owned(),
            _lock: lock,
        })
    }

    fn file(&self, origin: &str) -> PathBuf {
        let name = HEXLOWER.encode(&Sha256::digest(origin.as_bytes()));
        self.dir.join(format!("{name}.checkpoint"))
    }

    /// The latest checkpoint cosigned for `origin`, or [`Witnessed::NOTHING`].
    ///
    /// # Errors
    /// The file cannot be read, or does not hold a checkpoint of `origin`.
    pub fn get(&self, origin: &str) -> anyhow::Result<Witnessed> {
        let path = self.file(origin);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Witnessed::NOTHING),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let note = Note::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let cp = Checkpoint::parse(&note.text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        if cp.origin != origin {
            bail!("{} holds a checkpoint of {:?}", path.display(), cp.origin);
        }
        Ok(Witnessed {
            size: cp.size,
            root: cp.root,
        })
    }

    /// Replaces the latest checkpoint of `origin` with `signed_note`, durably.
    ///
    /// # Errors
    /// Any write, sync or rename failure (the old checkpoint then stays).
    pub fn put(&self, origin: &str, signed_note: &str) -> anyhow::Result<()> {
        let path = self.file(origin);
        let tmp = path.with_extension("tmp");
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("writing {}", tmp.display()))?;
        file.write_all(signed_note.as_bytes())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &path).with_context(|| format!("replacing {}", path.display()))?;
        File::open(&self.dir)?.sync_all()?;
        Ok(())
    }
}
