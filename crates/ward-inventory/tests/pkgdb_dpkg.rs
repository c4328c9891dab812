//! dpkg collector over every real status database in the shared fixtures.

use std::path::{Path, PathBuf};

use ward_inventory::collectors::dpkg::DpkgCollector;
use ward_inventory::{CollectOptions, Collection, Collector, Context, DiagnosticLevel, OsRelease};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

fn dpkg_fixtures() -> PathBuf {
    shared_dir().join("fixtures/pkgdb/dpkg")
}

/// Runs the collector over a root that contains `files` (target path, source file).
fn collect_files(files: &[(&str, &Path)]) -> Collection {
    let root = tempfile::tempdir().expect("temp dir");
    for (relative, source) in files {
        let target = root.path().join(relative);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(source, &target).unwrap_or_else(|error| panic!("{source:?}: {error}"));
    }
    let os = OsRelease {
        id: "debian".to_owned(),
        version_id: Some("12".to_owned()),
        ..OsRelease::default()
    };
    let options = CollectOptions::new(root.path());
    DpkgCollector.collect(&Context {
        options: &options,
        os: Some(&os),
    })
}

fn collect_status(name: &str) -> Collection {
    collect_files(&[("var/lib/dpkg/status", &dpkg_fixtures().join(name))])
}

/// (file, installed rows, diagnostics) for every status file in the fixture set.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("claircore-debian-only.status", 1, 0),
    ("debian-12-bookworm-amd64-this-machine.status", 720, 0),
    ("debian-apt-single.status", 1, 0),
    ("ubuntu-14.04-armhf-184pkgs.status", 184, 0),
    // One stanza is `deinstall ok config-files` (git).
    ("ubuntu-18.04-amd64-91pkgs.status", 90, 1),
    ("ubuntu-18.04-texlive-357pkgs.status", 357, 0),
    ("edge-cases/coreutils-relationships.status", 9, 0),
    // Field names are misspelt (`Pakij`, `Stratus`) and a line has no colon.
    ("edge-cases/corrupt.status", 0, 1),
    // One kernel installed, one removed with its configuration left.
    ("edge-cases/deinstall.status", 1, 1),
    ("edge-cases/installed-size-4KB.status", 1, 0),
    ("edge-cases/scalibr-trailingnewlines.status", 1, 0),
    ("edge-cases/scalibr-transitional_dummy.status", 1, 0),
    ("edge-cases/scalibr-valid-7pkgs.status", 7, 0),
    // A vcpkg database in dpkg syntax: rejected whole.
    ("vcpkg-status", 0, 1),
];

#[test]
#[ignore = "real data: run by .ci/run"]
fn every_status_fixture_gives_expected_counts() {
    for (name, installed, diagnostics) in EXPECTED {
        let collection = collect_status(name);
        assert_eq!(
            collection.software.len(),
            *installed,
            "{name}: installed rows"
        );
        assert_eq!(
            collection.diagnostics.len(),
            *diagnostics,
            "{name}: diagnostics {:?}",
            collection.diagnostics
        );
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn fixture_list_covers_every_file() {
    let mut found = Vec::new();
    for directory in [dpkg_fixtures(), dpkg_fixtures().join("edge-cases")] {
        for entry in std::fs::read_dir(&directory).expect("read fixture dir") {
            let entry = entry.expect("dir entry");
            if entry.file_type().expect("file type").is_file() {
                let relative = entry.path();
                let relative = relative.strip_prefix(dpkg_fixtures()).expect("below");
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    for name in found {
        assert!(
            EXPECTED.iter().any(|(expected, _, _)| *expected == name),
            "fixture `{name}` has no expected counts"
        );
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn this_machine_status_named_packages() {
    let collection = collect_status("debian-12-bookworm-amd64-this-machine.status");
    let software = &collection.software;

    let bash = software
        .iter()
        .find(|row| row.name == "bash")
        .expect("bash");
    assert_eq!(bash.ecosystem.as_deref(), Some("Debian:12"));
    assert!(bash.version.starts_with("5.2.15-2"), "{}", bash.version);

    let with_source_version = software
        .iter()
        .filter(|row| row.source_version.is_some())
        .count();
    assert!(
        with_source_version > 0,
        "binNMU rows carry their source version"
    );
    assert!(
        software
            .iter()
            .all(|row| row.status.as_deref() == Some("install ok installed")),
        "every row is installed"
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn scalibr_source_with_version() {
    let collection = collect_status("edge-cases/scalibr-valid-7pkgs.status");
    let extra = collection
        .software
        .iter()
        .find(|row| row.name == "util-linux-extra")
        .expect("util-linux-extra");
    assert_eq!(extra.source_name.as_deref(), Some("util-linux"));
    assert_eq!(extra.source_version.as_deref(), Some("2.38.1-5"));
    assert_eq!(extra.version, "2.38.1-5+b1");

    let attr = collection
        .software
        .iter()
        .find(|row| row.name == "attr")
        .expect("attr");
    assert_eq!(attr.version, "1:2.5.1-4", "epoch kept");
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn deinstalled_kernel_is_a_diagnostic() {
    let collection = collect_status("edge-cases/deinstall.status");
    let names: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(names, vec!["linux-image-6.14.0-1012-aws"]);
    let diagnostic = &collection.diagnostics[0];
    assert_eq!(diagnostic.level, DiagnosticLevel::Info);
    assert!(diagnostic.message.contains("linux-image-6.8.0-1029-aws"));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn distroless_status_dir() {
    let directory = dpkg_fixtures().join("debian-distroless-style/status.d");
    let collection = collect_files(&[
        ("var/lib/dpkg/status.d/dash", &directory.join("dash")),
        ("var/lib/dpkg/status.d/netbase", &directory.join("netbase")),
    ]);
    let names: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(names, vec!["dash", "netbase"]);
    assert!(
        collection.diagnostics.is_empty(),
        "{:?}",
        collection.diagnostics
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn signed_ubuntu_kernel_maps_to_its_source() {
    let mut collection = collect_status("edge-cases/deinstall.status");
    let running = ward_inventory::Kernel {
        release: "6.14.0-1012-aws".to_owned(),
        version: None,
    };
    let mut diagnostics = Vec::new();
    let reboot = ward_inventory::os::annotate_kernels(
        &mut collection.software,
        Some(&running),
        &mut diagnostics,
    );

    assert_eq!(reboot, Some(false), "the only installed kernel is running");
    let row = &collection.software[0];
    let kernel = row.kernel.as_ref().expect("kernel facts");
    assert_eq!(kernel.release, "6.14.0-1012-aws");
    assert_eq!(kernel.flavour.as_deref(), Some("aws"));
    assert_eq!(kernel.source_name, "linux-aws-6.14");
    assert_eq!(kernel.is_running, Some(true));
    assert_eq!(row.source_name.as_deref(), Some("linux-aws-6.14"));
}
