//! dpkg collector on small fixture trees written for each scenario (`tests/data/dpkg/`).

use std::path::Path;

use ward_inventory::collectors::dpkg::DpkgCollector;
use ward_inventory::{
    collect, CollectOptions, Collection, Collector, Context, DiagnosticLevel, OsRelease, Software,
};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dpkg");

const DEBIAN_12: &str =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

/// Writes `files` (path relative to the root, contents) into a new temporary root.
fn root_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("create temp dir");
    for (relative, contents) in files {
        let path = root.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("path has a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write fixture");
    }
    root
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DATA).join(name)).expect("read fixture")
}

fn debian_12() -> OsRelease {
    OsRelease {
        id: "debian".to_owned(),
        version_id: Some("12".to_owned()),
        version_codename: Some("bookworm".to_owned()),
        ..OsRelease::default()
    }
}

/// Runs the dpkg collector over a root holding `status` as the status file.
fn collect_status(status: &[u8], os: Option<&OsRelease>) -> Collection {
    let root = root_with(&[("var/lib/dpkg/status", status)]);
    let options = CollectOptions::new(root.path());
    DpkgCollector.collect(&Context {
        options: &options,
        os,
    })
}

fn find<'a>(software: &'a [Software], name: &str) -> &'a Software {
    software
        .iter()
        .find(|row| row.name == name)
        .unwrap_or_else(|| panic!("package `{name}` not collected"))
}

#[test]
fn multiarch_gives_one_row_per_architecture() {
    let collection = collect_status(&fixture("multiarch.status"), Some(&debian_12()));
    assert!(
        collection.diagnostics.is_empty(),
        "{:?}",
        collection.diagnostics
    );

    let libc: Vec<&Software> = collection
        .software
        .iter()
        .filter(|row| row.name == "libc6")
        .collect();
    let architectures: Vec<Option<&str>> =
        libc.iter().map(|row| row.architecture.as_deref()).collect();
    assert_eq!(architectures, vec![Some("amd64"), Some("i386")]);

    let libc_i386 = libc[1];
    assert_eq!(libc_i386.source_name.as_deref(), Some("glibc"));
    assert_eq!(
        libc_i386.source_version, None,
        "source version is the binary version"
    );
    assert_eq!(libc_i386.ecosystem.as_deref(), Some("Debian:12"));
    assert_eq!(
        libc_i386.purl.as_deref(),
        Some("pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=i386&distro=debian-12")
    );
    assert_eq!(libc_i386.path.as_deref(), Some("var/lib/dpkg/status"));
    assert_eq!(libc_i386.collector, "dpkg");
    assert_eq!(libc_i386.status.as_deref(), Some("install ok installed"));
}

#[test]
fn source_field_with_and_without_version() {
    let collection = collect_status(&fixture("source-version.status"), Some(&debian_12()));
    assert!(
        collection.diagnostics.is_empty(),
        "{:?}",
        collection.diagnostics
    );
    let software = &collection.software;

    let blkid = find(software, "libblkid1");
    assert_eq!(blkid.source_name.as_deref(), Some("util-linux"));
    assert_eq!(blkid.source_version.as_deref(), Some("2.38.1-5"));
    assert_eq!(blkid.source_version_or_version(), "2.38.1-5");

    let acl = find(software, "libacl1");
    assert_eq!(acl.source_name.as_deref(), Some("acl"));
    assert_eq!(acl.source_version_or_version(), "2.3.1-3");

    let bash = find(software, "bash");
    assert_eq!(bash.source_name, None);
    assert_eq!(bash.source_name_or_name(), "bash");

    let same = find(software, "self-sourced");
    assert_eq!(
        same.source_name, None,
        "source equal to the name is not repeated"
    );
    assert_eq!(
        same.source_version, None,
        "source version equal to the version"
    );
}

