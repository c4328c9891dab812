//! Matching hand-built inventories against hand-built advisories held in `MemoryIntel`.

use ward_assess::{assess, EvidenceOutcome, EvidenceRole, Finding, FindingStatus};
use ward_intel::{Advisory, Affected, MemoryIntel, Severity};
use ward_inventory::{Device, DiagnosticLevel, Inventory, Software, SCHEMA_VERSION};
use ward_version::range::{Event, Range, RangeKind};

const BOOKWORM: &str = "Debian:12";

fn deb(name: &str, version: &str, source: Option<(&str, Option<&str>)>) -> Software {
    Software {
        name: name.to_owned(),
        version: version.to_owned(),
        architecture: Some("amd64".to_owned()),
        package_type: "deb".to_owned(),
        ecosystem: Some(BOOKWORM.to_owned()),
        source_name: source.map(|(name, _)| name.to_owned()),
        source_version: source.and_then(|(_, version)| version.map(str::to_owned)),
        status: Some("install ok installed".to_owned()),
        collector: "dpkg".to_owned(),
        ..Software::default()
    }
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

fn ecosystem_range(events: &[(&str, &str)]) -> Range {
    Range {
        kind: RangeKind::Ecosystem,
        events: events
            .iter()
            .map(|(kind, version)| {
                let version = (*version).to_owned();
                match *kind {
                    "introduced" => Event::Introduced(version),
                    "fixed" => Event::Fixed(version),
                    "last_affected" => Event::LastAffected(version),
                    "limit" => Event::Limit(version),
                    other => panic!("unknown event kind {other}"),
                }
            })
            .collect(),
    }
}

fn affected(package: &str, events: &[(&str, &str)]) -> Affected {
    Affected {
        ecosystem: BOOKWORM.to_owned(),
        package: package.to_owned(),
        purl: None,
        ranges: vec![ecosystem_range(events)],
        versions: Vec::new(),
        ecosystem_specific: Some(serde_json::json!({ "urgency": "not yet assigned" })),
        database_specific: None,
    }
}

fn advisory(id: &str, affected: Vec<Affected>) -> Advisory {
    Advisory {
        id: id.to_owned(),
        aliases: Vec::new(),
        related: Vec::new(),
        summary: None,
        modified: None,
        published: None,
        withdrawn: None,
        severity: Vec::new(),
        affected,
        source: "osv:Debian".to_owned(),
    }
}

fn intel(advisories: Vec<Advisory>) -> MemoryIntel {
    let mut intel = MemoryIntel::new();
    for advisory in advisories {
        intel.add_advisory(advisory);
    }
    intel
}

fn only(findings: &[Finding]) -> &Finding {
    assert_eq!(findings.len(), 1, "expected one finding, got {findings:#?}");
    &findings[0]
}

#[test]
fn binary_matched_through_source_version() {
    // A binNMU: the binary's own version (`+b2`) is newer than the source version, and the
    // fix is a source version between the two. Comparing the binary version would hide it.
    let software = vec![deb(
        "libcap2",
        "1:2.66-4+b2",
        Some(("libcap2", Some("1:2.66-4"))),
    )];
    let intel = intel(vec![advisory(
        "CVE-2023-2603",
        vec![affected(
            "libcap2",
            &[("introduced", "0"), ("fixed", "1:2.66-4+deb12u1")],
        )],
    )]);

    let assessment = assess(&inventory(software), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
    assert_eq!(finding.fixed_version.as_deref(), Some("1:2.66-4+deb12u1"));
    assert_eq!(finding.component.advisory_version, "1:2.66-4");
    assert_eq!(finding.evidence[0].installed_version, "1:2.66-4");
    assert_eq!(
        finding.evidence[0].range.as_deref(),
        Some(">= 0, < 1:2.66-4+deb12u1")
    );
}

#[test]
fn binary_epoch_not_applied_to_source() {
    // bsdutils carries epoch 1 but its source util-linux has none; the source version from
    // `Source: util-linux (2.38.1-5)` is what the advisory's versions are comparable with.
    let software = vec![deb(
        "bsdutils",
        "1:2.38.1-5",
        Some(("util-linux", Some("2.38.1-5"))),
    )];
    let intel = intel(vec![advisory(
        "CVE-2024-28085",
        vec![affected(
            "util-linux",
            &[("introduced", "0"), ("fixed", "2.38.1-5+deb12u1")],
        )],
    )]);

    let assessment = assess(&inventory(software), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
    assert_eq!(finding.component.advisory_package, "util-linux");
    assert_eq!(finding.component.packages[0].name, "bsdutils");
    assert_eq!(finding.component.packages[0].version, "1:2.38.1-5");
}

#[test]
fn binaries_of_one_source_share_a_finding() {
    let software = vec![
        deb("openssl", "3.0.14-1~deb12u2", None),
        deb("libssl3", "3.0.14-1~deb12u2", Some(("openssl", None))),
        deb("libssl-dev", "3.0.14-1~deb12u2", Some(("openssl", None))),
    ];
    let intel = intel(vec![advisory(
        "CVE-2024-9143",
        vec![affected(
            "openssl",
            &[("introduced", "0"), ("fixed", "3.0.15-1~deb12u1")],
        )],
    )]);

    let assessment = assess(&inventory(software), &intel);

    let finding = only(&assessment.findings);
    let names: Vec<&str> = finding
        .component
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["openssl", "libssl3", "libssl-dev"]);
    assert_eq!(assessment.stats.components, 1);
    assert_eq!(assessment.stats.software_assessed, 3);
}

#[test]
fn three_outcomes_kept_apart() {
    let software = vec![deb("curl", "7.88.1-10+deb12u5", None)];
    let intel = intel(vec![
        advisory(
            "CVE-2024-0001",
            vec![affected(
                "curl",
                &[("introduced", "0"), ("fixed", "7.88.1-10+deb12u8")],
            )],
        ),
        advisory(
            "CVE-2024-0002",
            vec![affected("curl", &[("introduced", "0")])],
        ),
        advisory(
            "CVE-2024-0003",
            vec![affected(
                "curl",
                &[("introduced", "0"), ("fixed", "7.88.1-10+deb12u1")],
            )],
        ),
    ]);

    let assessment = assess(&inventory(software), &intel);

    assert_eq!(assessment.findings.len(), 2, "{:#?}", assessment.findings);
    let with_fix = &assessment.findings[0];
    assert_eq!(with_fix.vulnerability_id, "CVE-2024-0001");
    assert_eq!(with_fix.status, FindingStatus::AffectedWithFix);
    assert_eq!(with_fix.fixed_version.as_deref(), Some("7.88.1-10+deb12u8"));
    let no_fix = &assessment.findings[1];
    assert_eq!(no_fix.vulnerability_id, "CVE-2024-0002");
    assert_eq!(no_fix.status, FindingStatus::AffectedNoFix);
    assert_eq!(no_fix.fixed_version, None);
    assert_eq!(assessment.stats.affected_with_fix, 1);
    assert_eq!(assessment.stats.affected_no_fix, 1);
    assert_eq!(assessment.stats.not_affected, 1);
}

#[test]
fn last_affected_and_several_ranges() {
    let mut entry = affected(
        "zlib",
        &[("introduced", "0"), ("last_affected", "1:1.2.13.dfsg-1")],
    );
    entry.ranges.push(ecosystem_range(&[
        ("introduced", "1:1.3-1"),
        ("fixed", "1:1.3-3"),
    ]));
    let intel = intel(vec![advisory("CVE-2024-0010", vec![entry])]);

    let cases = [
        ("1:1.2.13.dfsg-1", Some(FindingStatus::AffectedNoFix)),
        ("1:1.2.13.dfsg-2", None),
        ("1:1.3-2", Some(FindingStatus::AffectedWithFix)),
        ("1:1.3-3", None),
    ];
    for (version, expected) in cases {
        let assessment = assess(
            &inventory(vec![deb("zlib1g", version, Some(("zlib", None)))]),
            &intel,
        );
        let status = assessment.findings.first().map(|finding| finding.status);
        assert_eq!(status, expected, "installed {version}");
    }
}

#[test]
fn versions_list_marks_affected() {
    let mut entry = affected("glibc", &[("introduced", "2.37-1"), ("fixed", "2.37-18")]);
    entry.versions = vec!["2.36-9+deb12u4".to_owned()];
    let intel = intel(vec![advisory("CVE-2024-2961", vec![entry])]);

    let assessment = assess(
        &inventory(vec![deb("libc6", "2.36-9+deb12u4", Some(("glibc", None)))]),
        &intel,
    );

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::AffectedNoFix);
    assert_eq!(finding.evidence[0].outcome, EvidenceOutcome::Affected);
}

#[test]
fn cve_and_debian_cve_records_merge() {
    let mut old = advisory(
        "CVE-2024-5535",
        vec![affected(
            "openssl",
            &[("introduced", "0"), ("fixed", "3.0.15-1~deb12u1")],
        )],
    );
    old.related = vec!["DSA-5800-1".to_owned()];
    old.severity = vec![Severity {
        kind: "CVSS_V3".to_owned(),
        score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H".to_owned(),
        source: "osv:Debian".to_owned(),
    }];
    let new = advisory(
        "DEBIAN-CVE-2024-5535",
        vec![affected(
            "openssl",
            &[("introduced", "0"), ("fixed", "3.0.15-1~deb12u2")],
        )],
    );
    let intel = intel(vec![old, new]);

    let assessment = assess(
        &inventory(vec![deb("openssl", "3.0.14-1~deb12u2", None)]),
        &intel,
    );

    let finding = only(&assessment.findings);
    assert_eq!(finding.vulnerability_id, "CVE-2024-5535");
    assert_eq!(finding.aliases, ["DEBIAN-CVE-2024-5535"]);
    assert_eq!(finding.related, ["DSA-5800-1"]);
    // The version that fixes both records is the higher of their fixes.
    assert_eq!(finding.fixed_version.as_deref(), Some("3.0.15-1~deb12u2"));
    assert_eq!(finding.evidence.len(), 2);
    assert!(finding.severity.iter().any(|entry| entry.kind == "CVSS_V3"));
    assert!(finding
        .severity
        .iter()
        .any(|entry| entry.kind == "Debian" && entry.score == "not yet assigned"));
}

#[test]
fn merged_record_without_fix_keeps_no_fix() {
    let with_fix = advisory(
        "CVE-2024-7000",
        vec![affected(
            "expat",
            &[("introduced", "0"), ("fixed", "2.5.0-1+deb12u1")],
        )],
    );
    let without_fix = advisory(
        "DEBIAN-CVE-2024-7000",
        vec![affected("expat", &[("introduced", "0")])],
    );
    let intel = intel(vec![with_fix, without_fix]);

    let assessment = assess(
        &inventory(vec![deb("libexpat1", "2.5.0-1", Some(("expat", None)))]),
        &intel,
    );

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::AffectedNoFix);
    assert_eq!(finding.fixed_version, None);
    assert_eq!(assessment.stats.affected_no_fix, 1);
}

