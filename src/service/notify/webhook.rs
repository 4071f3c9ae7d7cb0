//! Posting one message to a webhook, signed per Standard Webhooks, and what came of it.

use std::time::Duration;

use crate::crypto::webhook;
use crate::store::{Attempt, WebhookRecord};
use crate::time_fmt;

/// How long a receiver may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Posts `payload` as message `message_id` to `hook`, signed with `secret`; any 2xx is a
/// delivery. Redirects are not followed (a 3xx is a failed attempt). Never fails: what
/// went wrong is in the attempt, for the delivery log.
pub async fn attempt(
    hook: &WebhookRecord,
    secret: &str,
    message_id: &str,
    payload: String,
) -> Attempt {
    let at = time_fmt::now();
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let outcome = match webhook::sign(secret, message_id, timestamp, payload.as_bytes()) {
        Ok(signature) => {
            let (url, id) = (hook.url.clone(), message_id.to_owned());
            tokio::task::spawn_blocking(move || post(&url, &id, timestamp, &signature, payload))
                .await
                .unwrap_or_else(|e| Err(format!("sender stopped: {e}")))
        }
        Err(e) => Err(e.to_string()),
    };
    let (status_code, error) = match outcome {
        Ok(code) if (200..300).contains(&code) => (Some(i64::from(code)), None),
        Ok(code) => (Some(i64::from(code)), Some(format!("HTTP {code}"))),
        Err(e) => (None, Some(e)),
    };
    Attempt {
        notification_id: message_id.to_owned(),
        target: hook.id.clone(),
        at,
        delivered: error.is_none(),
        status_code,
        error,
    }
}

fn post(
    url: &str,
    id: &str,
    timestamp: i64,
    signature: &str,
    payload: String,
) -> Result<u16, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(TIMEOUT))
        .user_agent("Origine-Webhooks/1")
        .build()
        .into();
    let response = agent
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .send(payload)
        .map_err(|e| e.to_string())?;
    Ok(response.status().as_u16())
}
