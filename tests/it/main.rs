//! Origine's integration tests, in one binary (one link instead of one per file).
//!
//! Each module was a test file of its own; they share the harness in [`support`]: a fresh
//! service on its own database and keys for every test. Tests that need an outside tool
//! (zbar, librsvg, poppler, Chromium, Python, PostgreSQL) are ignored where the build script
//! (tests/build.rs) did not find it. Run one module with `cargo test --test it web::`.
// In a test an unwrap that fails is the report we want.
#![allow(clippy::unwrap_used)]

mod browser;
mod buyers;
mod caches;
mod cli;
mod concurrency;
mod crash;
mod epcis;
mod impact;
mod independent;
mod issuance;
mod labels;
mod limits;
mod outside_tlog;
mod qr;
mod register;
mod renders;
mod resolver;
mod roles;
mod safety;
mod store_conformance;
mod support;
mod transparency;
mod validation;
mod verify_page;
mod web;
