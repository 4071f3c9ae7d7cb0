//! Telling buyers about status changes: a background task turns each status entry of the
//! log into notifications for the buyers watching its subject (one per webhook, one by
//! e-mail when SMTP is set up), queued in the outbox in the same transaction that moves
//! the cursor past the entry, then delivers them with retries and exponential backoff.
//!
//! Nothing is lost: an entry is passed only once its notifications are stored, and a
//! notification stays until it is delivered or given up after [`MAX_ATTEMPTS`]. Nothing
//! is queued twice: one row per entry and destination. A receiver sees a message again
//! only if it took it but the answer never came back; the `webhook-id` stays the same
//! for that, as Standard Webhooks asks.

pub mod email;
pub mod key;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use crate::domain::watch::{Event, EventData, EventType};
use crate::domain::{Subject, ids};
use crate::store::{
    AfterAttempt, Attempt, EMAIL_TARGET, LogEntry, NewNotification, Notification, Store, StoreError,
};
use crate::time_fmt;

pub use email::Mailer;
pub use key::WebhookKey;

/// How often the outbox is looked at.
pub const TICK: Duration = Duration::from_millis(250);
/// Attempts before a notification is given up.
pub const MAX_ATTEMPTS: u64 = 15;
/// Status entries fanned out per round.
const BATCH: u32 = 200;
/// How long a sender holds a notification it took.
const HOLD_MS: i64 = 60_000;

/// The wait after `failed` failed attempts: 1 s, 2 s, 4 s … at most an hour.
pub fn backoff(failed: u64) -> Duration {
    let exponent = u32::try_from(failed.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(12);
    Duration::from_secs((1u64 << exponent).min(3600))
}

/// What the delivery task needs.
#[derive(Clone, Debug)]
pub struct Notifier {
    /// The outbox and what the events are made of.
    pub store: Arc<Store>,
    /// What webhook secrets are derived from.
    pub key: WebhookKey,
    /// Public address of the service, for the links in events.
    pub base_url: String,
    /// Present when `ORIGINE_SMTP_URL` is set.
    pub mailer: Option<Mailer>,
}

fn now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX)
}

