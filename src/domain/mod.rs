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
pub mod status;
pub mod validation;
pub mod vat;
pub mod verdict;
mod words;

pub use entry::{EntryKind, EntryStatus};
pub use gtin::Gtin;
pub use key_event::KeyEventKind;
pub use lot_code::LotCode;
pub use role::Role;
pub use status::{CertificateStatus, NewStatus, ProducerStatus, Subject};
pub use validation::{FieldError, ValidationErrors};
pub use vat::VatNumber;
pub use verdict::{ReportStatus, SerialCheck};
