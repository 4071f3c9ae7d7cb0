//! W3C Bitstring Status Lists of the credentials, derived from the log's status entries on
//! every request, so a list is in step with the log as soon as a status change commits.
//!
//! - **revocation**: on once the certificate, or its producer, has ever been revoked.
//!   Bitstring Status List 1.0 says a revocation is not reversible, so reinstating a
//!   revoked certificate (which the register allows) does not clear it.
//! - **suspension**: on while the latest status of the certificate or of its producer is
//!   `suspended` and the revocation bit is off; reinstating clears it.

use std::collections::{BTreeMap, BTreeSet};

use data_encoding::BASE64URL_NOPAD;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::crypto::Keyring;
use crate::crypto::vc::{self, status_list};
use crate::domain::{CertificateStatus, EntryStatus, ProducerStatus, StatusPurpose};
use crate::store::{StatusMark, Store, StoreError};

/// The name of the permutation's key in `service_secrets`.
const KEY_NAME: &str = "status_list_key";
/// How long a relying party may keep a list, in milliseconds (`ttl`) and in seconds
/// (`Cache-Control: max-age`): short, as a status change must show within seconds.
pub const TTL_SECONDS: u64 = 5;

/// Places credentials in status lists; the key is read from the database once.
#[derive(Debug, Default)]
pub struct StatusLists {
    allocator: OnceCell<status_list::Allocator>,
}

impl StatusLists {
    /// The allocator, its key made on first use and shared through the database.
    ///
    /// # Errors
    /// Database failures, or a stored key that is not 32 bytes of base64url.
    pub async fn allocator(&self, store: &Store) -> Result<&status_list::Allocator, StoreError> {
        self.allocator
            .get_or_try_init(|| async {
                let mut fresh = [0u8; 32];
                getrandom::fill(&mut fresh)
                    .map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
                let stored = store
                    .service_secret(KEY_NAME, &BASE64URL_NOPAD.encode(&fresh))
                    .await?;
                BASE64URL_NOPAD
                    .decode(stored.as_bytes())
                    .ok()
                    .and_then(|k| <[u8; 32]>::try_from(k).ok())
                    .map(status_list::Allocator::new)
                    .ok_or_else(|| StoreError::Corrupt(format!("{KEY_NAME} is not 32 bytes")))
            })
            .await
    }
}

/// The URL of status list `list` for `purpose`.
pub fn list_url(base_url: &str, purpose: StatusPurpose, list: u64) -> String {
    format!(
        "{base_url}/api/v1/status-lists/{purpose}/{list}",
        purpose = purpose.as_str()
    )
}

/// The `credentialStatus` entries of the credential at `position`, one per purpose.
pub fn entries(base_url: &str, position: status_list::Position) -> Value {
    StatusPurpose::ALL
        .iter()
        .map(|&purpose| {
            let list = list_url(base_url, purpose, position.list);
            json!({
                "id": format!("{list}#{}", position.index),
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose.as_str(),
                "statusListIndex": position.index.to_string(),
                "statusListCredential": list,
            })
        })
        .collect()
}

/// The log indexes of the certificates whose `purpose` bit is on, from the status entries
/// bearing on them (oldest first).
pub fn flagged(marks: &[StatusMark], purpose: StatusPurpose) -> BTreeSet<u64> {
    // Per certificate: ever revoked, and the latest own and producer statuses.
    let mut state: BTreeMap<u64, (bool, Option<EntryStatus>, Option<EntryStatus>)> =
        BTreeMap::new();
    for mark in marks {
        let (revoked, own, producer) = state.entry(mark.certificate_seq).or_default();
        match mark.status {
            EntryStatus::Certificate(_) => *own = Some(mark.status),
            EntryStatus::Producer(_) => *producer = Some(mark.status),
            EntryStatus::Key(_) => continue,
        }
        *revoked |= matches!(
            mark.status,
            EntryStatus::Certificate(CertificateStatus::Revoked)
                | EntryStatus::Producer(ProducerStatus::Revoked)
        );
    }
    let suspended = |s: Option<EntryStatus>| {
        matches!(
            s,
            Some(EntryStatus::Certificate(CertificateStatus::Suspended))
                | Some(EntryStatus::Producer(ProducerStatus::Suspended))
        )
    };
    state
        .into_iter()
        .filter(|(_, (revoked, own, producer))| match purpose {
            StatusPurpose::Revocation => *revoked,
            StatusPurpose::Suspension => !revoked && (suspended(*own) || suspended(*producer)),
        })
        .map(|(seq, _)| seq)
        .collect()
}

/// The signed `BitstringStatusListCredential` of list `list` for `purpose`, as of now.
///
/// # Errors
/// Database failures, or the proof could not be made.
pub async fn credential(
    store: &Store,
    lists: &StatusLists,
    keys: &Keyring,
    base_url: &str,
    purpose: StatusPurpose,
    list: u64,
) -> Result<Value, super::credential::CredentialError> {
    let allocator = lists.allocator(store).await?;
    let start = list.saturating_mul(status_list::LIST_BITS);
    let marks = store
        .status_marks(start, start.saturating_add(status_list::LIST_BITS))
        .await?;
    let bits = flagged(&marks, purpose)
        .into_iter()
        .map(|seq| allocator.position(seq).index);
    let url = list_url(base_url, purpose, list);
    let did = vc::did_web::did_web(base_url);
    let document = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": crate::time_fmt::now(),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": status_list::encode(bits),
            "ttl": TTL_SECONDS * 1000,
        },
    });
    super::credential::secure(&document, &did, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(seq: u64, status: impl Into<EntryStatus>) -> StatusMark {
        StatusMark {
            certificate_seq: seq,
            status: status.into(),
        }
    }

    #[test]
    fn reinstating_clears_suspension_but_not_revocation() {
        let marks = [
            mark(1, CertificateStatus::Suspended),
            mark(2, CertificateStatus::Revoked),
            mark(1, CertificateStatus::Valid),
            mark(2, CertificateStatus::Valid),
            mark(3, CertificateStatus::Suspended),
        ];
        assert_eq!(flagged(&marks, StatusPurpose::Suspension), [3].into());
        assert_eq!(flagged(&marks, StatusPurpose::Revocation), [2].into());
    }

    #[test]
    fn a_producers_status_reaches_its_certificates() {
        let marks = [
            mark(4, ProducerStatus::Suspended),
            mark(5, ProducerStatus::Revoked),
            mark(6, ProducerStatus::Suspended),
            mark(6, ProducerStatus::Accredited),
        ];
        assert_eq!(flagged(&marks, StatusPurpose::Suspension), [4].into());
        assert_eq!(flagged(&marks, StatusPurpose::Revocation), [5].into());
    }
}
