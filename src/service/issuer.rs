//! Issuance with group commit: one task per process takes every pending request, signs
//! them in log order and appends them in a single transaction.
//!
//! A request is answered only after its transaction has committed, so a 201 always
//! means "durable, signed and chained". Across processes the store's head lock keeps
//! the chain linear.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use crate::crypto::{KeyHandle, Keyring, jcs};
use crate::domain::EntryKind;
use crate::domain::certificate::{CertificateDraft, IssuerRef};
use crate::domain::key_event::KeyEvent;
use crate::domain::status::StatusChange;
use crate::store::{LogEntry, NewEntry, Rejection, Sealed, Store};

use super::directory::Directory;

/// Most requests committed in one transaction.
const MAX_BATCH: usize = 512;

/// What to sign once the entry's place in the log is known.
#[derive(Debug, Clone)]
pub enum Draft {
    /// A lot's certificate.
    Certificate(Box<CertificateDraft>),
    /// A certificate's or producer's status change.
    Status(StatusChange),
    /// A key rotation or withdrawal.
    Key(KeyEvent),
}

/// Why an issuance did not happen. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The entry breaks a rule checked inside the append; the rest of its batch went on.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The batch's transaction failed and was rolled back; the cause, as text.
    #[error("storage failed: {0}")]
    Store(String),
    /// The issuing task has stopped (shutdown, or it failed); nothing was taken.
    #[error("the issuer has stopped")]
    Closed,
}

struct Job {
    entry: NewEntry,
    draft: Draft,
    reply: oneshot::Sender<Result<LogEntry, IssueError>>,
}

/// Handle to the issuing task.
#[derive(Clone)]
pub struct Issuer {
    jobs: mpsc::Sender<Job>,
    directory: Arc<Directory>,
}

impl Issuer {
    /// Starts the issuing task on the current runtime.
    pub fn start(store: Arc<Store>, keys: Arc<KeyHandle>) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        let directory = Arc::new(Directory::default());
        tokio::spawn(run(rx, store, keys, directory.clone()));
        Self { jobs, directory }
    }

    /// Tokens, producers and institutes as this process recently read them; the issuer
    /// forgets a producer when it commits a status change about it.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// Logs a status change of a certificate or producer; returns it once committed.
    ///
    /// # Errors
    /// The store failed.
    pub async fn change_status(&self, change: StatusChange) -> Result<LogEntry, IssueError> {
        let entry = NewEntry::status(change.id.clone(), change.status);
        self.issue(entry, Draft::Status(change)).await
    }

    /// Signs, chains and stores one entry; returns it once committed.
    ///
    /// # Errors
    /// The entry was rejected (e.g. duplicate lot code) or the store failed.
    pub async fn issue(&self, entry: NewEntry, draft: Draft) -> Result<LogEntry, IssueError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                entry,
                draft,
                reply,
            })
            .await
            .map_err(|_| IssueError::Closed)?;
        answer.await.map_err(|_| IssueError::Closed)?
    }
}

async fn run(
    mut rx: mpsc::Receiver<Job>,
    store: Arc<Store>,
    handle: Arc<KeyHandle>,
    directory: Arc<Directory>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch: Vec<NewEntry> = jobs.iter().map(|j| j.entry.clone()).collect();
        let issued_at = crate::time_fmt::now();
        // Pick up a rotation made by another process before signing.
        handle.reload_if_changed();
        let keys = handle.current();
        let mut seal =
            |i: usize, seq: u64, prev: &str| seal(&keys, &jobs[i].draft, seq, prev, &issued_at);
        let result = store.append(batch, &mut seal).await;
        match result {
            Ok(outcomes) => {
                for entry in outcomes.iter().flatten() {
                    if entry.kind == EntryKind::ProducerStatus {
                        directory.forget_producer(&entry.subject);
                    }
                }
                for (job, outcome) in jobs.drain(..).zip(outcomes) {
                    let _ = job.reply.send(outcome.map_err(IssueError::from));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "issuance batch failed; nothing was committed");
                for job in jobs.drain(..) {
                    let _ = job.reply.send(Err(IssueError::Store(e.to_string())));
                }
            }
        }
    }
}

/// Builds the body for `seq`/`prev`, takes its JCS bytes, hashes and signs them.
fn seal(keys: &Keyring, draft: &Draft, seq: u64, prev: &str, now: &str) -> Result<Sealed, String> {
    let issuer = IssuerRef {
        name: keys.issuer.clone(),
        kid: keys.active().kid.clone(),
    };
    match draft {
        Draft::Certificate(d) => sign(keys, &d.seal(seq, prev, now, issuer)),
        Draft::Status(s) => sign(keys, &s.seal(seq, prev, now, issuer)),
        Draft::Key(k) => sign(keys, &k.seal(seq, prev, now, issuer)),
    }
}

fn sign<T: Serialize>(keys: &Keyring, body: &T) -> Result<Sealed, String> {
    let bytes = jcs::canonical(body).map_err(|e| e.to_string())?;
    let hash = jcs::sha256_hex(&bytes);
    let (kid, signature) = keys.sign(&bytes);
    let body = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    Ok(Sealed {
        body,
        hash,
        signature,
        kid,
    })
}
