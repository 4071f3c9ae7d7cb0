//! The certification domain: institutes, producers, lots, claims, certificates and status.
//!
//! Pure types and rules with no I/O. Requests are parsed here once, at the edge, into types
//! that can only hold valid values; everything past this point can trust them.

pub mod certificate;
pub mod digital_link;
pub mod entry;
pub mod gtin;
pub mod ids;
pub mod institute;
pub mod key_event;
pub mod lot;
pub mod lot_code;
pub mod producer;
pub mod role;
pub mod scans;
pub mod serial;
pub mod status;
pub mod validation;
pub mod vat;
pub mod verdict;
pub mod watch;
mod words;

pub use entry::{EntryKind, EntryStatus};
pub use gtin::Gtin;
pub use key_event::KeyEventKind;
pub use lot_code::LotCode;
pub use role::Role;
pub use status::{CertificateStatus, NewStatus, ProducerStatus, StatusPurpose, Subject};
pub use validation::{FieldError, ValidationErrors};
pub use vat::VatNumber;
pub use verdict::{ReportStatus, SerialCheck};

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use utoipa::PartialSchema;

    /// The OpenAPI schema of a closed set of words lists exactly the words serde writes,
    /// in order; a client generated from the document then accepts every real response.
    fn schema_lists_what_serde_writes<T: PartialSchema + Serialize>(all: &[T]) {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let written: Vec<_> = all
            .iter()
            .map(|v| serde_json::to_value(v).unwrap())
            .collect();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"], serde_json::Value::Array(written));
    }

    #[test]
    fn word_schemas_match_their_serialisation() {
        schema_lists_what_serde_writes(Role::ALL);
        schema_lists_what_serde_writes(ProducerStatus::ALL);
        schema_lists_what_serde_writes(CertificateStatus::ALL);
        schema_lists_what_serde_writes(Subject::ALL);
        schema_lists_what_serde_writes(EntryKind::ALL);
        schema_lists_what_serde_writes(KeyEventKind::ALL);
        schema_lists_what_serde_writes(ReportStatus::ALL);
        schema_lists_what_serde_writes(SerialCheck::ALL);
    }
}
