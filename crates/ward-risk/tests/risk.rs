//! Prioritization and grouping of hand-built findings, with KEV and EPSS in `MemoryIntel`.

use chrono::NaiveDate;
use ward_assess::{Assessment, Component, Finding, FindingStatus, InstalledPackage, KeyedBy};
use ward_intel::{EpssScore, KevEntry, MemoryIntel, Severity};
use ward_risk::{prioritize, FailThreshold, RecommendationKind, SeverityLevel};

const CRITICAL_VECTOR: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const MEDIUM_VECTOR: &str = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L";
const LOW_VECTOR: &str = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N";

fn finding(id: &str, source: &str, binaries: &[&str], fixed: Option<&str>) -> Finding {
    Finding {
        vulnerability_id: id.to_owned(),
        aliases: Vec::new(),
        related: Vec::new(),
        component: Component {
            ecosystem: "Debian:12".to_owned(),
            advisory_package: source.to_owned(),
            advisory_version: "1.0-1".to_owned(),
            packages: binaries
                .iter()
                .map(|name| InstalledPackage {
                    name: (*name).to_owned(),
                    version: "1.0-1".to_owned(),
                    architecture: Some("amd64".to_owned()),
                    path: None,
                })
                .collect(),
            keyed_by: KeyedBy::SourcePackage,
            origin_unknown: None,
            module_stream: None,
        },
        status: if fixed.is_some() {
            FindingStatus::AffectedWithFix
        } else {
            FindingStatus::AffectedNoFix
        },
        fixed_version: fixed.map(str::to_owned),
        evidence: Vec::new(),
        summary: None,
        severity: Vec::new(),
    }
}

fn with_vector(mut finding: Finding, vector: &str) -> Finding {
    finding.severity.push(Severity {
        kind: "CVSS_V3".to_owned(),
        score: vector.to_owned(),
        source: "osv:Debian".to_owned(),
    });
    finding
}

fn kev(cve: &str) -> KevEntry {
    KevEntry {
        cve_id: cve.to_owned(),
        vendor_project: "Example".to_owned(),
        product: "Example".to_owned(),
        vulnerability_name: "Example Vulnerability".to_owned(),
        date_added: NaiveDate::from_ymd_opt(2024, 5, 1).expect("valid date"),
        due_date: NaiveDate::from_ymd_opt(2024, 5, 22),
        required_action: "Apply updates.".to_owned(),
        known_ransomware_use: Some(ward_intel::RansomwareUse::Unknown),
    }
}

fn epss(cve: &str, score: f64) -> EpssScore {
    EpssScore {
        cve_id: cve.to_owned(),
        score,
        percentile: 0.5,
        date: NaiveDate::from_ymd_opt(2026, 8, 16),
        model_version: None,
    }
}

fn assessment(findings: Vec<Finding>) -> Assessment {
    Assessment {
        findings,
        ..Assessment::default()
    }
}

fn ids(report: &ward_risk::RiskReport) -> Vec<&str> {
    report
        .findings
        .iter()
        .map(|f| f.finding.vulnerability_id.as_str())
        .collect()
}

#[test]
fn kev_joined_through_alias() {
    let mut shown = finding(
        "DEBIAN-CVE-2024-3094",
        "xz-utils",
        &["liblzma5"],
        Some("5.6.1+really5.4.5-1"),
    );
    shown.aliases = vec!["CVE-2024-3094".to_owned()];
    let mut intel = MemoryIntel::new();
    intel.add_kev(kev("CVE-2024-3094"));
    intel.add_epss(epss("CVE-2024-3094", 0.84));

    let report = prioritize(assessment(vec![shown]), &intel);

    let priority = &report.findings[0].priority;
    assert_eq!(
        priority.known_exploited.as_ref().map(|k| k.cve_id.as_str()),
        Some("CVE-2024-3094")
    );
    assert_eq!(priority.epss.as_ref().map(|e| e.score), Some(0.84));
    assert!(
        priority.explanation[0].starts_with("known exploited: CVE-2024-3094"),
        "{:?}",
        priority.explanation
    );
    assert_eq!(report.recommendations[0].known_exploited, 1);
}

