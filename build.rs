//! Tells the test suite which outside references this machine has, so tests that need
//! one are reported as ignored (never as passed) where it is missing.

use std::process::Command;

fn main() {
    for cfg in [
        "origine_pg",
        "origine_zbar",
        "origine_rsvg",
        "origine_py",
        "origine_chromium",
        "origine_chromedriver",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-changed=build.rs");

    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=origine_pg");
    }
    if runs("zbarimg", &["--version"]) {
        println!("cargo::rustc-cfg=origine_zbar");
    }
    if runs("rsvg-convert", &["--version"]) {
        println!("cargo::rustc-cfg=origine_rsvg");
    }
    if runs("chromium", &["--version"]) {
        println!("cargo::rustc-cfg=origine_chromium");
    }
    if runs("chromium", &["--version"]) && runs("chromedriver", &["--version"]) {
        println!("cargo::rustc-cfg=origine_chromedriver");
    }
    if runs("python3", &["-c", "import cryptography, rfc8785"]) {
        println!("cargo::rustc-cfg=origine_py");
    }
    // A missing tool makes this path absent, so cargo re-runs the probe on the next build
    // and picks the tool up once it is installed.
    for tool in [
        "/usr/bin/zbarimg",
        "/usr/bin/rsvg-convert",
        "/usr/bin/chromium",
        "/usr/bin/chromedriver",
    ] {
        println!("cargo::rerun-if-changed={tool}");
    }
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}
