//! Symbolic links inside a collection root resolve as a chroot would: absolute targets name
//! files of the image, `..` stops at the root, and loops become diagnostics.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;

use ward_inventory::{collect, CollectOptions, Inventory};

const ALPINE_RELEASE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n";

const APK_INSTALLED: &str = "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\n";

fn write(root: &Path, relative: &str, content: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
    std::fs::write(path, content).expect("write file");
}

fn link(root: &Path, relative: &str, target: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
    symlink(target, path).expect("symlink");
}

/// Builds an image whose package database, os-release and site-packages sit behind absolute links,
/// with links that point outside the root and a loop.
fn image() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    let root_path = root.path();
    write(root_path, "usr/lib/os-release", ALPINE_RELEASE);
    link(root_path, "etc/os-release", "/usr/lib/os-release");
    write(root_path, "data/apk/installed", APK_INSTALLED);
    link(root_path, "lib/apk/db", "/data/apk");
    write(
        root_path,
        "opt/venv/site-packages/six-1.16.0.dist-info/METADATA",
        "Name: six\nVersion: 1.16.0\n",
    );
    link(
        root_path,
        "usr/lib/python3.11/site-packages",
        "/opt/venv/site-packages",
    );
    // Both exist on most hosts but not in the image, so neither may be read.
    link(root_path, "etc/hostname", "/etc/hostname");
    link(
        root_path,
        "var/lib/dbus/machine-id",
        "../../../../../../../etc/machine-id",
    );
    link(root_path, "etc/machine-id", "/etc/machine-id");
    root
}

fn collect_image(root: &Path) -> Inventory {
    collect(&CollectOptions::new(root))
}

#[test]
fn absolute_links_resolve_inside_root() {
    let root = image();
    let inventory = collect_image(root.path());

    let os = inventory
        .device
        .os
        .as_ref()
        .expect("os-release read through the link");
    assert_eq!(os.id, "alpine");
    assert_eq!(os.version_id.as_deref(), Some("3.19.1"));

    let musl = inventory
        .software
        .iter()
        .find(|row| row.name == "musl")
        .expect("apk database read through the directory link");
    assert_eq!(musl.version, "1.2.4_git20230717-r4");
}

#[test]
fn links_out_of_root_read_nothing_from_host() {
    let root = image();
    let inventory = collect_image(root.path());
    assert_eq!(inventory.device.hostname, None);
    assert_eq!(inventory.device.machine_id, None);
}

#[test]
fn linked_site_packages_counted_once() {
    let root = image();
    let inventory = collect_image(root.path());
    let six: Vec<_> = inventory
        .software
        .iter()
        .filter(|row| row.name == "six")
        .collect();
    assert_eq!(six.len(), 1, "{six:?}");
    assert_eq!(
        six[0].path.as_deref(),
        Some("opt/venv/site-packages/six-1.16.0.dist-info/METADATA")
    );
}

#[test]
fn link_loop_is_a_diagnostic() {
    let root = image();
    link(root.path(), "etc/apk/arch", "/etc/apk/arch-loop");
    link(root.path(), "etc/apk/arch-loop", "/etc/apk/arch");
    std::fs::remove_file(root.path().join("etc/hostname")).expect("remove link");
    link(root.path(), "etc/hostname", "hostname");

    let inventory = collect_image(root.path());
    let diagnostic = inventory
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.path.as_deref() == Some("etc/hostname"))
        .expect("diagnostic for the looping hostname link");
    assert!(
        diagnostic
            .message
            .contains("too many levels of symbolic links"),
        "{}",
        diagnostic.message
    );
    assert!(inventory.software.iter().any(|row| row.name == "musl"));
}
