//! The severity shown for a finding, from inventory to priority: advisory records' own
//! entries plus the NVD and CVE JSON 5 entries of the finding's CVEs, chosen by precedence
//! for the package's ecosystem.

use std::cell::RefCell;
use std::collections::HashMap;

use ward_assess::assess;
use ward_intel::{
    Advisory, Affected, EpssScore, Intel, IntelError, KevEntry, MemoryIntel, Severity,
};
use ward_inventory::{Device, Inventory, Software, SCHEMA_VERSION};
use ward_risk::{prioritize, PrioritizedFinding, RiskReport, SeverityLevel, SeverityTier};
use ward_version::range::{Event, Range, RangeKind};

const V31_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V31_LOW: &str = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N";
const V40_MEDIUM: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N";

/// A [`MemoryIntel`] with CVE severities, counting the look-ups per CVE.
struct WithCveScores {
    inner: MemoryIntel,
    scores: HashMap<String, Vec<Severity>>,
    lookups: RefCell<HashMap<String, usize>>,
}

impl Intel for WithCveScores {
    fn advisories_for(&self, ecosystem: &str, package: &str) -> Result<Vec<Advisory>, IntelError> {
        self.inner.advisories_for(ecosystem, package)
    }

    fn kev(&self, cve_id: &str) -> Result<Option<KevEntry>, IntelError> {
        self.inner.kev(cve_id)
    }

    fn epss(&self, cve_id: &str) -> Result<Option<EpssScore>, IntelError> {
        self.inner.epss(cve_id)
    }

    fn cve_severities(&self, cve_id: &str) -> Result<Vec<Severity>, IntelError> {
        *self
            .lookups
            .borrow_mut()
            .entry(cve_id.to_owned())
            .or_default() += 1;
        Ok(self.scores.get(cve_id).cloned().unwrap_or_default())
    }
}

fn severity(kind: &str, score: &str, source: &str) -> Severity {
    Severity {
        kind: kind.to_owned(),
        score: score.to_owned(),
        source: source.to_owned(),
    }
}

fn software(ecosystem: &str, name: &str, version: &str, source: Option<&str>) -> Software {
    Software {
        name: name.to_owned(),
        version: version.to_owned(),
        package_type: "test".to_owned(),
        ecosystem: Some(ecosystem.to_owned()),
        source_name: source.map(str::to_owned),
        collector: "test".to_owned(),
        ..Software::default()
    }
}

fn advisory(
    id: &str,
    aliases: &[&str],
    source: &str,
    ecosystem: &str,
    package: &str,
    severity: Vec<Severity>,
    urgency: Option<&str>,
) -> Advisory {
    Advisory {
        id: id.to_owned(),
        aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
        related: Vec::new(),
        summary: None,
        modified: None,
        published: None,
        withdrawn: None,
        severity,
        affected: vec![Affected {
            ecosystem: ecosystem.to_owned(),
            package: package.to_owned(),
            purl: None,
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                events: vec![
                    Event::Introduced("0".to_owned()),
                    Event::Fixed("2.0-1".to_owned()),
                ],
            }],
            versions: Vec::new(),
            ecosystem_specific: urgency.map(|urgency| serde_json::json!({ "urgency": urgency })),
            database_specific: None,
        }],
        source: source.to_owned(),
    }
}

fn scan(software: Vec<Software>, intel: &WithCveScores) -> RiskReport {
    let inventory = Inventory {
        schema_version: SCHEMA_VERSION,
        device: Device::default(),
        collected_at: chrono::Utc::now(),
        software,
        diagnostics: Vec::new(),
        extra: Default::default(),
    };
    prioritize(assess(&inventory, intel), intel)
}

fn finding<'a>(report: &'a RiskReport, id: &str, package: &str) -> &'a PrioritizedFinding {
    report
        .findings
        .iter()
        .find(|f| {
            f.finding.vulnerability_id == id && f.finding.component.advisory_package == package
        })
        .unwrap_or_else(|| panic!("no finding {id} for {package}"))
}

