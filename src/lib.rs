//! # Origine
//!
//! Certifies goods and services made by people in prison ("made in carcere") and lets
//! anyone verify them. A producer registers a lot with its social-impact claims; Origine
//! signs a certificate over its RFC 8785 (JCS) bytes with Ed25519, chains it by hash into
//! an append-only log, and serves a QR code, a page and a verification report.
//!
//! A tour of the layers, outermost first:
//!
//! - [`cli`] and [`server`]: the `origine` command and the process that serves.
//! - [`http`]: routing, extractors, RFC 9457 problems, server-rendered pages, OpenAPI.
//! - [`service`]: issuance with group commit, verification reports, audit, tokens.
//! - [`domain`]: institutes, producers, lots, claims, certificates, status — pure types
//!   that can only be built valid.
//! - [`crypto`]: JCS, hashes, keys and the offline bundle check (shared by server and CLI).
//! - [`store`]: one trait, a SQLite and a PostgreSQL implementation.
//! - [`charts`] and [`csv`]: SVG charts and spreadsheet-safe CSV cells for exports.
//!
//! Hard rule: nothing anywhere describes a detained person; claims are aggregates.

pub mod charts;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod csv;
pub mod demo;
pub mod domain;
pub mod http;
pub mod labels;
pub mod log;
pub mod qr;
pub mod server;
pub mod service;
pub mod store;
pub mod time_fmt;
