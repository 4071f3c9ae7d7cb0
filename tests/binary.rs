//! Holds no tests. It is the root package's only test target, and cargo builds a package's
//! binaries before running its integration tests: its presence makes `cargo test` (and
//! `cargo test --test it`, as it shares its name with the tests package's binary) build the
//! `origine` binary that the tests in `tests/it/` run. See "Tests and outside tools" in
//! docs/ARCHITECTURE.md.