#[test]
fn affected_record_outweighs_not_affected_alias() {
    let fixed_earlier = advisory(
        "CVE-2024-7100",
        vec![affected(
            "expat",
            &[("introduced", "0"), ("fixed", "2.5.0-1")],
        )],
    );
    let fixed_later = advisory(
        "DEBIAN-CVE-2024-7100",
        vec![affected(
            "expat",
            &[("introduced", "0"), ("fixed", "2.5.0-1+deb12u1")],
        )],
    );
    let intel = intel(vec![fixed_earlier, fixed_later]);

    let assessment = assess(
        &inventory(vec![deb("libexpat1", "2.5.0-1", Some(("expat", None)))]),
        &intel,
    );

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
    assert_eq!(finding.fixed_version.as_deref(), Some("2.5.0-1+deb12u1"));
    let outcomes: Vec<_> = finding
        .evidence
        .iter()
        .map(|e| (e.record_id.as_str(), e.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("DEBIAN-CVE-2024-7100", EvidenceOutcome::Affected),
            ("CVE-2024-7100", EvidenceOutcome::NotAffected),
        ]
    );
}

#[test]
fn announcement_attaches_to_each_cve() {
    let mut dsa = advisory(
        "DSA-5750-1",
        vec![affected(
            "git",
            &[("introduced", "0"), ("fixed", "1:2.39.5-0+deb12u1")],
        )],
    );
    dsa.related = vec!["CVE-2024-32002".to_owned(), "CVE-2024-32004".to_owned()];
    dsa.summary = Some("git - security update".to_owned());
    let one = advisory(
        "CVE-2024-32002",
        vec![affected(
            "git",
            &[("introduced", "0"), ("fixed", "1:2.39.5-0+deb12u1")],
        )],
    );
    let two = advisory(
        "CVE-2024-32004",
        vec![affected(
            "git",
            &[("introduced", "0"), ("fixed", "1:2.39.4-0+deb12u1")],
        )],
    );
    let intel = intel(vec![dsa, one, two]);

    let assessment = assess(&inventory(vec![deb("git", "1:2.39.2-1.1", None)]), &intel);

    assert_eq!(assessment.findings.len(), 2, "{:#?}", assessment.findings);
    for finding in &assessment.findings {
        assert!(finding.vulnerability_id.starts_with("CVE-"));
        assert_eq!(
            finding.related,
            ["DSA-5750-1"],
            "{}",
            finding.vulnerability_id
        );
        let roles: Vec<_> = finding.evidence.iter().map(|e| e.role).collect();
        assert_eq!(
            roles,
            [EvidenceRole::Vulnerability, EvidenceRole::RelatedAdvisory]
        );
        assert_eq!(
            finding.summary, None,
            "an announcement's summary is not the CVE's"
        );
    }
    // The announcement's higher fix does not raise the second CVE's own fix.
    assert_eq!(
        assessment.findings[1].fixed_version.as_deref(),
        Some("1:2.39.4-0+deb12u1")
    );
}