impl Notifier {
    /// Runs the fan-out and the deliveries every [`TICK`], for as long as the process.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(TICK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = self.fan_out().await {
                    tracing::warn!(error = %e, "could not queue buyers' notifications");
                }
                if let Err(e) = self.deliver().await {
                    tracing::warn!(error = %e, "could not deliver buyers' notifications");
                }
            }
        })
    }

    /// Queues the notifications of the status entries past the cursor.
    ///
    /// # Errors
    /// Storage failures; the cursor has not moved past what was not queued.
    pub async fn fan_out(&self) -> Result<(), StoreError> {
        let from = self.store.notification_cursor().await?;
        let entries = self.store.status_entries_from(from, BATCH).await?;
        let Some(last) = entries.last() else {
            return Ok(());
        };
        let next = last.seq + 1;
        let mut queued = Vec::new();
        for entry in &entries {
            queued.extend(self.notifications_of(entry).await?);
        }
        self.store.queue_notifications(&queued, next).await
    }

    /// One notification per webhook (and e-mail) of each buyer watching the entry's subject.
    async fn notifications_of(&self, entry: &LogEntry) -> Result<Vec<NewNotification>, StoreError> {
        let Some((kind, subject)) = entry.status.and_then(EventType::of) else {
            return Ok(Vec::new());
        };
        let buyers = self.store.watchers(subject, &entry.subject).await?;
        if buyers.is_empty() {
            return Ok(Vec::new());
        }
        let payload = serde_json::to_string(&self.event(entry, kind, subject).await?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut out = Vec::new();
        for buyer in buyers {
            let mut targets: Vec<String> = self
                .store
                .webhooks(&buyer)
                .await?
                .into_iter()
                .map(|w| w.id)
                .collect();
            if self.mailer.is_some() {
                targets.push(EMAIL_TARGET.to_owned());
            }
            for target in targets {
                out.push(NewNotification {
                    id: format!("msg_{}", ids::random_id(16)),
                    buyer_id: buyer.clone(),
                    target,
                    seq: entry.seq,
                    event_type: kind.as_str().to_owned(),
                    payload: payload.clone(),
                    created_at: time_fmt::now(),
                    due_at: 0,
                });
            }
        }
        Ok(out)
    }

    /// The event a status entry is, with names a person recognises.
    async fn event(
        &self,
        entry: &LogEntry,
        kind: EventType,
        subject: Subject,
    ) -> Result<Event, StoreError> {
        let body: serde_json::Value = serde_json::from_str(&entry.body)
            .map_err(|e| StoreError::Corrupt(format!("log entry {}: {e}", entry.seq)))?;
        let text = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
        let (product, producer, url) = match subject {
            Subject::Certificate => {
                let (product, producer) =
                    super::buyers::certificate_names(&self.store, &entry.subject).await?;
                (
                    Some(product),
                    Some(producer),
                    format!("{}/c/{}", self.base_url, entry.subject),
                )
            }
            Subject::Producer => {
                let name = self.store.producer(&entry.subject).await?.map(|p| p.name);
                (
                    None,
                    name,
                    format!("{}/producers/{}", self.base_url, entry.subject),
                )
            }
        };
        Ok(Event {
            kind,
            timestamp: time_fmt::now(),
            data: EventData {
                subject,
                id: entry.subject.clone(),
                status: entry
                    .status
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                reason: text("reason"),
                effective_at: text("effective_at"),
                seq: entry.seq,
                product,
                producer,
                url,
            },
        })
    }

    /// Sends every notification that is due.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn deliver(&self) -> Result<(), StoreError> {
        let now = now_ms();
        let due = self
            .store
            .claim_notifications(now, now + HOLD_MS, 32)
            .await?;
        // Sent concurrently: a slow receiver does not hold up the others.
        let mut sends = tokio::task::JoinSet::new();
        for n in due {
            let me = self.clone();
            sends.spawn(async move { me.send(n).await });
        }
        let mut outcome = Ok(());
        while let Some(done) = sends.join_next().await {
            match done {
                Ok(Err(e)) => outcome = Err(e),
                Err(e) => tracing::error!(error = %e, "a notification sender panicked"),
                Ok(Ok(())) => {}
            }
        }
        outcome
    }

    async fn send(&self, n: Notification) -> Result<(), StoreError> {
        let attempt = if n.target == EMAIL_TARGET {
            self.send_email(&n).await?
        } else {
            match self.store.webhook(&n.buyer_id, &n.target).await? {
                Some(hook) => {
                    webhook::attempt(&hook, &self.key.secret(&hook.id), &n.id, n.payload.clone())
                        .await
                }
                // Deleted meanwhile: its notifications went with it.
                None => return Ok(()),
            }
        };
        let failed = n.attempts + 1;
        let after = if attempt.delivered {
            AfterAttempt::Delivered
        } else if failed >= MAX_ATTEMPTS {
            AfterAttempt::Abandon
        } else {
            let wait = i64::try_from(backoff(failed).as_millis()).unwrap_or(i64::MAX);
            AfterAttempt::Retry(now_ms().saturating_add(wait))
        };
        self.store.finish_attempt(&attempt, after).await
    }

    async fn send_email(&self, n: &Notification) -> Result<Attempt, StoreError> {
        let mut attempt = Attempt {
            notification_id: n.id.clone(),
            target: n.target.clone(),
            at: time_fmt::now(),
            status_code: None,
            error: None,
            delivered: false,
        };
        let outcome = match (&self.mailer, self.store.buyer_account(&n.buyer_id).await?) {
            (Some(mailer), Some(buyer)) => match serde_json::from_str::<Event>(&n.payload) {
                Ok(event) => mailer.send(&buyer.email, &n.id, &event).await,
                Err(e) => Err(format!("unreadable payload: {e}")),
            },
            (None, _) => Err("ORIGINE_SMTP_URL is not set in this process".to_owned()),
            (_, None) => Err("the buyer account is gone".to_owned()),
        };
        attempt.delivered = outcome.is_ok();
        attempt.error = outcome.err();
        Ok(attempt)
    }
}
