//! Vendor builds of Debian package names with plain revisions (`1.2.3-1`), from a fixture
//! root with a dpkg status and APT package lists, through the real collector.

use std::io::Write;
use std::path::Path;

use ward_assess::{assess, Assessment, NotAssessedReason, ORIGIN_UNKNOWN};
use ward_intel::{Advisory, Affected, MemoryIntel};
use ward_inventory::{collect, CollectOptions, Inventory};
use ward_version::range::{Event, Range, RangeKind};

const STATUS: &str = "\
Package: vendortool
Status: install ok installed
Maintainer: Vendor Ops <ops@vendor.example>
Architecture: amd64
Version: 1.2.3-1

Package: zlib1g
Status: install ok installed
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1

Package: oldtool
Status: install ok installed
Maintainer: Someone <someone@gmail.example>
Architecture: amd64
Version: 2.0-1

Package: knowntool
Status: install ok installed
Maintainer: Someone <someone@gmail.example>
Architecture: amd64
Version: 3.0-2

Package: cloudcli
Status: install ok installed
Maintainer: Cloud <cloud@cloud.example>
Architecture: all
Version: 500.0.0-0
";

const DEBIAN_LIST: &str = "\
Package: zlib1g
Source: zlib
Version: 1:1.2.13.dfsg-1
Architecture: amd64

Package: knowntool
Version: 3.0-2
Architecture: amd64
";

const VENDOR_LIST: &str = "\
Package: vendortool
Version: 1.2.3-1
Architecture: amd64
";

const CLOUD_LIST: &str = "\
Package: cloudcli
Version: 500.0.0-0
Architecture: all
";

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("directory");
    std::fs::write(path, bytes).expect("file written");
}

fn lz4(text: &str) -> Vec<u8> {
    let mut encoder = lz4_flex::frame::FrameEncoder::new(Vec::new());
    encoder.write_all(text.as_bytes()).expect("compressed");
    encoder.finish().expect("frame finished")
}

/// Writes a Debian 12 root with the three archives' lists: Debian's (LZ4, as on Debian's
/// container images), a vendor's with a Release file, and a flat repository without one.
fn fixture_root(root: &Path) {
    write(&root.join("var/lib/dpkg/status"), STATUS.as_bytes());
    write(
        &root.join("etc/os-release"),
        b"NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n",
    );

    let lists = root.join("var/lib/apt/lists");
    write(
        &lists.join("deb.debian.org_debian_dists_bookworm_InRelease"),
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nLabel: Debian\n",
    );
    write(
        &lists.join("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"),
        &lz4(DEBIAN_LIST),
    );
    write(
        &lists.join("apt.vendor.example_dists_stable_Release"),
        b"Origin: Vendor Inc\nSuite: stable\n",
    );
    write(
        &lists.join("apt.vendor.example_dists_stable_main_binary-amd64_Packages"),
        VENDOR_LIST.as_bytes(),
    );
    write(
        &lists.join("packages.cloud.example_apt_._Packages"),
        CLOUD_LIST.as_bytes(),
    );
}

fn advisory(id: &str, package: &str, fixed: &str) -> Advisory {
    Advisory {
        id: id.to_owned(),
        aliases: Vec::new(),
        related: Vec::new(),
        summary: None,
        modified: None,
        published: None,
        withdrawn: None,
        severity: Vec::new(),
        affected: vec![Affected {
            ecosystem: "Debian:12".to_owned(),
            package: package.to_owned(),
            purl: None,
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                events: vec![
                    Event::Introduced("0".to_owned()),
                    Event::Fixed(fixed.to_owned()),
                ],
            }],
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: None,
        }],
        source: "osv:Debian".to_owned(),
    }
}