#[test]
fn announcement_with_aliases_does_not_fuse_cves() {
    let mut dsa = advisory(
        "DSA-5751-1",
        vec![affected(
            "git",
            &[("introduced", "0"), ("fixed", "1:2.39.5-0+deb12u1")],
        )],
    );
    dsa.aliases = vec!["CVE-2024-32002".to_owned(), "CVE-2024-32004".to_owned()];
    let one = advisory(
        "CVE-2024-32002",
        vec![affected(
            "git",
            &[("introduced", "0"), ("fixed", "1:2.39.5-0+deb12u1")],
        )],
    );
    let two = advisory(
        "CVE-2024-32004",
        vec![affected(
            "git",
            &[("introduced", "0"), ("fixed", "1:2.39.5-0+deb12u1")],
        )],
    );
    let intel = intel(vec![dsa, one, two]);

    let assessment = assess(&inventory(vec![deb("git", "1:2.39.2-1.1", None)]), &intel);

    let ids: Vec<&str> = assessment
        .findings
        .iter()
        .map(|f| f.vulnerability_id.as_str())
        .collect();
    assert_eq!(ids, ["CVE-2024-32002", "CVE-2024-32004"]);
}

#[test]
fn lone_announcement_stands_alone() {
    let mut dla = advisory(
        "DLA-4000-1",
        vec![affected(
            "sudo",
            &[("introduced", "0"), ("fixed", "1.9.13p3-1+deb12u1")],
        )],
    );
    dla.related = vec!["CVE-2023-42465".to_owned()];
    let intel = intel(vec![dla]);

    let assessment = assess(&inventory(vec![deb("sudo", "1.9.13p3-1", None)]), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.vulnerability_id, "DLA-4000-1");
    assert_eq!(finding.related, ["CVE-2023-42465"]);
    assert_eq!(finding.status, FindingStatus::AffectedWithFix);
}

