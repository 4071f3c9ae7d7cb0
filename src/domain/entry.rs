//! What a log entry is: its kind and, for status and key entries, the status it records.

use std::fmt;

use super::key_event::KeyEventKind;
use super::status::{CertificateStatus, NewStatus, ProducerStatus};
use super::words::words;

words! {
    /// The kind of a log entry, as the `kind` column holds it.
    pub enum EntryKind {
        /// A lot's certificate.
        Certificate = "certificate",
        /// A change of a certificate's status.
        CertificateStatus = "certificate_status",
        /// A change of a producer's status.
        ProducerStatus = "producer_status",
        /// A rotation or withdrawal of a signing key.
        Key = "key",
    }
}

/// The status a status or key entry records (the `status` column); each kind has its
/// own words, so the same word (`suspended`) reads back as the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    /// The status of a certificate status entry.
    Certificate(CertificateStatus),
    /// The status of a producer status entry.
    Producer(ProducerStatus),
    /// What a key entry did to its key.
    Key(KeyEventKind),
}

impl EntryStatus {
    /// The status written `word` in an entry of `kind`; certificates record none.
    pub fn parse(kind: EntryKind, word: &str) -> Option<Self> {
        match kind {
            EntryKind::Certificate => None,
            EntryKind::CertificateStatus => CertificateStatus::parse(word).map(Self::Certificate),
            EntryKind::ProducerStatus => ProducerStatus::parse(word).map(Self::Producer),
            EntryKind::Key => KeyEventKind::parse(word).map(Self::Key),
        }
    }

    /// The kind of entry that records this status.
    pub fn kind(self) -> EntryKind {
        match self {
            Self::Certificate(_) => EntryKind::CertificateStatus,
            Self::Producer(_) => EntryKind::ProducerStatus,
            Self::Key(_) => EntryKind::Key,
        }
    }

    /// True for a certificate's or producer's revocation, after which its status is final.
    pub fn is_revocation(self) -> bool {
        matches!(
            self,
            Self::Certificate(CertificateStatus::Revoked) | Self::Producer(ProducerStatus::Revoked)
        )
    }

    /// The word as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certificate(s) => s.as_str(),
            Self::Producer(s) => s.as_str(),
            Self::Key(k) => k.as_str(),
        }
    }
}

impl From<NewStatus> for EntryStatus {
    fn from(s: NewStatus) -> Self {
        match s {
            NewStatus::Certificate(s) => Self::Certificate(s),
            NewStatus::Producer(s) => Self::Producer(s),
        }
    }
}

impl From<CertificateStatus> for EntryStatus {
    fn from(s: CertificateStatus) -> Self {
        Self::Certificate(s)
    }
}

impl From<ProducerStatus> for EntryStatus {
    fn from(s: ProducerStatus) -> Self {
        Self::Producer(s)
    }
}

impl From<KeyEventKind> for EntryStatus {
    fn from(k: KeyEventKind) -> Self {
        Self::Key(k)
    }
}

impl fmt::Display for EntryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_under_its_kind() {
        let all = CertificateStatus::ALL
            .iter()
            .map(|&s| EntryStatus::Certificate(s))
            .chain(
                ProducerStatus::ALL
                    .iter()
                    .map(|&s| EntryStatus::Producer(s)),
            )
            .chain(KeyEventKind::ALL.iter().map(|&k| EntryStatus::Key(k)));
        for status in all {
            assert_eq!(
                EntryStatus::parse(status.kind(), status.as_str()),
                Some(status)
            );
        }
        assert_eq!(
            EntryStatus::parse(EntryKind::ProducerStatus, "suspended"),
            Some(EntryStatus::Producer(ProducerStatus::Suspended))
        );
        assert_eq!(EntryStatus::parse(EntryKind::ProducerStatus, "valid"), None);
        assert_eq!(EntryStatus::parse(EntryKind::Certificate, "valid"), None);
    }
}