#[test]
fn epoch_is_kept_and_encoded_in_purl() {
    let collection = collect_status(&fixture("source-version.status"), Some(&debian_12()));
    let git = find(&collection.software, "git");
    assert_eq!(git.version, "1:2.39.5-0+deb12u2");
    assert_eq!(
        git.purl.as_deref(),
        Some("pkg:deb/debian/git@1:2.39.5-0%2Bdeb12u2?arch=amd64&distro=debian-12")
    );
}

#[test]
fn only_installed_states_are_listed() {
    let collection = collect_status(&fixture("states.status"), Some(&debian_12()));
    let names: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(names, vec!["curl", "held", "waiting", "needs-reinstall"]);

    let expected = [
        ("old-daemon", DiagnosticLevel::Info, 7),
        ("broken-upgrade", DiagnosticLevel::Warning, 12),
        ("purged", DiagnosticLevel::Info, 17),
        ("unpacked-only", DiagnosticLevel::Warning, 21),
        ("needs-reinstall", DiagnosticLevel::Warning, 36),
    ];
    assert_eq!(
        collection.diagnostics.len(),
        expected.len(),
        "{:?}",
        collection.diagnostics
    );
    for ((name, level, line), diagnostic) in expected.iter().zip(&collection.diagnostics) {
        assert!(
            diagnostic.message.contains(name),
            "{name}: {}",
            diagnostic.message
        );
        assert_eq!(diagnostic.level, *level, "{name}");
        assert_eq!(diagnostic.line, Some(*line), "{name}");
        assert_eq!(
            diagnostic.path.as_deref(),
            Some("var/lib/dpkg/status"),
            "{name}"
        );
    }
}

#[test]
fn malformed_stanzas_are_reported_and_skipped() {
    let collection = collect_status(&fixture("malformed.status"), Some(&debian_12()));
    let names: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(names, vec!["first", "last"]);

    let lines: Vec<Option<u64>> = collection.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(
        lines,
        vec![Some(8), Some(11), Some(15)],
        "{:?}",
        collection.diagnostics
    );
    assert!(collection.diagnostics[0]
        .message
        .contains("malformed stanza starting at line 6"));
    assert!(collection.diagnostics[1]
        .message
        .contains("`no-version` has no `Version`"));
    assert!(collection.diagnostics[2]
        .message
        .contains("no `Package` field"));
}

