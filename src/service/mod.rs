//! Operations that tie the domain, the signing keys and the store together: issuing
//! entries, building verification reports, auditing the register, impact figures.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod buyers;
pub mod credential;
pub mod delivery;
pub mod directory;
pub mod epcis;
pub mod impact;
pub mod issuer;
pub mod keys;
pub mod labels;
pub mod log;
pub mod notify;
pub mod passwords;
pub mod register;
pub mod report;
pub mod report_cache;
pub mod resolution;
pub mod status_lists;
pub mod tokens;
pub mod trail;
pub mod webhooks;
pub mod witness;
pub mod witnessing;