/// Builds intel for three cases: a Debian record without severity, an npm GHSA with its own
/// score, and a Debian record with Debian's urgency. NVD and a CNA score every CVE.
fn intel() -> WithCveScores {
    let mut inner = MemoryIntel::new();
    inner.add_advisory(advisory(
        "DEBIAN-CVE-2024-0001",
        &[],
        "osv:Debian",
        "Debian:12",
        "zlib",
        Vec::new(),
        Some("not yet assigned"),
    ));
    inner.add_advisory(advisory(
        "GHSA-aaaa-bbbb-cccc",
        &["CVE-2024-0002"],
        "osv:npm",
        "npm",
        "left-pad",
        vec![severity("CVSS_V3", V31_LOW, "osv:npm")],
        None,
    ));
    inner.add_advisory(advisory(
        "DEBIAN-CVE-2024-0003",
        &[],
        "osv:Debian",
        "Debian:12",
        "curl",
        Vec::new(),
        Some("low"),
    ));
    // The same CVE as the first case, for a second source package.
    inner.add_advisory(advisory(
        "DEBIAN-CVE-2024-0001",
        &[],
        "osv:Debian",
        "Debian:12",
        "zlib-ng",
        Vec::new(),
        None,
    ));

    let nvd_and_cna = vec![
        severity("CVSS_V3", V31_CRITICAL, "nvd:primary:nvd@nist.gov"),
        severity("CVSS_V4", V40_MEDIUM, "cve5:cna:example"),
    ];
    let scores = ["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"]
        .into_iter()
        .map(|cve| (cve.to_owned(), nvd_and_cna.clone()))
        .collect();
    WithCveScores {
        inner,
        scores,
        lookups: RefCell::default(),
    }
}

fn packages() -> Vec<Software> {
    vec![
        software("Debian:12", "zlib1g", "1.0-1", Some("zlib")),
        software("npm", "left-pad", "1.0-1", None),
        software("Debian:12", "curl", "1.0-1", None),
        software("Debian:12", "libz-ng", "1.0-1", Some("zlib-ng")),
    ]
}

#[test]
fn cna_shown_when_distro_record_has_none() {
    let intel = intel();
    let report = scan(packages(), &intel);

    let severity = &finding(&report, "CVE-2024-0001", "zlib").priority.severity;
    let shown = severity.shown.as_ref().expect("a shown severity");
    assert_eq!(shown.source, "cve5:cna:example");
    assert_eq!(shown.tier, SeverityTier::Cna);
    assert_eq!(shown.version.as_deref(), Some("4.0"));
    assert_eq!(severity.level, SeverityLevel::Medium);

    let nvd = severity
        .entries
        .iter()
        .find(|entry| entry.source == "nvd:primary:nvd@nist.gov")
        .expect("the NVD entry is kept");
    assert_eq!(nvd.metric_type.as_deref(), Some("Primary"));
    assert_eq!(nvd.version.as_deref(), Some("3.1"));
    assert_eq!(nvd.value, V31_CRITICAL);
    assert_eq!(nvd.rating, SeverityLevel::Critical);
    assert!(
        severity.entries.iter().any(|entry| entry.kind == "Debian"),
        "the unassigned urgency is kept: {:?}",
        severity.entries
    );
}

#[test]
fn ecosystem_record_shown_for_npm_package() {
    let intel = intel();
    let report = scan(packages(), &intel);

    let severity = &finding(&report, "CVE-2024-0002", "left-pad")
        .priority
        .severity;
    let shown = severity.shown.as_ref().expect("a shown severity");
    assert_eq!(shown.source, "osv:npm");
    assert_eq!(shown.tier, SeverityTier::Vendor);
    assert_eq!(severity.level, SeverityLevel::Low);
    assert_eq!(severity.entries.len(), 3, "{:?}", severity.entries);
}

#[test]
fn distro_urgency_shown_over_nvd() {
    let intel = intel();
    let report = scan(packages(), &intel);

    let prioritized = finding(&report, "CVE-2024-0003", "curl");
    let severity = &prioritized.priority.severity;
    let shown = severity.shown.as_ref().expect("a shown severity");
    assert_eq!(shown.kind, "Debian");
    assert_eq!(shown.value, "low");
    assert_eq!(shown.tier, SeverityTier::Vendor);
    assert_eq!(severity.level, SeverityLevel::Low);
    assert!(
        prioritized
            .priority
            .explanation
            .iter()
            .any(|line| line.contains("precedence tier vendor")),
        "{:?}",
        prioritized.priority.explanation
    );
}

#[test]
fn each_cve_looked_up_once() {
    let intel = intel();
    let report = scan(packages(), &intel);

    assert_eq!(report.findings.len(), 4);
    let lookups = intel.lookups.borrow();
    assert_eq!(lookups.get("CVE-2024-0001"), Some(&1), "{lookups:?}");
    assert_eq!(lookups.len(), 3, "{lookups:?}");
}
