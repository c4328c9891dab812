//! apk, pacman and opkg collectors over the real databases in the shared fixtures.

use std::path::PathBuf;

use ward_inventory::collectors::apk::ApkCollector;
use ward_inventory::collectors::opkg::OpkgCollector;
use ward_inventory::collectors::pacman::PacmanCollector;
use ward_inventory::{CollectOptions, Collection, Collector, Context, OsRelease};

fn pkgdb() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
        .join("fixtures/pkgdb")
}

/// Copies `files` (relative target, source) into a new root and runs `collector` there.
fn collect_in_root(
    collector: &dyn Collector,
    files: &[(String, PathBuf)],
    os: Option<&OsRelease>,
) -> Collection {
    let root = tempfile::tempdir().expect("temp dir");
    for (relative, source) in files {
        let target = root.path().join(relative);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(source, &target).unwrap_or_else(|error| panic!("{source:?}: {error}"));
    }
    let options = CollectOptions::new(root.path());
    collector.collect(&Context {
        options: &options,
        os,
    })
}

fn names(collection: &Collection) -> Vec<&str> {
    collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect()
}

fn alpine() -> OsRelease {
    OsRelease {
        id: "alpine".to_owned(),
        version_id: Some("3.20.3".to_owned()),
        ..OsRelease::default()
    }
}

fn collect_apk(file: &str) -> Collection {
    let source = pkgdb().join("apk").join(file);
    let os = alpine();
    collect_in_root(
        &ApkCollector,
        &[("lib/apk/db/installed".to_owned(), source)],
        Some(&os),
    )
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn apk_fixtures_give_expected_counts() {
    // (file, rows, diagnostics, a named package and its version)
    let expected = [
        (
            "alpine-osv-scanner.installed",
            1,
            0,
            "apk-tools",
            "2.12.10-r1",
        ),
        ("alpine-scalibr.installed", 15, 0, "alpine-keys", ""),
        // The first line is `this is a corrupt db`.
        (
            "alpine-syft-corrupt.installed",
            1,
            1,
            "alpine-baselayout-data",
            "3.2.0-r22",
        ),
        (
            "alpine-syft-multiple-1.installed",
            4,
            0,
            "musl",
            "1.2.4_git20230717-r4",
        ),
        // One record, `invalidPackageWithoutAVersion`, has no `V:` line.
        ("alpine-trivy.installed", 15, 1, "musl", ""),
    ];
    for (file, rows, diagnostics, name, version) in expected {
        let collection = collect_apk(file);
        assert_eq!(collection.software.len(), rows, "{file}: rows");
        assert_eq!(
            collection.diagnostics.len(),
            diagnostics,
            "{file}: {:?}",
            collection.diagnostics
        );
        let row = collection
            .software
            .iter()
            .find(|row| row.name == name)
            .unwrap_or_else(|| panic!("{file}: `{name}` missing"));
        if !version.is_empty() {
            assert_eq!(row.version, version, "{file}: {name}");
        }
        assert_eq!(row.ecosystem.as_deref(), Some("Alpine:v3.20"), "{file}");
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn apk_origin_is_source_name() {
    let collection = collect_apk("alpine-syft-multiple-1.installed");
    let binsh = collection
        .software
        .iter()
        .find(|row| row.name == "busybox-binsh")
        .expect("busybox-binsh");
    assert_eq!(binsh.source_name.as_deref(), Some("busybox"));
    assert_eq!(binsh.architecture.as_deref(), Some("x86_64"));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pacman_local_database() {
    let local = pkgdb().join("pacman/var/lib/pacman/local");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&local).expect("read local dir") {
        let entry = entry.expect("entry");
        if !entry.file_type().expect("type").is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        files.push((
            format!("var/lib/pacman/local/{name}/desc"),
            entry.path().join("desc"),
        ));
    }
    let collection = collect_in_root(&PacmanCollector, &files, None);

    assert_eq!(
        names(&collection),
        vec!["emacs", "madeup", "pacman", "tree-sitter"]
    );
    // `corrupt-0.2.1-3/desc` misspells `%NAME%` as `%NME%`.
    assert_eq!(
        collection.diagnostics.len(),
        1,
        "{:?}",
        collection.diagnostics
    );
    assert_eq!(
        collection.diagnostics[0].path.as_deref(),
        Some("var/lib/pacman/local/corrupt-0.2.1-3/desc")
    );
    let pacman = &collection.software[2];
    assert_eq!(pacman.version, "6.0.1-5");
    assert_eq!(pacman.architecture.as_deref(), Some("x86_64"));
    assert_eq!(pacman.ecosystem, None, "Arch has no advisory namespace");
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pacman_scalibr_desc() {
    let source = pkgdb().join("pacman/scalibr-valid.desc");
    let collection = collect_in_root(
        &PacmanCollector,
        &[("var/lib/pacman/local/gawk-5.3.1-1/desc".to_owned(), source)],
        None,
    );
    assert_eq!(names(&collection), vec!["gawk"]);
    assert_eq!(collection.software[0].version, "5.3.1-1");
    assert_eq!(collection.software[0].source_name, None, "base equals name");
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn opkg_openwrt_status() {
    let source = pkgdb().join("opkg/openwrt-style-valid.status");
    let os = OsRelease {
        id: "openwrt".to_owned(),
        version_id: Some("23.05.5".to_owned()),
        ..OsRelease::default()
    };
    let collection = collect_in_root(
        &OpkgCollector,
        &[("usr/lib/opkg/status".to_owned(), source)],
        Some(&os),
    );
    assert!(
        collection.diagnostics.is_empty(),
        "{:?}",
        collection.diagnostics
    );
    assert_eq!(
        names(&collection),
        vec!["ubus", "libuci20130104", "busybox"]
    );
    let busybox = &collection.software[2];
    assert_eq!(busybox.version, "1.36.1-r2");
    assert_eq!(busybox.package_type, "opkg");
    assert_eq!(busybox.ecosystem, None, "OpenWrt has no advisory namespace");
    assert_eq!(
        busybox.purl.as_deref(),
        Some("pkg:opkg/openwrt/busybox@1.36.1-r2?arch=x86_64&distro=openwrt-23.05.5")
    );
    assert_eq!(busybox.path.as_deref(), Some("usr/lib/opkg/status"));
}