#[test]
fn order_kev_then_epss_then_severity() {
    let findings = vec![
        with_vector(
            finding("CVE-2024-1001", "a", &["a"], Some("1.0-2")),
            CRITICAL_VECTOR,
        ),
        with_vector(
            finding("CVE-2024-1002", "b", &["b"], Some("1.0-2")),
            LOW_VECTOR,
        ),
        with_vector(
            finding("CVE-2024-1003", "c", &["c"], Some("1.0-2")),
            MEDIUM_VECTOR,
        ),
        finding("CVE-2024-1004", "d", &["d"], Some("1.0-2")),
        with_vector(
            finding("CVE-2024-1005", "e", &["e"], Some("1.0-2")),
            LOW_VECTOR,
        ),
    ];
    let mut intel = MemoryIntel::new();
    intel.add_kev(kev("CVE-2024-1005"));
    intel.add_epss(epss("CVE-2024-1002", 0.5));
    intel.add_epss(epss("CVE-2024-1003", 0.01));

    let report = prioritize(assessment(findings), &intel);

    // KEV (1005), then EPSS 0.5 (1002), EPSS 0.01 (1003), then no EPSS: critical (1001)
    // before no score (1004).
    assert_eq!(
        ids(&report),
        [
            "CVE-2024-1005",
            "CVE-2024-1002",
            "CVE-2024-1003",
            "CVE-2024-1001",
            "CVE-2024-1004"
        ]
    );
    let ranks: Vec<usize> = report.findings.iter().map(|f| f.priority.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5]);
}

#[test]
fn no_score_is_its_own_bucket() {
    let report = prioritize(
        assessment(vec![
            finding("CVE-2024-2001", "a", &["a"], None),
            with_vector(finding("CVE-2024-2002", "b", &["b"], None), LOW_VECTOR),
        ]),
        &MemoryIntel::new(),
    );

    assert_eq!(ids(&report), ["CVE-2024-2002", "CVE-2024-2001"]);
    let unscored = &report.findings[1].priority;
    assert_eq!(unscored.severity.level, SeverityLevel::NoScore);
    assert!(unscored
        .explanation
        .iter()
        .any(|line| line.contains("no_score")));
}

#[test]
fn upgrade_grouped_per_source_package() {
    let findings = vec![
        with_vector(
            finding(
                "CVE-2024-3001",
                "openssl",
                &["openssl", "libssl3"],
                Some("3.0.15-1~deb12u1"),
            ),
            MEDIUM_VECTOR,
        ),
        with_vector(
            finding(
                "CVE-2024-3002",
                "openssl",
                &["libssl3"],
                Some("3.0.16-1~deb12u1"),
            ),
            CRITICAL_VECTOR,
        ),
        finding("CVE-2024-3003", "openssl", &["openssl"], None),
        with_vector(
            finding(
                "CVE-2024-3004",
                "curl",
                &["curl", "libcurl4"],
                Some("7.88.1-10+deb12u9"),
            ),
            LOW_VECTOR,
        ),
    ];
    let mut intel = MemoryIntel::new();
    intel.add_epss(epss("CVE-2024-3001", 0.2));
    intel.add_epss(epss("CVE-2024-3002", 0.1));
    intel.add_epss(epss("CVE-2024-3004", 0.05));
    intel.add_kev(kev("CVE-2024-3002"));

    let report = prioritize(assessment(findings), &intel);

    let kinds: Vec<_> = report
        .recommendations
        .iter()
        .map(|r| (r.kind, r.package.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (RecommendationKind::Upgrade, "openssl"),
            (RecommendationKind::Upgrade, "curl"),
            (RecommendationKind::NoFixYet, "openssl"),
        ]
    );
    let openssl = &report.recommendations[0];
    assert_eq!(openssl.action, "upgrade openssl to 3.0.16-1~deb12u1");
    assert_eq!(openssl.target_version.as_deref(), Some("3.0.16-1~deb12u1"));
    assert_eq!(openssl.packages, ["libssl3", "openssl"]);
    assert_eq!(openssl.vulnerabilities, ["CVE-2024-3002", "CVE-2024-3001"]);
    assert_eq!(openssl.cve_ids, ["CVE-2024-3001", "CVE-2024-3002"]);
    assert_eq!(openssl.known_exploited, 1);
    assert_eq!(openssl.max_epss, Some(0.2));
    assert_eq!(openssl.max_severity, SeverityLevel::Critical);
    assert_eq!(openssl.rank, 1);
    let no_fix = &report.recommendations[2];
    assert_eq!(
        no_fix.action,
        "no fix available yet for openssl (1 vulnerability)"
    );
    assert_eq!(no_fix.target_version, None);
    assert_eq!(no_fix.rank, 3);
}

