//! # Origine
//!
//! Certifies goods and services made by people in prison ("made in carcere") and lets
//! anyone verify them. A producer registers a lot with its social-impact claims; Origine
//! signs a certificate over its RFC 8785 (JCS) bytes with Ed25519, chains it by hash into
//! an append-only log, and serves a QR code, a page and a verification report.
//!
//! A tour of the layers, outermost first (docs/ARCHITECTURE.md draws them):
//!
//! - [`cli`]: the `origine` command, one file per group of commands; [`server`] starts
//!   the serving process and [`config`] holds its settings (flags or environment).
//! - [`http`]: [`http::router`] lists every route; [`http::api`] is the JSON API (RFC 9457
//!   problems, OpenAPI), [`http::web`] the pages (askama, sessions, CSRF, Italian and
//!   English), [`http::resolver`] the GS1-Conformant resolver behind the Digital Link URLs
//!   printed on labels ([`service::resolution`] picks the links, [`service::epcis`] the events).
//! - [`service`]: one function per operation — issuance with group commit
//!   ([`service::issuer`]), admin changes with their trail ([`service::admin`]),
//!   verification reports, audit, impact figures, accounts, labels, the witness, and
//!   buyers' watch lists with the webhooks and e-mails that tell them of status changes
//!   ([`service::buyers`], [`service::webhooks`], [`service::notify`]).
//! - [`domain`]: institutes, producers, lots, claims, certificates, status, roles — pure
//!   types that can only be built valid.
//! - [`crypto`]: JCS, hashes, signing keys, the offline bundle check (shared by the server
//!   and `origine verify`), unit-label tokens, W3C credentials (eddsa-jcs-2022 proofs,
//!   did:web, Bitstring Status Lists, VC-JOSE).
//! - [`log`]: the RFC 6962/9162 Merkle tree, C2SP signed notes and checkpoints, tile paths.
//! - [`ijson`]: the one way JSON from outside is read — I-JSON (RFC 7493), so a repeated
//!   member name or a lone surrogate is refused rather than read one way here and another
//!   elsewhere.
//! - [`store`]: one `Store` over SQLite or PostgreSQL, each query written once.
//! - [`labels`] and [`qr`]: label sheets (PDF), single labels (PNG, SVG) and QR codes.
//! - [`charts`] and [`csv`]: SVG charts and spreadsheet-safe CSV cells for exports.
//! - [`demo`]: the demo register of `serve --demo`; [`time_fmt`]: RFC 3339 times.
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
pub mod ijson;
pub mod labels;
pub mod log;
pub mod qr;
pub mod server;
pub mod service;
pub mod store;
pub mod time_fmt;
