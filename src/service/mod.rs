//! Operations that tie the domain, the signing keys and the store together: issuing
//! entries, building verification reports, auditing the register.

pub mod audit;
pub mod credential;
pub mod directory;
pub mod issuer;
pub mod keys;
pub mod labels;
pub mod log;
pub mod register;
pub mod report;
pub mod report_cache;
pub mod tokens;
pub mod witness;