#[test]
fn fail_threshold_levels() {
    let findings = vec![
        with_vector(finding("CVE-2024-4001", "a", &["a"], None), MEDIUM_VECTOR),
        finding("CVE-2024-4002", "b", &["b"], None),
        with_vector(finding("CVE-2024-4003", "c", &["c"], None), LOW_VECTOR),
    ];
    let mut intel = MemoryIntel::new();
    intel.add_kev(kev("CVE-2024-4003"));
    let report = prioritize(assessment(findings), &intel);
    let priority_of = |id: &str| {
        &report
            .findings
            .iter()
            .find(|f| f.finding.vulnerability_id == id)
            .expect("finding present")
            .priority
    };

    let medium = priority_of("CVE-2024-4001");
    assert!(FailThreshold::Medium.is_met_by(medium));
    assert!(!FailThreshold::High.is_met_by(medium));
    let unscored = priority_of("CVE-2024-4002");
    assert!(
        !FailThreshold::Low.is_met_by(unscored),
        "no score is not low"
    );
    assert!(FailThreshold::Any.is_met_by(unscored));
    let exploited_low = priority_of("CVE-2024-4003");
    assert!(
        FailThreshold::Critical.is_met_by(exploited_low),
        "KEV meets every threshold"
    );
}

#[test]
fn language_recommendation_names_ecosystem_and_paths() {
    let mut pip = finding("CVE-2023-32681", "requests", &["requests"], Some("2.31.0"));
    pip.component.ecosystem = "PyPI".to_owned();
    pip.component.keyed_by = KeyedBy::Package;
    pip.component.packages[0].path =
        Some("opt/venv/lib/python3.11/site-packages/requests-2.28.2.dist-info/METADATA".to_owned());
    let mut other = pip.clone();
    other.vulnerability_id = "CVE-2024-35195".to_owned();
    other.fixed_version = Some("2.32.0".to_owned());
    other.component.packages[0].path = Some(
        "home/u/.local/lib/python3.11/site-packages/requests-2.28.2.dist-info/METADATA".to_owned(),
    );

    let report = prioritize(assessment(vec![pip, other]), &MemoryIntel::new());

    assert_eq!(report.recommendations.len(), 1);
    let recommendation = &report.recommendations[0];
    assert_eq!(recommendation.action, "upgrade requests (PyPI) to 2.32.0");
    assert_eq!(recommendation.paths.len(), 2, "{:?}", recommendation.paths);
}

#[test]
fn os_recommendation_keeps_plain_name() {
    let report = prioritize(
        assessment(vec![finding(
            "CVE-2024-1",
            "openssl",
            &["libssl3"],
            Some("3.0.15-1~deb12u1"),
        )]),
        &MemoryIntel::new(),
    );
    assert_eq!(
        report.recommendations[0].action,
        "upgrade openssl to 3.0.15-1~deb12u1"
    );
}
