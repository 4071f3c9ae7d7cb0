//! What a buyer follows and where it is told: a watch list of certificates and producers,
//! webhook addresses, and the events a status change becomes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::entry::EntryStatus;
use super::status::{CertificateStatus, ProducerStatus, Subject};
use super::validation::Checker;
use super::{ValidationErrors, ids};

use super::words::words;

/// Most certificates, and most producers, one watch list may hold.
pub const MAX_WATCHED: usize = 1000;
/// Longest webhook URL accepted.
pub const MAX_URL: usize = 2000;

/// `PUT /api/v1/watchlist` body: the whole list, replacing the one before.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchListRequest {
    /// Certificate ids (at most 1000).
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Producer ids (at most 1000).
    #[serde(default)]
    pub producers: Vec<String>,
}

/// A watch list whose ids are well formed and each listed once, in the order given; each
/// id with the field it came from (`certificates[2]`), to name it if it does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchList(pub Vec<(Subject, String, String)>);

impl WatchList {
    /// Checks the ids' shape and the list's size; duplicates are kept once. Whether each id
    /// exists is the service's question.
    ///
    /// # Errors
    /// Every bad id, named by its place (`certificates[2]`), or a list too long.
    pub fn parse(request: WatchListRequest) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let mut items = Vec::new();
        for (subject, field, ids) in [
            (Subject::Certificate, "certificates", request.certificates),
            (Subject::Producer, "producers", request.producers),
        ] {
            if ids.len() > MAX_WATCHED {
                c.add(field, format!("at most {MAX_WATCHED} ids"));
                continue;
            }
            for (i, id) in ids.into_iter().enumerate() {
                let id = id.trim().to_ascii_lowercase();
                if !ids::is_valid_id(&id) {
                    c.add(format!("{field}[{i}]"), "is not an id");
                } else if !items.iter().any(|(s, x, _)| *s == subject && *x == id) {
                    items.push((subject, id, format!("{field}[{i}]")));
                }
            }
        }
        c.finish(Self(items))
    }
}

/// A webhook address: `http` or `https`, with a host, no user name or password (the list
/// of webhooks would show them) and no fragment.
///
/// # Errors
/// The field `url`, named, with what is wrong.
pub fn parse_webhook_url(url: &str) -> Result<String, ValidationErrors> {
    let bad = |why: &str| ValidationErrors::one("url", why);
    let url = url.trim();
    if url.len() > MAX_URL {
        return Err(bad(&format!("must be at most {MAX_URL} characters")));
    }
    let parsed = url::Url::parse(url).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("must be an http or https URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("must name a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("must not hold a user name or password"));
    }
    if parsed.fragment().is_some() {
        return Err(bad("must not have a #fragment"));
    }
    Ok(parsed.to_string())
}

/// `POST /api/v1/webhooks` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where events are posted: an `http` or `https` URL.
    pub url: String,
}

words! {
    /// What happened, as a webhook's `type` names it.
    pub enum EventType {
        /// A certificate was suspended.
        CertificateSuspended = "certificate.suspended",
        /// A certificate was revoked.
        CertificateRevoked = "certificate.revoked",
        /// A certificate's suspension was lifted.
        CertificateReinstated = "certificate.reinstated",
        /// A producer was suspended.
        ProducerSuspended = "producer.suspended",
        /// A producer was revoked.
        ProducerRevoked = "producer.revoked",
        /// A producer's suspension was lifted.
        ProducerReinstated = "producer.reinstated",
        /// A test sent from `POST /api/v1/webhooks/{id}/test`.
        Test = "webhook.test",
    }
}

impl EventType {
    /// The event a status entry is, with the subject it is about; key events are none.
    pub fn of(status: EntryStatus) -> Option<(Self, Subject)> {
        Some(match status {
            EntryStatus::Certificate(s) => (
                match s {
                    CertificateStatus::Valid => Self::CertificateReinstated,
                    CertificateStatus::Suspended => Self::CertificateSuspended,
                    CertificateStatus::Revoked => Self::CertificateRevoked,
                },
                Subject::Certificate,
            ),
            EntryStatus::Producer(s) => (
                match s {
                    ProducerStatus::Accredited => Self::ProducerReinstated,
                    ProducerStatus::Suspended => Self::ProducerSuspended,
                    ProducerStatus::Revoked => Self::ProducerRevoked,
                },
                Subject::Producer,
            ),
            EntryStatus::Key(_) => return None,
        })
    }
}

/// The `data` of an event: the status entry it comes from, and what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventData {
    /// `certificate` or `producer`.
    pub subject: Subject,
    /// The certificate's or producer's id.
    pub id: String,
    /// The status it now has.
    pub status: String,
    /// Why, as the certification authority wrote it.
    pub reason: String,
    /// When the change took effect (RFC 3339).
    pub effective_at: String,
    /// The status entry's index in the log.
    pub seq: u64,
    /// The product's name (certificates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The producer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// The public verification report of the certificate, or the producer's page.
    pub url: String,
}

/// An event as posted to a webhook (the Standard Webhooks payload shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When the event was made (RFC 3339).
    pub timestamp: String,
    /// What it is about.
    pub data: EventData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_must_be_http() {
        assert_eq!(
            parse_webhook_url("https://shop.example/hooks?x=1").unwrap(),
            "https://shop.example/hooks?x=1"
        );
        for bad in [
            "ftp://shop.example/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "shop.example/hooks",
            "http://user:pw@shop.example/",
            "http://shop.example/#x",
            "",
        ] {
            let e = parse_webhook_url(bad).unwrap_err();
            assert_eq!(e.0[0].field, "url", "{bad}");
        }
    }

    #[test]
    fn watch_lists_name_each_bad_id_and_keep_each_id_once() {
        let ok = WatchList::parse(WatchListRequest {
            certificates: vec!["abcdefghijklmnopqrst".into(), "ABCDEFGHIJKLMNOPQRST".into()],
            producers: vec!["abcdefghijklmnop".into()],
        })
        .unwrap();
        assert_eq!(ok.0.len(), 2);
        let e = WatchList::parse(WatchListRequest {
            certificates: vec!["abcdefghijklmnopqrst".into(), "not an id!".into()],
            producers: Vec::new(),
        })
        .unwrap_err();
        assert_eq!(e.0[0].field, "certificates[1]");
    }
}
