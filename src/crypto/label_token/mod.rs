//! Unit labels: per-unit tokens and the optional offline-checkable signed label.
//!
//! * [`unit_token`] ties a serial to its lot with a secret only the service knows, so nobody can
//!   print working labels for serials that were never issued: the QR's URL carries `?t=` with
//!   the token and the server checks it with [`token_matches`].
//! * [`SignedLabel`] is a compact Ed25519-signed summary of the unit carried in the QR's URL
//!   fragment (never sent to the server), so `origine verify --qr URL` can check a label with
//!   the public keys document and no network.
//!
//! `unit_token` holds the first, `signed_label` the second, and `fields` the checks and
//! encodings of the fields a signed label carries.

mod fields;
mod signed_label;
mod unit_token;

#[cfg(test)]
mod tests;

pub use signed_label::{DOMAIN, LabelTokenError, MAX_NAME_BYTES, PREFIX, SignedLabel};
pub use unit_token::{hmac_sha256, token_matches, unit_token};
