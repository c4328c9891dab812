//! Matching language packages and non-Debian OS packages, with records in the shapes of
//! the real OSV exports, held in `MemoryIntel`.

use ward_assess::{
    assess, Assessment, Finding, FindingStatus, KeyedBy, NotAssessedReason, NO_ADVISORY_DATA,
};
use ward_intel::{Advisory, Affected, MemoryIntel};
use ward_inventory::{Device, DiagnosticLevel, Inventory, Software, SCHEMA_VERSION};
use ward_version::range::{Event, Range, RangeKind};

fn software(ecosystem: &str, package_type: &str, name: &str, version: &str) -> Software {
    Software {
        name: name.to_owned(),
        version: version.to_owned(),
        package_type: package_type.to_owned(),
        ecosystem: Some(ecosystem.to_owned()),
        path: Some(format!("somewhere/{name}")),
        collector: "test".to_owned(),
        ..Software::default()
    }
}

fn with_source(mut row: Software, name: &str, version: &str) -> Software {
    row.source_name = Some(name.to_owned());
    row.source_version = Some(version.to_owned());
    row
}

fn inventory(software: Vec<Software>) -> Inventory {
    Inventory {
        schema_version: SCHEMA_VERSION,
        device: Device::default(),
        collected_at: chrono::Utc::now(),
        software,
        diagnostics: Vec::new(),
        extra: Default::default(),
    }
}

fn range(kind: RangeKind, introduced: &str, fixed: &str) -> Range {
    Range {
        kind,
        events: vec![
            Event::Introduced(introduced.to_owned()),
            Event::Fixed(fixed.to_owned()),
        ],
    }
}

fn affected(ecosystem: &str, package: &str, ranges: Vec<Range>) -> Affected {
    Affected {
        ecosystem: ecosystem.to_owned(),
        package: package.to_owned(),
        purl: None,
        ranges,
        versions: Vec::new(),
        ecosystem_specific: None,
        database_specific: None,
    }
}

fn advisory(id: &str, aliases: &[&str], source: &str, affected: Vec<Affected>) -> Advisory {
    Advisory {
        id: id.to_owned(),
        aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
        related: Vec::new(),
        summary: None,
        modified: None,
        published: None,
        withdrawn: None,
        severity: Vec::new(),
        affected,
        source: source.to_owned(),
    }
}

fn intel(advisories: Vec<Advisory>) -> MemoryIntel {
    let mut intel = MemoryIntel::new();
    for advisory in advisories {
        intel.add_advisory(advisory);
    }
    intel
}

fn finding<'a>(assessment: &'a Assessment, id: &str) -> &'a Finding {
    assessment
        .findings
        .iter()
        .find(|finding| finding.vulnerability_id == id)
        .unwrap_or_else(|| panic!("no finding {id} in {:#?}", assessment.findings))
}

/// One language package per ecosystem, each inside a range of its own scheme, plus one
/// just past the fix.
#[test]
fn language_ecosystems_use_own_schemes() {
    // (ecosystem, package type, installed name, installed version, record name, fixed)
    let cases = [
        ("PyPI", "pypi", "urllib3", "1.26.4", "urllib3", "1.26.5"),
        (
            "PyPI",
            "pypi",
            "zope-interface",
            "5.0",
            "zope-interface",
            "5.0.post1",
        ),
        (
            "npm",
            "npm",
            "@babel/traverse",
            "7.22.5",
            "@babel/traverse",
            "7.23.2",
        ),
        ("crates.io", "cargo", "time", "0.1.44", "time", "0.2.23"),
        (
            "Go",
            "golang",
            "golang.org/x/net",
            "v0.7.0",
            "golang.org/x/net",
            "0.17.0",
        ),
        ("Go", "golang", "stdlib", "v1.21.5", "stdlib", "1.21.8"),
        (
            "Maven",
            "maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            "org.apache.logging.log4j:log4j-core",
            "2.15.0",
        ),
        (
            "RubyGems", "gem", "nokogiri", "1.13.9", "nokogiri", "1.13.10",
        ),
        (
            "NuGet",
            "nuget",
            "Newtonsoft.Json",
            "12.0.3",
            "Newtonsoft.Json",
            "13.0.1",
        ),
        (
            "Packagist",
            "composer",
            "guzzlehttp/psr7",
            "2.4.4",
            "guzzlehttp/psr7",
            "2.4.5",
        ),
    ];

    let mut rows = Vec::new();
    let mut advisories = Vec::new();
    for (index, (ecosystem, package_type, name, version, record_name, fixed)) in
        cases.iter().enumerate()
    {
        rows.push(software(ecosystem, package_type, name, version));
        advisories.push(advisory(
            &format!("GHSA-test-{index}"),
            &[],
            &format!("osv:{ecosystem}"),
            vec![affected(
                ecosystem,
                record_name,
                vec![range(RangeKind::Ecosystem, "0", fixed)],
            )],
        ));
    }
    let assessment = assess(&inventory(rows), &intel(advisories));

    for (index, (ecosystem, _, name, _, _, fixed)) in cases.iter().enumerate() {
        let id = format!("GHSA-test-{index}");
        let finding = finding(&assessment, &id);
        assert_eq!(
            finding.status,
            FindingStatus::AffectedWithFix,
            "{ecosystem} {name}: {finding:#?}"
        );
        assert_eq!(
            finding.fixed_version.as_deref(),
            Some(*fixed),
            "{ecosystem} {name}"
        );
        assert_eq!(finding.component.keyed_by, KeyedBy::Package, "{ecosystem}");
        assert_eq!(
            finding.component.packages[0].path.as_deref(),
            Some(format!("somewhere/{name}").as_str()),
            "{ecosystem} path kept"
        );
    }
    assert_eq!(assessment.findings.len(), cases.len());
    assert_eq!(assessment.stats.unknown, 0, "{:#?}", assessment.diagnostics);
}

