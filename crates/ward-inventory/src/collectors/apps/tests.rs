//! Real-data tests over application inventories collected from real machines.

use std::path::PathBuf;

use super::*;
use crate::collectors::{Collection, Context};
use crate::CollectOptions;

fn pkgdb() -> PathBuf {
    let shared = std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    shared.join("fixtures/pkgdb")
}

fn find<'a>(collection: &'a Collection, name: &str) -> &'a Software {
    collection
        .software
        .iter()
        .find(|row| row.name == name)
        .unwrap_or_else(|| panic!("`{name}` not found"))
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_macos_info_plists() {
    let base = pkgdb().join("macos");
    // The osquery plist has no CFBundleName or CFBundleDisplayName, so the bundle's
    // directory name (the fallback given) names it.
    let cases = [
        (
            "Applications/Slack.app/Contents/Info.plist",
            "Slack",
            "4.50.128",
            "com.tinyspeck.slackmacgap",
        ),
        (
            "scalibr-ValidXML-Info.plist",
            "Chrome",
            "130.0.6723.69",
            "com.google.Chrome",
        ),
        (
            "osquery-test_info.plist",
            "Photo Booth",
            "6.0",
            "com.apple.PhotoBooth",
        ),
        (
            "wazuh-PKGWrapperTest_LongVersion-Info.plist",
            "Opera",
            "100.0",
            "com.operasoftware.Opera",
        ),
    ];
    for (file, name, version, identifier) in cases {
        let collection = macos::parse_info_plist_file(&base.join(file), file, "Photo Booth");
        assert_eq!(collection.diagnostics, vec![], "{file}");
        assert_eq!(collection.software.len(), 1, "{file}");
        let row = &collection.software[0];
        assert_eq!(row.name, name, "{file}");
        assert_eq!(row.version, version, "{file}");
        assert_eq!(row.identifier.as_deref(), Some(identifier), "{file}");
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_macos_bundle_tree() {
    let options = CollectOptions::new(pkgdb().join("macos"));
    let context = Context {
        options: &options,
        os: None,
    };
    let collection = macos::MacAppsCollector.collect(&context);
    assert_eq!(collection.diagnostics, vec![]);
    assert_eq!(collection.software.len(), 1);
    assert_eq!(collection.software[0].name, "Slack");
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_macos_receipts() {
    let base = pkgdb().join("macos/receipts");
    let cases = [
        (
            "com.wazuh.pkg.wazuh-agent.plist",
            "com.wazuh.pkg.wazuh-agent",
            "4.10.1",
            true,
        ),
        (
            "org.R-project.x86_64.R.GUI.pkg.plist",
            "org.R-project.x86_64.R.GUI.pkg",
            "1.81",
            true,
        ),
    ];
    for (file, name, version, has_date) in cases {
        let collection = macos::parse_receipt_file(&base.join(file), file);
        assert_eq!(collection.diagnostics, vec![], "{file}");
        let row = &collection.software[0];
        assert_eq!(row.name, name, "{file}");
        assert_eq!(row.version, version, "{file}");
        assert_eq!(row.installed_at.is_some(), has_date, "{file}");
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_system_profiler_text() {
    let path = pkgdb().join("macos/system_profiler/sample1.SPApplicationsDataType");
    let text = fs_err::read_to_string(&path).unwrap();
    let collection = system_profiler::parse_text(&text, "sample1");
    assert_eq!(collection.diagnostics, vec![]);
    assert_eq!(collection.software.len(), 349);
    let without_version = collection
        .software
        .iter()
        .filter(|row| row.version.is_empty())
        .count();
    assert_eq!(without_version, 12);
    assert_eq!(find(&collection, "Safari").version, "5.1.2");
    assert_eq!(
        find(&collection, "Mise à jour de logiciels").version,
        "4.0.6"
    );
    assert_eq!(
        find(&collection, "Terminal").identifier.as_deref(),
        Some("/Applications/Utilities/Terminal.app")
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_system_profiler_xml() {
    let path = pkgdb().join("macos/system_profiler/sample5.SPApplicationsDataType-xml");
    let bytes = fs_err::read(&path).unwrap();
    let collection = system_profiler::parse_xml(&bytes, "sample5");
    assert_eq!(collection.diagnostics, vec![]);
    assert_eq!(collection.software.len(), 367);
    let with_version = collection
        .software
        .iter()
        .filter(|row| !row.version.is_empty())
        .count();
    assert_eq!(with_version, 361);
    assert_eq!(find(&collection, "Safari").version, "17.4.1");
    assert_eq!(find(&collection, "OneDrive").version, "24.065.0331");
    assert_eq!(
        find(&collection, "OneDrive").vendor.as_deref(),
        Some("Developer ID Application: Microsoft Corporation (UBF8T346G9)")
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_homebrew_prefix() {
    let prefix = pkgdb().join("homebrew");
    let collection = homebrew::collect_prefix(&pkgdb(), &prefix);
    assert_eq!(collection.diagnostics, vec![]);
    // `Caskroom/somefolder` contains a receipt but no version directory, so it is no cask.
    assert_eq!(collection.software.len(), 1);
    let rclone = &collection.software[0];
    assert_eq!(rclone.name, "rclone");
    assert_eq!(rclone.version, "1.67.0");
    assert_eq!(rclone.architecture.as_deref(), Some("x86_64"));
    assert_eq!(
        rclone.installed_at.map(|time| time.timestamp()),
        Some(1722991679)
    );
    assert_eq!(
        rclone.path.as_deref(),
        Some("homebrew/Cellar/rclone/1.67.0/INSTALL_RECEIPT.json")
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_windows_uninstall_export() {
    let path = pkgdb().join("windows/win10-russian-Uninstall.reg");
    let bytes = fs_err::read(&path).unwrap();
    let collection = windows::reg_export::parse(&bytes, "Uninstall.reg");
    assert_eq!(collection.diagnostics, vec![]);
    assert_eq!(collection.software.len(), 2);
    let csp = find(&collection, "КриптоПро CSP");
    assert_eq!(csp.version, "5.0.12000");
    assert_eq!(csp.vendor.as_deref(), Some("Компания КриптоПро"));
    assert_eq!(
        csp.installed_at.map(|time| time.date_naive().to_string()),
        Some("2021-07-24".to_owned())
    );
    assert_eq!(find(&collection, "1C Предприятие 7.7").version, "77.27");
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_dism_packages() {
    let path = pkgdb().join("windows/dism-get-packages.txt");
    let text = fs_err::read_to_string(&path).unwrap();
    let packages = windows::dism::parse(&text, "dism.txt");
    assert_eq!(packages.image_version.as_deref(), Some("10.0.17763.3406"));
    let collection = &packages.collection;
    assert_eq!(collection.diagnostics, vec![]);
    // Six packages, one of them superseded.
    assert_eq!(collection.software.len(), 5);
    let kb = find(collection, "Package_for_KB4470788");
    assert_eq!(kb.version, "17763.164.1.1");
    assert_eq!(windows::dism::kb_number(&kb.name), Some("KB4470788"));
    assert_eq!(
        find(collection, "Package_for_RollupFix").version,
        "17763.3406.1.5"
    );
    assert_eq!(
        find(collection, "Microsoft-Windows-WordPad-FoD-Package")
            .architecture
            .as_deref(),
        Some("wow64")
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_chocolatey_nuspec() {
    let path = pkgdb().join("windows/chocolatey/atom.nuspec");
    let collection = chocolatey::parse_file(&path, "atom.nuspec");
    assert_eq!(collection.diagnostics, vec![]);
    assert_eq!(collection.software.len(), 1);
    let atom = &collection.software[0];
    assert_eq!(atom.name, "atom");
    assert_eq!(atom.version, "1.60.0");
    assert_eq!(atom.vendor.as_deref(), Some("GitHub Inc."));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_snap_and_flatpak_lists() {
    let base = pkgdb().join("command-output");
    let snap_text = fs_err::read_to_string(base.join("glpi-snap.txt")).unwrap();
    let snaps = snap::parse_list_output(&snap_text, "glpi-snap.txt");
    assert_eq!(snaps.diagnostics, vec![]);
    assert_eq!(snaps.software.len(), 5);
    assert_eq!(find(&snaps, "kdenlive").version, "19.08.2");
    assert_eq!(find(&snaps, "core18").vendor.as_deref(), Some("canonical"));
    assert_eq!(
        find(&snaps, "scrcpy").identifier.as_deref(),
        Some("scrcpy/174")
    );

    let flatpak_text = fs_err::read_to_string(base.join("glpi-flatpak.txt")).unwrap();
    let flatpaks = flatpak::parse_list_output(&flatpak_text, "glpi-flatpak.txt");
    assert_eq!(flatpaks.diagnostics, vec![]);
    assert_eq!(flatpaks.software.len(), 12);
    let gl: Vec<(&str, Option<&str>)> = flatpaks
        .software
        .iter()
        .filter(|row| row.name == "org.freedesktop.Platform.GL.default")
        .map(|row| (row.version.as_str(), row.status.as_deref()))
        .collect();
    assert_eq!(
        gl,
        [
            ("19.08", Some("system")),
            ("20.08", Some("system")),
            ("20.08", Some("user"))
        ]
    );
}
