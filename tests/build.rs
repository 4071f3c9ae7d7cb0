//! Tells the integration tests which outside references this machine has, so tests that
//! need one are reported as ignored (never as passed) where it is missing.
//!
//! This is the build script of the tests package, which has no library and no binary:
//! `cargo build` never runs it, and whatever it finds changes only the `it` test binary,
//! never the `origine` library or binary.
//!
//! Cargo runs it again when one of these changes: `TEST_DATABASE_URL`, this file, and the
//! directories a tool is installed into (the one each tool was found in, `/usr/bin`,
//! `/usr/local/bin`, and for Python the packages found or the site-packages they would go
//! in). Only directories that exist are watched, and `PATH` is not: cargo takes a watched
//! path that does not exist, or a changed `PATH`, as a reason to run the script again, and
//! every such run rebuilds the tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    for cfg in [
        "origine_pg",
        "origine_zbar",
        "origine_rsvg",
        "origine_py",
        "origine_chromium",
        "origine_chromedriver",
        "origine_py_jsonschema",
        "origine_py_jose",
        "origine_py_prometheus",
        "origine_untp",
        "origine_epcis",
        "origine_py_smtpd",
        "origine_py_webhooks",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
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
    let python = python_packages();
    if python.is_some() {
        println!("cargo::rustc-cfg=origine_py");
    }
    let jsonschema = python_package("jsonschema");
    if jsonschema.is_some() {
        println!("cargo::rustc-cfg=origine_py_jsonschema");
    }
    let jose = python_package("jwt");
    if jose.is_some() {
        println!("cargo::rustc-cfg=origine_py_jose");
    }
    let prometheus = python_package("prometheus_client");
    if prometheus.is_some() {
        println!("cargo::rustc-cfg=origine_py_prometheus");
    }
    // A real SMTP server for the buyers' e-mail, and the Standard Webhooks reference
    // library to check our signatures with.
    let smtpd = python_package("aiosmtpd");
    if smtpd.is_some() {
        println!("cargo::rustc-cfg=origine_py_smtpd");
    }
    let webhooks = python_package("standardwebhooks");
    if webhooks.is_some() {
        println!("cargo::rustc-cfg=origine_py_webhooks");
    }
    // The UNTP DCC 0.6.1 reference data (GPL-3.0) is read where it is, never copied in.
    let untp = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/untp-dcc-0.6.1");
    if untp.join("untp-dcc-schema.json").is_file() {
        println!("cargo::rustc-cfg=origine_untp");
    }

    // GS1's EPCIS 2.0 JSON Schema, read where it is (its licence is not stated, so not copied).
    let epcis = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/epcis-2.0");
    if epcis.join("EPCIS-JSON-Schema.json").is_file() {
        println!("cargo::rustc-cfg=origine_epcis");
    }

    // Where installing, upgrading or removing a tool changes something.
    let mut watch: BTreeSet<PathBuf> = ["/usr/bin", "/usr/local/bin"]
        .into_iter()
        .map(PathBuf::from)
        .collect();
    for tool in [
        "zbarimg",
        "rsvg-convert",
        "pdftoppm",
        "chromium",
        "chromedriver",
        "python3",
    ] {
        if let Some(dir) = on_path(tool).as_deref().and_then(Path::parent) {
            watch.insert(dir.to_path_buf());
        }
    }
    // The packages' own directories when found (a small tree), else the site-packages
    // directories `pip install` would put them in.
    let found: Vec<PathBuf> = [python, jsonschema, jose, prometheus, smtpd, webhooks]
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    if found.len() < 7 {
        watch.extend(site_packages());
    }
    watch.extend(found);
    watch.insert(untp);
    for dir in watch.iter().filter(|d| d.is_dir()) {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The first `program` on `PATH`.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|file| file.is_file())
}

/// Python lines printed one per line, if `python3` runs `code` successfully.
fn python_lines(code: &str) -> Option<Vec<PathBuf>> {
    let out = Command::new("python3").args(["-c", code]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.lines().map(PathBuf::from).collect())
}

/// The directories of the `cryptography` and `rfc8785` packages, if both import.
fn python_packages() -> Option<Vec<PathBuf>> {
    python_lines(
        "import os, cryptography, rfc8785\n\
         for m in (cryptography, rfc8785):\n    print(os.path.dirname(m.__file__))",
    )
}

/// The directory of Python package `module`, if it imports.
fn python_package(module: &str) -> Option<Vec<PathBuf>> {
    python_lines(&format!(
        "import os, {module}\nprint(os.path.dirname({module}.__file__))"
    ))
}

/// Where Python looks for installed packages (system and user), when `python3` runs.
fn site_packages() -> Vec<PathBuf> {
    python_lines(
        "import site\n\
         for d in site.getsitepackages() + [site.getusersitepackages()]:\n    print(d)",
    )
    .unwrap_or_default()
}