#[test]
fn pep440_orders_prereleases_and_local_labels() {
    // `2.0rc1` is below `2.0` by PEP 440 but above it as a string; `1.9+local` is `1.9`.
    let rows = vec![
        software("PyPI", "pypi", "a", "2.0rc1"),
        software("PyPI", "pypi", "b", "1.9+ubuntu1"),
        software("PyPI", "pypi", "c", "2.0.0"),
    ];
    let advisories = ["a", "b", "c"]
        .iter()
        .map(|name| {
            advisory(
                &format!("PYSEC-{name}"),
                &[],
                "osv:PyPI",
                vec![affected(
                    "PyPI",
                    name,
                    vec![range(RangeKind::Ecosystem, "0", "2.0")],
                )],
            )
        })
        .collect();
    let assessment = assess(&inventory(rows), &intel(advisories));

    assert_eq!(
        finding(&assessment, "PYSEC-a").status,
        FindingStatus::AffectedWithFix
    );
    assert_eq!(
        finding(&assessment, "PYSEC-b").status,
        FindingStatus::AffectedWithFix
    );
    assert!(
        !assessment
            .findings
            .iter()
            .any(|f| f.vulnerability_id == "PYSEC-c"),
        "2.0.0 equals the fix 2.0"
    );
    assert_eq!(assessment.stats.not_affected, 1);
}

