//! Canonical JSON, hashing, Ed25519 keys and the offline check of a certificate bundle.
//!
//! Pure code: nothing here touches the network or the database, so the CLI's offline
//! `verify` and the server's verification report share exactly the same checks.

pub mod bundle;
pub mod jcs;
pub mod keys;
pub mod label_token;
pub mod vc;
pub mod webhook;

pub use bundle::{
    Bundle, BundleCheck, Inclusion, KeysDocument, PublicKeyEntry, check_bundle, check_inclusion,
};
pub use keys::{KeyError, KeyHandle, Keyring, SigningKeyFile, key_id};
