//! Status entries: signed, logged changes to a certificate's or a producer's standing.
//! Nothing is rewritten; the latest entry is the current status.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::certificate::IssuerRef;
use super::validation::{Checker, ValidationErrors};

/// `format` of a status entry.
pub const STATUS_FORMAT: &str = "origine/status/v1";
/// Statuses a certificate can have.
pub const CERTIFICATE_STATUSES: &[&str] = &["valid", "suspended", "revoked"];
/// Statuses a producer can have.
pub const PRODUCER_STATUSES: &[&str] = &["accredited", "suspended", "revoked"];

/// `POST /api/v1/certificates/{id}/status` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// `valid`, `suspended` or `revoked` (for producers: `accredited`, `suspended`, `revoked`).
    pub status: String,
    /// Why, in words the public will read.
    pub reason: String,
}

/// What a status entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Certificate,
    Producer,
}

/// A validated status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub subject: Subject,
    pub id: String,
    pub status: String,
    pub reason: String,
}

impl StatusChange {
    /// Validates a request about `id`.
    ///
    /// # Errors
    /// An unknown status or a missing reason.
    pub fn parse(subject: Subject, id: &str, req: StatusRequest) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let allowed = match subject {
            Subject::Certificate => CERTIFICATE_STATUSES,
            Subject::Producer => PRODUCER_STATUSES,
        };
        c.one_of("status", &req.status, allowed);
        let reason = c.text("reason", &req.reason, 3, 500, false);
        c.finish(Self {
            subject,
            id: id.to_owned(),
            status: req.status,
            reason,
        })
    }

    /// The body to sign once the log position is known.
    pub fn seal(&self, seq: u64, prev: &str, effective_at: &str, issuer: IssuerRef) -> StatusEntry {
        let (certificate, producer) = match self.subject {
            Subject::Certificate => (Some(self.id.clone()), None),
            Subject::Producer => (None, Some(self.id.clone())),
        };
        StatusEntry {
            format: STATUS_FORMAT.to_owned(),
            seq,
            certificate,
            producer,
            status: self.status.clone(),
            reason: self.reason.clone(),
            effective_at: effective_at.to_owned(),
            issuer,
            prev: prev.to_owned(),
        }
    }
}

/// The signed body of a status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusEntry {
    pub format: String,
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    pub status: String,
    pub reason: String,
    pub effective_at: String,
    pub issuer: IssuerRef,
    pub prev: String,
}