#[test]
fn withdrawn_record_yields_nothing() {
    let mut record = advisory(
        "CVE-2024-0100",
        vec![affected(
            "bash",
            &[("introduced", "0"), ("fixed", "5.2.15-2+deb12u1")],
        )],
    );
    record.withdrawn = Some(chrono::Utc::now());
    let intel = intel(vec![record]);

    let assessment = assess(&inventory(vec![deb("bash", "5.2.15-2", None)]), &intel);

    assert!(assessment.findings.is_empty());
    assert_eq!(assessment.stats.records_evaluated, 0);
}

#[test]
fn unparsable_installed_version_is_unknown() {
    let intel = intel(vec![advisory(
        "CVE-2024-0200",
        vec![affected(
            "tar",
            &[("introduced", "0"), ("fixed", "1.34+dfsg-1.2+deb12u1")],
        )],
    )]);

    let assessment = assess(&inventory(vec![deb("tar", "1.34 broken", None)]), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::Unknown);
    assert!(finding.evidence[0].reason.is_some());
    assert_eq!(assessment.stats.unknown, 1);
    let diagnostic = &assessment.diagnostics[0];
    assert_eq!(diagnostic.package.as_deref(), Some("tar"));
    assert!(
        diagnostic.message.contains("1.34 broken"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn unparsable_fixed_version_is_unknown() {
    let intel = intel(vec![advisory(
        "CVE-2024-0300",
        vec![affected("tar", &[("introduced", "0"), ("fixed", "1:")])],
    )]);

    let assessment = assess(&inventory(vec![deb("tar", "1.34+dfsg-1.2", None)]), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::Unknown);
    let diagnostic = &assessment.diagnostics[0];
    assert_eq!(diagnostic.record_id.as_deref(), Some("CVE-2024-0300"));
}

#[test]
fn ecosystem_without_scheme_is_unknown() {
    let mut software = deb("left-pad", "1.0", None);
    software.ecosystem = Some("NoSuchEcosystem".to_owned());
    software.package_type = "generic".to_owned();
    let mut entry = affected("left-pad", &[("introduced", "0"), ("fixed", "2.0")]);
    entry.ecosystem = "NoSuchEcosystem".to_owned();
    let intel = intel(vec![advisory("GHSA-xxxx-yyyy-zzzz", vec![entry])]);

    let assessment = assess(&inventory(vec![software]), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.status, FindingStatus::Unknown);
    assert_eq!(finding.evidence[0].method, "no-scheme");
    assert!(assessment.diagnostics.iter().any(|d| d
        .message
        .contains("no version scheme for ecosystem `NoSuchEcosystem`")));
}

#[test]
fn software_without_ecosystem_is_counted() {
    let mut software = deb("local-tool", "1.0", None);
    software.ecosystem = None;

    let assessment = assess(&inventory(vec![software]), &MemoryIntel::new());

    assert_eq!(assessment.stats.software_without_ecosystem, 1);
    assert_eq!(assessment.stats.software_assessed, 0);
    // An OS package without a namespace means the release has no advisory data at all.
    assert_eq!(assessment.diagnostics[0].level, DiagnosticLevel::Warning);
    assert!(assessment.diagnostics[0]
        .message
        .contains("knows no advisory source for this release"));
    assert_eq!(
        assessment
            .stats
            .software_without_advisory_data
            .values()
            .sum::<usize>(),
        1
    );
}

#[test]
fn other_software_without_ecosystem_is_info() {
    let mut software = deb("local-tool", "1.0", None);
    software.ecosystem = None;
    software.package_type = "generic".to_owned();

    let assessment = assess(&inventory(vec![software]), &MemoryIntel::new());

    assert_eq!(assessment.stats.software_without_ecosystem, 1);
    assert_eq!(assessment.diagnostics[0].level, DiagnosticLevel::Info);
    assert!(assessment.diagnostics[0]
        .message
        .contains("no advisory namespace"));
    assert!(assessment.stats.software_without_advisory_data.is_empty());
}

#[test]
fn other_release_entries_ignored() {
    let mut entry = affected(
        "bash",
        &[("introduced", "0"), ("fixed", "5.2.15-2+deb12u1")],
    );
    entry.ecosystem = "Debian:11".to_owned();
    let intel = intel(vec![advisory("CVE-2024-0400", vec![entry])]);

    let assessment = assess(&inventory(vec![deb("bash", "5.2.15-2", None)]), &intel);

    assert!(assessment.findings.is_empty());
}

#[test]
fn same_source_at_two_versions_is_two_components() {
    // A partial upgrade: libssl3 already has the fix, openssl does not.
    let software = vec![
        deb("openssl", "3.0.14-1~deb12u2", None),
        deb("libssl3", "3.0.15-1~deb12u1", Some(("openssl", None))),
    ];
    let intel = intel(vec![advisory(
        "CVE-2024-9143",
        vec![affected(
            "openssl",
            &[("introduced", "0"), ("fixed", "3.0.15-1~deb12u1")],
        )],
    )]);

    let assessment = assess(&inventory(software), &intel);

    let finding = only(&assessment.findings);
    assert_eq!(finding.component.packages.len(), 1);
    assert_eq!(finding.component.packages[0].name, "openssl");
    assert_eq!(assessment.stats.components, 2);
    assert_eq!(assessment.stats.not_affected, 1);
}