#[test]
fn pypi_record_name_normalised_at_lookup() {
    // The inventory row comes in as published; the database stores PEP 503 names.
    let rows = vec![software("PyPI", "pypi", "Jinja2", "2.10")];
    let intel = intel(vec![advisory(
        "GHSA-jinja",
        &["CVE-2019-10906"],
        "osv:PyPI",
        vec![affected(
            "PyPI",
            "jinja2",
            vec![range(RangeKind::Ecosystem, "0", "2.10.1")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    let finding = finding(&assessment, "CVE-2019-10906");
    assert_eq!(finding.component.advisory_package, "jinja2");
    assert_eq!(finding.component.packages[0].name, "Jinja2");
}

#[test]
fn semver_range_uses_semver() {
    // A SEMVER range in an npm record: `1.0.0-beta` is below `1.0.0`.
    let rows = vec![software("npm", "npm", "left-pad", "1.0.0-beta.2")];
    let intel = intel(vec![advisory(
        "GHSA-semver",
        &[],
        "osv:npm",
        vec![affected(
            "npm",
            "left-pad",
            vec![range(RangeKind::Semver, "0", "1.0.0")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);
    assert_eq!(
        finding(&assessment, "GHSA-semver").status,
        FindingStatus::AffectedWithFix
    );
}

#[test]
fn schemeless_ecosystem_unknown_with_diagnostic() {
    let rows = vec![software("ConanCenter", "conan", "zlib", "1.2.11")];
    let intel = intel(vec![advisory(
        "CONAN-1",
        &[],
        "osv:ConanCenter",
        vec![affected(
            "ConanCenter",
            "zlib",
            vec![range(RangeKind::Ecosystem, "0", "1.2.12")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    let finding = finding(&assessment, "CONAN-1");
    assert_eq!(finding.status, FindingStatus::Unknown);
    assert_eq!(finding.evidence[0].method, "no-scheme");
    assert!(
        assessment
            .diagnostics
            .iter()
            .any(|d| d.level == DiagnosticLevel::Warning
                && d.message
                    .contains("no version scheme for ecosystem `ConanCenter`")),
        "{:#?}",
        assessment.diagnostics
    );
}

#[test]
fn os_owned_python_package_not_matched() {
    let mut owned = software("PyPI", "pypi", "requests", "2.28.1");
    owned.owned_by = Some("deb:python3-requests".to_owned());
    let own = software("PyPI", "pypi", "requests", "2.28.2");
    let intel = intel(vec![advisory(
        "GHSA-requests",
        &["CVE-2023-32681"],
        "osv:PyPI",
        vec![affected(
            "PyPI",
            "requests",
            vec![range(RangeKind::Ecosystem, "2.3.0", "2.31.0")],
        )],
    )]);
    let assessment = assess(&inventory(vec![owned, own]), &intel);

    let finding = finding(&assessment, "CVE-2023-32681");
    assert_eq!(
        finding.component.advisory_version, "2.28.2",
        "only the pip-installed copy is matched"
    );
    assert_eq!(assessment.findings.len(), 1);
    assert_eq!(assessment.stats.software_os_owned, 1);
    assert_eq!(assessment.stats.software_assessed, 1);
    assert_eq!(assessment.not_assessed.len(), 1);
    assert_eq!(
        assessment.not_assessed[0].reason,
        NotAssessedReason::OsOwned
    );
    assert!(
        assessment
            .diagnostics
            .iter()
            .any(|d| d.message.contains("installed by OS packages")
                && d.message.contains("requests 2.28.1")),
        "{:#?}",
        assessment.diagnostics
    );
}

#[test]
fn third_party_deb_not_matched_against_debian() {
    let mut nodejs = software("Debian:12", "deb", "nodejs", "20.20.2-1nodesource1+repack1");
    nodejs.vendor = Some("NodeSource Support <support@nodesource.com>".to_owned());
    let intel = intel(vec![advisory(
        "DEBIAN-CVE-2024-1",
        &[],
        "osv:Debian",
        vec![affected(
            "Debian:12",
            "nodejs",
            vec![Range {
                kind: RangeKind::Ecosystem,
                events: vec![Event::Introduced("0".to_owned())],
            }],
        )],
    )]);
    let assessment = assess(&inventory(vec![nodejs]), &intel);

    assert!(assessment.findings.is_empty(), "{:#?}", assessment.findings);
    assert_eq!(assessment.stats.software_third_party, 1);
    assert_eq!(
        assessment.not_assessed[0].reason,
        NotAssessedReason::ThirdPartyBuild
    );
    let warning = assessment
        .diagnostics
        .iter()
        .find(|d| d.message.contains("third-party"))
        .expect("a third-party warning");
    assert_eq!(warning.level, DiagnosticLevel::Warning);
    assert!(
        warning
            .message
            .contains("nodejs 20.20.2-1nodesource1+repack1"),
        "{}",
        warning.message
    );
}

#[test]
fn alpine_matched_through_origin() {
    // Alpine secdb records name the origin (`openssl`); `libcrypto3` is built from it.
    let rows = vec![
        with_source(
            software("Alpine:v3.20", "apk", "libcrypto3", "3.3.1-r0"),
            "openssl",
            "3.3.1-r0",
        ),
        software("Alpine:v3.20", "apk", "openssl", "3.3.1-r0"),
    ];
    let intel = intel(vec![advisory(
        "ALPINE-CVE-2024-5535",
        &["CVE-2024-5535"],
        "alpine-secdb",
        vec![affected(
            "Alpine:v3.20",
            "openssl",
            vec![range(RangeKind::Ecosystem, "0", "3.3.1-r1")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    let finding = finding(&assessment, "CVE-2024-5535");
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
    assert_eq!(finding.component.keyed_by, KeyedBy::SourcePackage);
    let names: Vec<&str> = finding
        .component
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["libcrypto3", "openssl"]);
    assert_eq!(assessment.findings.len(), 1);
}

#[test]
fn almalinux_compares_binary_evr() {
    // ALSA records list each binary rpm with its own EVR. `perl-Errno` has epoch 0 while its
    // source `perl` has epoch 4: the source EVR must not be compared.
    let rows = vec![with_source(
        software("AlmaLinux:9", "rpm", "perl-Errno", "1.30-481.el9"),
        "perl",
        "4:5.32.1-481.el9",
    )];
    let intel = intel(vec![advisory(
        "ALSA-2024:0001",
        &[],
        "osv:AlmaLinux",
        vec![
            affected(
                "AlmaLinux:9",
                "perl-Errno",
                vec![range(RangeKind::Ecosystem, "0", "1.30-481.el9_4")],
            ),
            affected(
                "AlmaLinux:9",
                "perl",
                vec![range(RangeKind::Ecosystem, "0", "4:5.32.1-481.el9_4")],
            ),
        ],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    let finding = finding(&assessment, "ALSA-2024:0001");
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
    assert_eq!(finding.component.advisory_package, "perl-Errno");
    assert_eq!(finding.component.advisory_version, "1.30-481.el9");
    assert_eq!(finding.fixed_version.as_deref(), Some("1.30-481.el9_4"));
}

#[test]
fn almalinux_finding_reaches_related_cves() {
    // ALSA records list the CVEs they fix under `related`, not `aliases`.
    let rows = vec![software("AlmaLinux:8", "rpm", "polkit", "0.115-11.el8_4")];
    let mut alsa = advisory(
        "ALSA-2022:0267",
        &[],
        "osv:AlmaLinux",
        vec![affected(
            "AlmaLinux:8",
            "polkit",
            vec![range(RangeKind::Ecosystem, "0", "0.115-13.el8_5.2")],
        )],
    );
    alsa.related = vec!["CVE-2021-4034".to_owned(), "RHSA-2022:0267".to_owned()];
    let assessment = assess(&inventory(rows), &intel(vec![alsa]));

    let finding = finding(&assessment, "ALSA-2022:0267");
    let cves: Vec<&str> = finding.cve_ids().collect();
    assert_eq!(cves, ["CVE-2021-4034"]);
}

#[test]
fn rocky_compares_source_evr() {
    // RLSA records name the source rpm, with an epoch in every fixed version.
    let rows = vec![
        with_source(
            software("Rocky Linux:9", "rpm", "dhcp-client", "2:4.4.2-17.b1.el9"),
            "dhcp",
            "2:4.4.2-17.b1.el9",
        ),
        with_source(
            software("Rocky Linux:9", "rpm", "dhcp-common", "2:4.4.2-17.b1.el9"),
            "dhcp",
            "2:4.4.2-17.b1.el9",
        ),
    ];
    let intel = intel(vec![advisory(
        "RLSA-2022:8385",
        &[],
        "osv:Rocky Linux",
        vec![affected(
            "Rocky Linux:9",
            "dhcp",
            vec![range(RangeKind::Ecosystem, "0", "2:4.4.2-18.b1.el9")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    let finding = finding(&assessment, "RLSA-2022:8385");
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
    assert_eq!(finding.component.keyed_by, KeyedBy::SourcePackage);
    assert_eq!(finding.component.packages.len(), 2);
}

#[test]
fn release_without_data_warns() {
    let rows = vec![
        software("Alpine:v3.21", "apk", "busybox", "1.37.0-r8"),
        software("Alpine:v3.21", "apk", "musl", "1.2.5-r8"),
    ];
    // Data for another branch only.
    let intel = intel(vec![advisory(
        "ALPINE-CVE-2024-1",
        &[],
        "alpine-secdb",
        vec![affected(
            "Alpine:v3.20",
            "busybox",
            vec![range(RangeKind::Ecosystem, "0", "1.36.1-r30")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    assert!(assessment.findings.is_empty());
    let warning = assessment
        .diagnostics
        .iter()
        .find(|d| d.code.as_deref() == Some(NO_ADVISORY_DATA))
        .unwrap_or_else(|| {
            panic!(
                "no `{NO_ADVISORY_DATA}` warning in {:#?}",
                assessment.diagnostics
            )
        });
    assert_eq!(warning.level, DiagnosticLevel::Warning);
    assert_eq!(warning.ecosystem.as_deref(), Some("Alpine:v3.21"));
    assert_eq!(warning.package, None, "device-level");
    assert!(
        warning
            .message
            .contains("no advisory data for `Alpine:v3.21`"),
        "{}",
        warning.message
    );
    assert!(
        warning.message.contains("2 package(s)"),
        "{}",
        warning.message
    );
}

#[test]
fn release_with_data_does_not_warn() {
    let rows = vec![software("Alpine:v3.20", "apk", "busybox", "1.36.1-r30")];
    let intel = intel(vec![advisory(
        "ALPINE-CVE-2024-1",
        &[],
        "alpine-secdb",
        vec![affected(
            "Alpine:v3.20",
            "busybox",
            vec![range(RangeKind::Ecosystem, "0", "1.36.1-r30")],
        )],
    )]);
    let assessment = assess(&inventory(rows), &intel);

    assert!(assessment.findings.is_empty(), "1.36.1-r30 is the fix");
    assert!(
        !assessment
            .diagnostics
            .iter()
            .any(|d| d.code.as_deref() == Some(NO_ADVISORY_DATA)),
        "{:#?}",
        assessment.diagnostics
    );
}
