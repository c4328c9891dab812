//! `ward inventory` run as a process over fixture trees built in a temporary directory.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const OS_RELEASE: &str =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
VERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n";

const STATUS: &str = "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\n\
Version: 1.21.22\n\nPackage: libssl3\nStatus: install ok installed\nArchitecture: amd64\n\
Source: openssl\nVersion: 3.0.15-1~deb12u1\n\nPackage: removed\nStatus: deinstall ok config-files\n\
Architecture: amd64\nVersion: 1.0-1\n";

/// Builds a Debian 12 root with two installed packages and one removed one.
fn debian_root() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    let files = [
        ("etc/os-release", OS_RELEASE),
        ("etc/debian_version", "12.11\n"),
        ("etc/hostname", "fixture-host\n"),
        ("etc/machine-id", "0123456789abcdef0123456789abcdef\n"),
        ("var/lib/dpkg/status", STATUS),
    ];
    for (relative, contents) in files {
        let path = root.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    root
}

fn ward(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(arguments)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ward")
}

fn check_document(document: &Value) {
    assert_eq!(document["schema_version"], 1);
    let device = &document["device"];
    assert_eq!(device["hostname"], "fixture-host");
    assert_eq!(device["machine_id"], "0123456789abcdef0123456789abcdef");
    assert_eq!(device["os"]["id"], "debian");
    assert_eq!(device["os"]["point_release"], "12.11");
    assert_eq!(device["advisory_ecosystem"], "Debian:12");
    assert_eq!(device["architecture"], "amd64");
    assert_eq!(
        device["kernel"],
        Value::Null,
        "no running kernel below a root"
    );

    let software = document["software"].as_array().expect("software array");
    let names: Vec<&str> = software
        .iter()
        .filter_map(|row| row["name"].as_str())
        .collect();
    assert_eq!(names, vec!["dpkg", "libssl3"]);
    assert_eq!(software[1]["source_name"], "openssl");
    assert_eq!(software[1]["ecosystem"], "Debian:12");

    // The walk adds one info line with its counters; the rest come from the dpkg collector.
    let diagnostics: Vec<&Value> = document["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|diagnostic| diagnostic["collector"] != "walk")
        .collect();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["level"], "info");
    assert_eq!(diagnostics[0]["path"], "var/lib/dpkg/status");
}

#[test]
fn inventory_to_stdout() {
    let root = debian_root();
    let output = ward(&["inventory", "--root", path_str(root.path())]);

    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    check_document(&document);
}

#[test]
fn inventory_to_output_file_replaces_it() {
    let root = debian_root();
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out_file = out_dir.path().join("inventory.json");
    std::fs::write(&out_file, "old contents").expect("write");

    let output = ward(&[
        "inventory",
        "--root",
        path_str(root.path()),
        "--output",
        path_str(&out_file),
    ]);

    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "nothing on stdout with --output");
    let document: Value =
        serde_json::from_slice(&std::fs::read(&out_file).expect("read output")).expect("JSON");
    check_document(&document);

    let leftovers: Vec<_> = std::fs::read_dir(out_dir.path())
        .expect("read dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file left behind: {leftovers:?}"
    );
}

#[test]
fn missing_root_is_an_error() {
    let root = tempfile::tempdir().expect("temp dir");
    let missing = root.path().join("does-not-exist");
    let output = ward(&["inventory", "--root", path_str(&missing)]);

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot read the collection root"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn empty_root_reports_unknown_os() {
    let root = tempfile::tempdir().expect("temp dir");
    let output = ward(&["inventory", "--root", path_str(root.path())]);

    assert_eq!(output.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["device"]["os"], Value::Null);
    assert_eq!(document["device"]["advisory_ecosystem"], Value::Null);
    assert_eq!(document["software"], serde_json::json!([]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: 1 collection problems"),
        "{stderr}"
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}
