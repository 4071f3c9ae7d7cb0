//! The library's renderers checked against outside references: QR codes (`origine::qr`)
//! and label files (`origine::labels`) read back with poppler, zbar and librsvg. They were
//! unit tests; they are here because only this test binary knows which tools the machine
//! has, and the library never rebuilds when that changes.

mod labels;
mod qr;
