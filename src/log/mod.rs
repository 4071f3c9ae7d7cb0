//! The transparency log: RFC 6962/9162 Merkle tree, C2SP checkpoints and signed notes.

pub mod merkle;
pub mod note;
pub mod policy;
pub mod proof;
pub mod tiles;