fn scan(root: &Path) -> (Inventory, Assessment) {
    let inventory = collect(&CollectOptions::new(root));
    let mut intel = MemoryIntel::new();
    for (number, package) in ["vendortool", "zlib", "oldtool", "knowntool", "cloudcli"]
        .into_iter()
        .enumerate()
    {
        intel.add_advisory(advisory(
            &format!("DEBIAN-CVE-2024-{:04}", number + 1),
            package,
            "5:9.9-1",
        ));
    }
    // A record naming oldtool 2.5-1, not the installed version, proves nothing.
    intel.add_advisory(advisory("DEBIAN-CVE-2023-0001", "oldtool", "2.5-1"));
    let assessment = assess(&inventory, &intel);
    (inventory, assessment)
}

fn origins<'a>(inventory: &'a Inventory, name: &str) -> &'a [String] {
    &inventory
        .software
        .iter()
        .find(|row| row.name == name)
        .unwrap_or_else(|| panic!("{name} collected"))
        .apt_origins
}

#[test]
fn apt_lists_give_origins() {
    let root = tempfile::tempdir().expect("temporary directory");
    fixture_root(root.path());
    let (inventory, _) = scan(root.path());

    assert_eq!(origins(&inventory, "zlib1g"), ["Debian"]);
    assert_eq!(origins(&inventory, "knowntool"), ["Debian"]);
    assert_eq!(origins(&inventory, "vendortool"), ["Vendor Inc"]);
    assert_eq!(
        origins(&inventory, "cloudcli"),
        ["packages.cloud.example"],
        "a flat repository without Release file is named by its host"
    );
    assert!(origins(&inventory, "oldtool").is_empty());
}

#[test]
fn vendor_archive_builds_set_aside() {
    let root = tempfile::tempdir().expect("temporary directory");
    fixture_root(root.path());
    let (_, assessment) = scan(root.path());

    let mut skipped: Vec<&str> = assessment
        .not_assessed
        .iter()
        .filter(|row| row.reason == NotAssessedReason::ThirdPartyBuild)
        .map(|row| row.name.as_str())
        .collect();
    skipped.sort_unstable();
    assert_eq!(skipped, ["cloudcli", "vendortool"]);
    assert_eq!(assessment.stats.software_third_party, 2);
}

#[test]
fn doubtful_origin_marked_not_dropped() {
    let root = tempfile::tempdir().expect("temporary directory");
    fixture_root(root.path());
    let (_, assessment) = scan(root.path());

    let finding_of = |package: &str| {
        assessment
            .findings
            .iter()
            .find(|finding| finding.component.advisory_package == package)
            .unwrap_or_else(|| panic!("a finding for {package}"))
    };

    let old = finding_of("oldtool");
    let reason = old
        .component
        .origin_unknown
        .as_deref()
        .expect("oldtool's origin is unknown");
    assert!(reason.contains("someone@gmail.example"), "{reason}");

    assert_eq!(
        finding_of("knowntool").component.origin_unknown,
        None,
        "Debian's list carries knowntool 3.0-2"
    );
    assert_eq!(finding_of("zlib").component.origin_unknown, None);

    let warning = assessment
        .diagnostics
        .iter()
        .find(|d| d.code.as_deref() == Some(ORIGIN_UNKNOWN))
        .expect("an origin-unknown diagnostic");
    assert!(
        warning.message.starts_with("1 package(s)"),
        "{}",
        warning.message
    );
}

#[test]
fn version_in_records_confirms_origin() {
    let root = tempfile::tempdir().expect("temporary directory");
    fixture_root(root.path());
    let inventory = collect(&CollectOptions::new(root.path()));

    // A record whose range starts at the installed version shows Debian published it.
    let mut intel = MemoryIntel::new();
    let mut record = advisory("DEBIAN-CVE-2024-0100", "oldtool", "5:9.9-1");
    record.affected[0].ranges[0].events[0] = Event::Introduced("2.0-1".to_owned());
    intel.add_advisory(record);
    let assessment = assess(&inventory, &intel);

    assert_eq!(assessment.findings.len(), 1);
    assert_eq!(assessment.findings[0].component.origin_unknown, None);
    assert!(!assessment
        .diagnostics
        .iter()
        .any(|d| d.code.as_deref() == Some(ORIGIN_UNKNOWN)));
}
