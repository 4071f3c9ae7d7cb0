//! Status entries: signed, logged changes to a certificate's or a producer's standing.
//! Nothing is rewritten; the latest entry is the current status.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::certificate::IssuerRef;
use super::entry::EntryKind;
use super::validation::{Checker, ValidationErrors};
use super::words::words;

/// `format` of a status entry.
pub const STATUS_FORMAT: &str = "origine/status/v1";

words! {
    /// The standing of a certificate; one without status entries is `valid`.
    pub enum CertificateStatus {
        /// The certificate stands: no suspension or revocation is in force.
        Valid = "valid",
        /// Suspended for now; a later `valid` entry lifts it.
        Suspended = "suspended",
        /// Revoked for good: no later status entry is accepted.
        Revoked = "revoked",
    }
}

words! {
    /// What a W3C Bitstring Status List of a credential says (`statusPurpose`).
    pub enum StatusPurpose {
        /// The list's bit set means the credential is revoked.
        Revocation = "revocation",
        /// The list's bit set means the credential is suspended.
        Suspension = "suspension",
    }
}

words! {
    /// The standing of a producer; one without status entries is `accredited`.
    pub enum ProducerStatus {
        /// In the register and trusted: its certificates can be valid.
        Accredited = "accredited",
        /// Suspended for now; a later `accredited` entry lifts it.
        Suspended = "suspended",
        /// Revoked for good: no later status entry is accepted.
        Revoked = "revoked",
    }
}

words! {
    /// What a status entry is about.
    pub enum Subject {
        /// A certificate, named by its id.
        Certificate = "certificate",
        /// A producer, named by its id.
        Producer = "producer",
    }
}

impl Subject {
    /// The kind of log entry that records a status of this subject.
    pub fn entry_kind(self) -> EntryKind {
        match self {
            Self::Certificate => EntryKind::CertificateStatus,
            Self::Producer => EntryKind::ProducerStatus,
        }
    }
}

/// A status a change sets: a certificate's or a producer's, so the subject and the status
/// cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NewStatus {
    /// A certificate's new standing.
    Certificate(CertificateStatus),
    /// A producer's new standing.
    Producer(ProducerStatus),
}

impl NewStatus {
    /// `status` of a request about `subject`, if it is one of that subject's statuses.
    pub fn parse(subject: Subject, status: &str) -> Option<Self> {
        match subject {
            Subject::Certificate => CertificateStatus::parse(status).map(Self::Certificate),
            Subject::Producer => ProducerStatus::parse(status).map(Self::Producer),
        }
    }

    /// The statuses `subject` can have, as words.
    pub fn names(subject: Subject) -> &'static [&'static str] {
        match subject {
            Subject::Certificate => CertificateStatus::NAMES,
            Subject::Producer => ProducerStatus::NAMES,
        }
    }

    /// Whom the status is about.
    pub fn subject(self) -> Subject {
        match self {
            Self::Certificate(_) => Subject::Certificate,
            Self::Producer(_) => Subject::Producer,
        }
    }

    /// The word as signed and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certificate(s) => s.as_str(),
            Self::Producer(s) => s.as_str(),
        }
    }
}

impl fmt::Display for NewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `POST /api/v1/certificates/{id}/status` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// `valid`, `suspended` or `revoked` (for producers: `accredited`, `suspended`, `revoked`).
    pub status: String,
    /// Why, in words the public will read.
    pub reason: String,
}

/// A validated status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The certificate id or producer id the change is about.
    pub id: String,
    /// The standing the change sets.
    pub status: NewStatus,
    /// Why, trimmed: 3 to 500 characters, shown to the public.
    pub reason: String,
}

impl StatusChange {
    /// Validates a request about `id`.
    ///
    /// # Errors
    /// An unknown status or a missing reason.
    pub fn parse(subject: Subject, id: &str, req: StatusRequest) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let status = NewStatus::parse(subject, &req.status);
        if status.is_none() {
            c.one_of("status", &req.status, NewStatus::names(subject));
        }
        let reason = c.text("reason", &req.reason, 3, 500, false);
        let Some(status) = status else {
            return Err(c.into_errors());
        };
        c.finish(Self {
            id: id.to_owned(),
            status,
            reason,
        })
    }

    /// Whom the change is about.
    pub fn subject(&self) -> Subject {
        self.status.subject()
    }

    /// The body to sign once the log position is known.
    pub fn seal(&self, seq: u64, prev: &str, effective_at: &str, issuer: IssuerRef) -> StatusEntry {
        let (certificate, producer) = match self.subject() {
            Subject::Certificate => (Some(self.id.clone()), None),
            Subject::Producer => (None, Some(self.id.clone())),
        };
        StatusEntry {
            format: STATUS_FORMAT.to_owned(),
            seq,
            certificate,
            producer,
            status: self.status.as_str().to_owned(),
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
    /// Always `origine/status/v1` ([`STATUS_FORMAT`]).
    pub format: String,
    /// 0-based index of this entry in the log.
    pub seq: u64,
    /// The certificate id, for a certificate's status; absent for a producer's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The producer id, for a producer's status; absent for a certificate's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// The new standing, as a [`CertificateStatus`] or [`ProducerStatus`] word.
    pub status: String,
    /// Why, as the public reads it.
    pub reason: String,
    /// When the change took effect: RFC 3339 UTC to the second.
    pub effective_at: String,
    /// The issuer and the key that signed this entry.
    pub issuer: IssuerRef,
    /// Hex hash of the previous log entry; 64 zeros for the first.
    pub prev: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(status: &str) -> StatusRequest {
        StatusRequest {
            status: status.into(),
            reason: "a reason the public reads".into(),
        }
    }

    #[test]
    fn a_status_is_one_of_its_subjects() {
        let change = StatusChange::parse(Subject::Producer, "p1", request("accredited")).unwrap();
        assert_eq!(
            change.status,
            NewStatus::Producer(ProducerStatus::Accredited)
        );
        assert_eq!(change.subject(), Subject::Producer);
        let refused = StatusChange::parse(Subject::Certificate, "c1", request("accredited"));
        assert_eq!(
            refused.unwrap_err().0[0].message,
            "must be one of: valid, suspended, revoked"
        );
    }

    #[test]
    fn the_signed_status_is_the_word() {
        let change = StatusChange::parse(Subject::Certificate, "c1", request("revoked")).unwrap();
        let issuer = IssuerRef {
            name: "Origine".into(),
            kid: "k".into(),
        };
        let body = change.seal(3, "00", "2026-01-01T00:00:00Z", issuer);
        assert_eq!(body.status, "revoked");
        assert_eq!(body.certificate.as_deref(), Some("c1"));
    }
}