#[test]
fn truncated_file_keeps_complete_stanzas() {
    let collection = collect_status(&fixture("truncated.status"), Some(&debian_12()));
    let names: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(names, vec!["complete"]);
    assert_eq!(
        collection.diagnostics.len(),
        1,
        "{:?}",
        collection.diagnostics
    );
    let diagnostic = &collection.diagnostics[0];
    assert_eq!(diagnostic.line, Some(8), "the cut line");
    assert!(
        diagnostic.message.contains("starting at line 6"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn crlf_and_trailing_blank_lines() {
    let collection = collect_status(&fixture("crlf.status"), None);
    assert!(
        collection.diagnostics.is_empty(),
        "{:?}",
        collection.diagnostics
    );
    let versions: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.version.as_str())
        .collect();
    assert_eq!(versions, vec!["1.0-1", "2.0-1"]);
    assert_eq!(
        collection.software[0].ecosystem, None,
        "no OS, no advisory namespace"
    );
}

#[test]
fn vcpkg_status_is_not_a_dpkg_database() {
    let collection = collect_status(&fixture("vcpkg.status"), None);
    assert!(collection.software.is_empty());
    assert_eq!(collection.diagnostics.len(), 1);
    assert_eq!(collection.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(collection.diagnostics[0].line, Some(5));
}

#[test]
fn vcpkg_status_at_its_own_path_is_not_read() {
    let root = root_with(&[("installed/vcpkg/status", &fixture("vcpkg.status"))]);
    let options = CollectOptions::new(root.path());
    let collection = DpkgCollector.collect(&Context {
        options: &options,
        os: None,
    });
    assert_eq!(collection, Collection::default());
}

#[test]
fn distroless_status_dir_without_status_field() {
    let dash = b"Package: dash\nVersion: 0.5.12-2\nArchitecture: amd64\n";
    let netbase = b"Package: netbase\nVersion: 6.4\nArchitecture: all\n";
    let root = root_with(&[
        ("var/lib/dpkg/status.d/netbase", netbase),
        ("var/lib/dpkg/status.d/dash", dash),
        ("var/lib/dpkg/status.d/dash.md5sums", b"0123 /bin/dash\n"),
    ]);
    let options = CollectOptions::new(root.path());
    let os = debian_12();
    let collection = DpkgCollector.collect(&Context {
        options: &options,
        os: Some(&os),
    });

    assert!(
        collection.diagnostics.is_empty(),
        "{:?}",
        collection.diagnostics
    );
    let rows: Vec<(&str, Option<&str>)> = collection
        .software
        .iter()
        .map(|row| (row.name.as_str(), row.path.as_deref()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("dash", Some("var/lib/dpkg/status.d/dash")),
            ("netbase", Some("var/lib/dpkg/status.d/netbase")),
        ]
    );
    assert_eq!(collection.software[0].status, None);
}

#[test]
fn ubuntu_rows_use_ubuntu_namespace() {
    let os = OsRelease {
        id: "ubuntu".to_owned(),
        version_id: Some("22.04".to_owned()),
        ..OsRelease::default()
    };
    let collection = collect_status(&fixture("multiarch.status"), Some(&os));
    let dpkg = find(&collection.software, "dpkg");
    assert_eq!(dpkg.ecosystem.as_deref(), Some("Ubuntu:22.04:LTS"));
    assert_eq!(
        dpkg.purl.as_deref(),
        Some("pkg:deb/ubuntu/dpkg@1.21.22?arch=amd64&distro=ubuntu-22.04")
    );
}

#[test]
fn collect_fills_device_and_rows() {
    let root = root_with(&[
        ("etc/os-release", DEBIAN_12.as_bytes()),
        ("etc/debian_version", b"12.11\n"),
        ("etc/hostname", b"build-host\n"),
        ("var/lib/dpkg/status", &fixture("multiarch.status")),
    ]);
    let inventory = collect(&CollectOptions::new(root.path()));

    let device = &inventory.device;
    assert_eq!(device.hostname.as_deref(), Some("build-host"));
    assert_eq!(device.architecture.as_deref(), Some("amd64"));
    assert_eq!(device.advisory_ecosystem.as_deref(), Some("Debian:12"));
    let os = device.os.as_ref().expect("OS detected");
    assert_eq!(os.point_release.as_deref(), Some("12.11"));
    assert_eq!(device.kernel, None);
    assert_eq!(inventory.software.len(), 3);
    assert!(
        inventory
            .software
            .iter()
            .all(|row| row.ecosystem.as_deref() == Some("Debian:12")),
        "every row carries the namespace"
    );
}

#[test]
fn unreadable_status_is_an_error_diagnostic() {
    // A directory where the status file should be cannot be read as a file.
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(root.path().join("var/lib/dpkg/status")).expect("mkdir");
    let options = CollectOptions::new(root.path());
    let collection = DpkgCollector.collect(&Context {
        options: &options,
        os: None,
    });
    assert!(collection.software.is_empty());
    assert_eq!(collection.diagnostics.len(), 1);
    assert_eq!(collection.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(
        collection.diagnostics[0].path.as_deref(),
        Some("var/lib/dpkg/status")
    );
}

#[test]
fn maintainer_recorded_as_vendor() {
    let status = b"Package: nodejs\nStatus: install ok installed\n\
Maintainer: NodeSource Support <support@nodesource.com>\nArchitecture: amd64\n\
Version: 20.20.2-1nodesource1+repack1\n\n\
Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2025b-0+deb12u1\n";
    let collection = collect_status(status, Some(&debian_12()));
    assert_eq!(
        find(&collection.software, "nodejs").vendor.as_deref(),
        Some("NodeSource Support <support@nodesource.com>")
    );
    assert_eq!(
        find(&collection.software, "tzdata").vendor,
        None,
        "no Maintainer field"
    );
}
