//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), off
//! the async threads and bounded: at most one hash per core runs at once, so a burst of
//! logins queues instead of taking 19 MiB each (60 at once took a server to 1.3 GB).
//!
//! The hashes run on threads of their own, one per permit, rather than on tokio's blocking
//! pool: the allocator keeps a freed 19 MiB block in the arena of the thread that used it,
//! so hashes spread over the pool's many threads still held a block each (350 MiB for 60
//! logins on two cores), while a few dedicated threads reuse theirs.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

/// How long a request waits for a free hasher before it is answered 503.
const WAIT: Duration = Duration::from_secs(5);

/// Why a password was not hashed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// Every hasher stayed busy for longer than a request waits.
    #[error("every password hasher is busy; try again shortly")]
    Busy,
    /// argon2 failed, or a hasher stopped or panicked; the cause, as text.
    #[error("password hashing: {0}")]
    Failed(String),
}

/// Work handed to a hashing thread.
type Job = Box<dyn FnOnce() + Send>;

/// Limits how many password hashes run at once; a hash waits its turn, up to a timeout.
#[derive(Debug)]
pub struct HashGate {
    permits: Semaphore,
    wait: Duration,
    jobs: Sender<Job>,
}

impl HashGate {
    /// At most `permits` hashes at once, on as many threads; a hash waits at most `wait`
    /// for its turn.
    pub fn new(permits: usize, wait: Duration) -> Self {
        let permits = permits.max(1);
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..permits {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || hasher(&queue))
                .expect("a thread for password hashing");
        }
        Self {
            permits: Semaphore::new(permits),
            wait,
            jobs,
        }
    }

    /// The process's gate: one hash per core.
    pub fn global() -> &'static Self {
        static GATE: OnceLock<HashGate> = OnceLock::new();
        GATE.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            Self::new(cores, WAIT)
        })
    }

    /// Hashes currently allowed to start without waiting.
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// Runs `work` on a hashing thread once a hasher is free.
    ///
    /// # Errors
    /// [`HashError::Busy`] when none is free within the wait; a panicking `work`.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        // The permit is taken before the 19 MiB are, and held until the hash is done.
        let _permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|e| HashError::Failed(e.to_string()))?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| HashError::Failed("hashers stopped".into()))?;
        answer
            .await
            .map_err(|_| HashError::Failed("the hash panicked".into()))
    }

    /// Hashes a password into a PHC string.
    ///
    /// # Errors
    /// Busy hashers, or argon2 failing.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_owned();
        self.run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| HashError::Failed(e.to_string()))
        })
        .await?
    }

    /// True if `password` matches the PHC string `stored`.
    ///
    /// # Errors
    /// Busy hashers.
    pub async fn matches(&self, password: &str, stored: &str) -> Result<bool, HashError> {
        let (password, stored) = (password.to_owned(), stored.to_owned());
        self.run(move || {
            PasswordHash::new(&stored).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
    }
}

/// A hashing thread: runs jobs one at a time until the gate is dropped.
fn hasher(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Err(_) => return,
        };
        // A panicking job drops its reply (the caller sees a failure); the thread stays.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let gate = HashGate::global();
        let h = gate.hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(gate.matches("correct horse battery", &h).await.unwrap());
        assert!(!gate.matches("correct horse batterz", &h).await.unwrap());
        assert!(!gate.matches("anything", "not a phc string").await.unwrap());
    }

    #[tokio::test]
    async fn a_hash_waits_for_a_free_hasher_and_gives_up_busy() {
        let gate = HashGate::new(1, Duration::from_millis(50));
        let held = gate.permits.acquire().await.unwrap();
        assert_eq!(
            gate.hash("correct horse battery").await,
            Err(HashError::Busy)
        );
        drop(held);
        assert!(gate.hash("correct horse battery").await.is_ok());
        assert_eq!(
            gate.available(),
            1,
            "the permit is back once the hash is done"
        );
    }
}
