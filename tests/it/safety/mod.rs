//! Faults an attacker found (issue 16), one module per kind, each case kept as a test:
//! hijacked lots, open redirects, login limits and memory, file modes, bidi controls in
//! text, final revocation and security headers.

mod files;
mod headers;
mod logins;
mod lots;
mod memory;
mod metrics;
mod proxies;
mod redirects;
mod sockets;
mod status;
mod text;
