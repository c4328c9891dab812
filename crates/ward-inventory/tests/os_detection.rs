//! OS detection and advisory namespace through `collect` on fixture roots.

use ward_inventory::{collect, CollectOptions, DiagnosticLevel, Inventory};

fn collect_root(files: &[(&str, &str)]) -> Inventory {
    let root = tempfile::tempdir().expect("temp dir");
    for (relative, contents) in files {
        let path = root.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    collect(&CollectOptions::new(root.path()))
}

#[test]
fn usr_lib_os_release_is_the_fallback() {
    let inventory = collect_root(&[(
        "usr/lib/os-release",
        "ID=ubuntu\nVERSION_ID=\"24.04\"\nVERSION_CODENAME=noble\n",
    )]);
    let os = inventory.device.os.expect("OS detected");
    assert_eq!(os.id, "ubuntu");
    assert_eq!(
        inventory.device.advisory_ecosystem.as_deref(),
        Some("Ubuntu:24.04:LTS")
    );
}

#[test]
fn legacy_release_files_identify_the_os() {
    let cases = [
        (
            "etc/alpine-release",
            "3.20.3\n",
            "alpine",
            Some("Alpine:v3.20"),
        ),
        (
            "etc/redhat-release",
            "Rocky Linux release 9.3 (Blue Onyx)\n",
            "rocky",
            Some("Rocky Linux:9"),
        ),
        ("etc/arch-release", "", "arch", None),
        ("etc/debian_version", "11.9\n", "debian", Some("Debian:11")),
    ];
    for (path, contents, id, ecosystem) in cases {
        let inventory = collect_root(&[(path, contents)]);
        let os = inventory
            .device
            .os
            .as_ref()
            .unwrap_or_else(|| panic!("{path}: no OS"));
        assert_eq!(os.id, id, "{path}");
        assert_eq!(
            inventory.device.advisory_ecosystem.as_deref(),
            ecosystem,
            "{path}"
        );
    }
}

#[test]
fn debian_testing_uses_codename_from_debian_version() {
    let inventory = collect_root(&[
        (
            "etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nID=debian\n",
        ),
        ("etc/debian_version", "trixie/sid\n"),
    ]);
    let os = inventory.device.os.expect("OS detected");
    assert_eq!(os.version_codename.as_deref(), Some("trixie"));
    assert_eq!(os.version_id, None);
    assert_eq!(
        inventory.device.advisory_ecosystem.as_deref(),
        Some("Debian:13")
    );
}

#[test]
fn unmapped_release_is_an_explicit_state() {
    let inventory = collect_root(&[(
        "etc/os-release",
        "ID=alpine\nVERSION_ID=3.21.0_alpha20240807\nPRETTY_NAME=\"Alpine Linux edge\"\n",
    )]);
    assert_eq!(inventory.device.advisory_ecosystem, None);
    let diagnostic = inventory
        .diagnostics
        .iter()
        .find(|diagnostic| {
            diagnostic
                .message
                .starts_with("no advisory data for this release")
        })
        .expect("an unmapped-release diagnostic");
    assert_eq!(diagnostic.level, DiagnosticLevel::Warning);
    assert!(
        diagnostic.message.contains("edge"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn broken_os_release_lines_are_reported() {
    let inventory = collect_root(&[(
        "etc/os-release",
        "ID=debian\nVERSION_ID=\"12\nthis is not an assignment\n",
    )]);
    let lines: Vec<Option<u64>> = inventory
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.path.as_deref() == Some("etc/os-release"))
        .map(|diagnostic| diagnostic.line)
        .collect();
    assert_eq!(lines, vec![Some(2), Some(3)]);
    assert_eq!(inventory.device.os.expect("ID still read").id, "debian");
}
