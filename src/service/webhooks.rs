//! A buyer's webhooks: adding one (its secret shown once), listing, deleting, the delivery
//! log and a test send. Each takes the buyer's account id: another buyer's webhook is
//! "not found", never someone else's.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::watch::{WebhookRequest, parse_webhook_url};
use crate::domain::{ValidationErrors, ids};
use crate::store::{Attempt, Store, WebhookRecord};
use crate::time_fmt;

use super::buyers::BuyerError;
use super::notify::{WebhookKey, webhook};

/// Most webhooks one buyer may have.
pub const MAX_WEBHOOKS: usize = 10;

/// A new webhook and its secret, to be shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewWebhook {
    /// The webhook as listed.
    #[serde(flatten)]
    pub webhook: WebhookRecord,
    /// The Standard Webhooks secret (`whsec_…`) that signs every delivery: shown this once.
    pub secret: String,
}

/// Adds a webhook for the buyer.
///
/// # Errors
/// A URL that is not http(s) (field `url`), too many webhooks, storage failures.
pub async fn create_webhook(
    store: &Store,
    key: &WebhookKey,
    buyer_id: &str,
    request: WebhookRequest,
) -> Result<NewWebhook, BuyerError> {
    let url = parse_webhook_url(&request.url)?;
    if store.webhooks(buyer_id).await?.len() >= MAX_WEBHOOKS {
        return Err(
            ValidationErrors::one("url", format!("at most {MAX_WEBHOOKS} webhooks")).into(),
        );
    }
    let webhook = WebhookRecord {
        id: ids::short_id(),
        buyer_id: buyer_id.to_owned(),
        url,
        created_at: time_fmt::now(),
    };
    store.insert_webhook(&webhook).await?;
    let secret = key.secret(&webhook.id);
    Ok(NewWebhook { webhook, secret })
}

/// The buyer's webhook `id`.
///
/// # Errors
/// [`BuyerError::NotFound`] naming `id` when it is not this buyer's.
pub async fn webhook_of(
    store: &Store,
    buyer_id: &str,
    id: &str,
) -> Result<WebhookRecord, BuyerError> {
    store
        .webhook(buyer_id, id)
        .await?
        .ok_or_else(|| BuyerError::NotFound {
            field: "id",
            detail: format!("you have no webhook with id {id:?}"),
        })
}

/// Deletes the buyer's webhook `id` with what it still had to deliver.
///
/// # Errors
/// As [`webhook_of`].
pub async fn delete_webhook(store: &Store, buyer_id: &str, id: &str) -> Result<(), BuyerError> {
    if store.delete_webhook(buyer_id, id).await? {
        Ok(())
    } else {
        Err(webhook_of(store, buyer_id, id)
            .await
            .err()
            .unwrap_or(BuyerError::NotFound {
                field: "id",
                detail: format!("you have no webhook with id {id:?}"),
            }))
    }
}

/// The latest delivery attempts of the buyer's webhook `id`, newest first.
///
/// # Errors
/// As [`webhook_of`].
pub async fn deliveries(
    store: &Store,
    buyer_id: &str,
    id: &str,
) -> Result<Vec<Attempt>, BuyerError> {
    let webhook = webhook_of(store, buyer_id, id).await?;
    Ok(store.attempts(&webhook.id, 100).await?)
}

/// Sends a `webhook.test` event to the buyer's webhook `id` now, and logs the attempt.
///
/// # Errors
/// As [`webhook_of`].
pub async fn test_send(
    store: &Store,
    key: &WebhookKey,
    buyer_id: &str,
    id: &str,
) -> Result<Attempt, BuyerError> {
    let hook = webhook_of(store, buyer_id, id).await?;
    let message_id = format!("msg_{}", ids::short_id());
    let payload = serde_json::json!({
        "type": crate::domain::watch::EventType::Test,
        "timestamp": time_fmt::now(),
        "data": {"webhook": hook.id},
    })
    .to_string();
    let attempt = webhook::attempt(&hook, &key.secret(&hook.id), &message_id, payload).await;
    store.record_attempt(&attempt).await?;
    Ok(attempt)
}
