//! Findings and the evidence behind them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ward_inventory::DiagnosticLevel;

/// The result of assessing one inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// One finding per (component, vulnerability) that is affected or unknown; not-affected
    /// pairs are only counted, in [`AssessmentStats::not_affected`].
    pub findings: Vec<Finding>,
    /// Problems met while matching (unknown scheme, unparsable version, lookup failure).
    pub diagnostics: Vec<Diagnostic>,
    /// Counts of what was assessed and of each outcome.
    pub stats: AssessmentStats,
    /// Software rows with an advisory namespace that were deliberately not matched against
    /// it, with the reason, in inventory order.
    #[serde(default)]
    pub not_assessed: Vec<NotAssessed>,
}

/// Counts of what one assessment looked at and what it concluded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentStats {
    /// Software rows in the inventory.
    pub software_total: usize,
    /// Software rows matched against the advisories of their namespace. Rows of a namespace
    /// the intel source has no advisory data for are not counted here.
    pub software_assessed: usize,
    /// Software rows per namespace (`Debian:12`) that were not assessed because the intel
    /// source has no advisory data for that namespace; absent namespaces have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub software_without_advisory_data: BTreeMap<String, usize>,
    /// Software rows without an advisory namespace, so not matched at all.
    pub software_without_ecosystem: usize,
    /// Language packages installed by an OS package, judged through that package's
    /// distribution advisories instead of their own ecosystem's.
    #[serde(default)]
    pub software_os_owned: usize,
    /// OS packages built by a third party (a vendor tag in the version), not matched
    /// against the distribution's advisories.
    #[serde(default)]
    pub software_third_party: usize,
    /// Components evaluated: distinct (ecosystem, advisory package, advisory version).
    pub components: usize,
    /// Advisory records evaluated, summed over components.
    pub records_evaluated: usize,
    /// (component, vulnerability) pairs affected, with a fixed version.
    pub affected_with_fix: usize,
    /// (component, vulnerability) pairs affected, with no fixed version yet.
    pub affected_no_fix: usize,
    /// (component, vulnerability) pairs whose records all put the installed version
    /// outside their ranges.
    pub not_affected: usize,
    /// (component, vulnerability) pairs that could not be evaluated (unparsable version,
    /// ecosystem without a version scheme).
    pub unknown: usize,
    /// (component, vulnerability) pairs whose records have only ranges that cannot be
    /// compared with a version (`GIT`).
    pub not_evaluated: usize,
}

/// A problem met while matching, with the component or record it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Severity of the diagnostic.
    pub level: DiagnosticLevel,
    /// Advisory namespace concerned (`Debian:12`).
    pub ecosystem: Option<String>,
    /// Advisory package concerned (a source package for Debian).
    pub package: Option<String>,
    /// Advisory record concerned.
    pub record_id: Option<String>,
    /// Description of the problem, in one lowercase sentence.
    pub message: String,
    /// Stable identifier of the kind of problem, for programs (`no-advisory-data`); `None`
    /// for kinds without one.
    #[serde(default)]
    pub code: Option<String>,
}

impl Diagnostic {
    /// Creates a diagnostic about `ecosystem` (and `package`, when given), with no record
    /// and no code.
    pub fn new(
        level: DiagnosticLevel,
        ecosystem: Option<&str>,
        package: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            level,
            ecosystem: ecosystem.map(str::to_owned),
            package: package.map(str::to_owned),
            record_id: None,
            message: message.into(),
            code: None,
        }
    }

    /// Sets the record concerned.
    pub fn with_record(mut self, record_id: impl Into<String>) -> Self {
        self.record_id = Some(record_id.into());
        self
    }

    /// Sets the stable identifier of the kind of problem.
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }
}

/// [`Diagnostic::code`] of the device-level warning that the intel database has no
/// advisory for an ecosystem the inventory has packages in.
pub const NO_ADVISORY_DATA: &str = "no-advisory-data";

/// [`Diagnostic::code`] of the warning that some Debian or Ubuntu packages may be
/// third-party builds; their findings carry [`Component::origin_unknown`].
pub const ORIGIN_UNKNOWN: &str = "origin-unknown";

/// A software row that was deliberately not matched against its advisory namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAssessed {
    /// Package name as installed.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Advisory namespace it would have been matched against.
    pub ecosystem: String,
    /// File the package was read from, relative to the collection root.
    pub path: Option<String>,
    /// Reason it was not matched.
    pub reason: NotAssessedReason,
    /// The fact behind the reason: the owning OS package (`deb:python3-requests`), or the
    /// vendor tag and maintainer of a third-party build.
    pub detail: String,
}

/// Reason a software row was not matched against its advisory namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotAssessedReason {
    /// A language package whose files an OS package installed. The distribution may have
    /// backported fixes into it, so it is judged by the owning OS package's advisories.
    OsOwned,
    /// An OS package built by a third party (`nodejs 20.20.2-1nodesource1`). The
    /// distribution's advisories describe the distribution's own build of that name, whose
    /// versions and backports differ, so they are not applied.
    ThirdPartyBuild,
}

impl NotAssessedReason {
    /// Returns the reason as written in JSON (`os_owned`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotAssessedReason::OsOwned => "os_owned",
            NotAssessedReason::ThirdPartyBuild => "third_party_build",
        }
    }
}

/// Name of an installed package that its advisories are keyed by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyedBy {
    /// The package's own name and version (language packages, AlmaLinux binary rpms).
    #[default]
    Package,
    /// The source package's name and version (Debian, Ubuntu, Alpine origin, Rocky Linux
    /// source rpm).
    SourcePackage,
}

/// The component a finding is about: a package at one version in one advisory namespace,
/// with the installed packages it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Component {
    /// Advisory namespace matched (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    /// Name the advisories are keyed by: the source package for Debian, Ubuntu, Alpine and
    /// Rocky Linux, the PEP 503 name for PyPI, the package's own name elsewhere.
    pub advisory_package: String,
    /// Version compared with the advisories' ranges: the source version where the
    /// advisories name the source package, the package's own version elsewhere.
    pub advisory_version: String,
    /// Installed packages built from it (binary packages for Debian), in inventory order.
    pub packages: Vec<InstalledPackage>,
    /// Whether `advisory_package` is the packages' own name or their source package's.
    #[serde(default)]
    pub keyed_by: KeyedBy,
    /// Why the installed build may be a third party's rather than the distribution's
    /// (a maintainer without a Debian or Ubuntu address, no APT list carrying the version,
    /// and the version in none of the distribution's records); `None` when nothing
    /// suggests so. Findings are kept and read as "origin unknown".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_unknown: Option<String>,
    /// Module stream (`nodejs:18`) of AlmaLinux or Rocky Linux module builds, from their
    /// modularity label; only that stream's advisories are matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_stream: Option<String>,
}

/// One installed package, as the inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InstalledPackage {
    /// Package name as installed (binary package name for OS packages).
    pub name: String,
    /// Installed version of that package.
    pub version: String,
    /// Package architecture, when known.
    pub architecture: Option<String>,
    /// File the package was read from, relative to the collection root.
    pub path: Option<String>,
}

/// Whether a component is affected by a vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Affected, and a fixed version exists.
    AffectedWithFix,
    /// Affected, and no fixed version exists yet.
    AffectedNoFix,
    /// A version or range could not be evaluated.
    Unknown,
}

impl FindingStatus {
    /// Returns the status as written in JSON and tables (`affected_with_fix`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::AffectedWithFix => "affected_with_fix",
            FindingStatus::AffectedNoFix => "affected_no_fix",
            FindingStatus::Unknown => "unknown",
        }
    }
}

/// Outcome of one record's evaluation for the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceOutcome {
    /// The installed version is inside the record's range or `versions[]`.
    Affected,
    /// The installed version is outside every range of the record.
    NotAffected,
    /// A version could not be parsed or ordered.
    Unknown,
    /// The record's ranges cannot be compared with a version (`GIT`).
    NotEvaluated,
}

/// Relation of a record to the finding's vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRole {
    /// The record describes the vulnerability itself: its id or one of its aliases is an id
    /// of the vulnerability. These records decide the finding's status and fixed version.
    Vulnerability,
    /// A fix announcement (a DSA, DLA or DTSA) that lists the vulnerability in `related`.
    /// It supports the finding but does not decide its status or fixed version, because one
    /// announcement covers several vulnerabilities.
    RelatedAdvisory,
}

/// Why a finding was raised: one advisory record's range and the versions compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Record id (`CVE-2024-1234`, `DSA-5678-1`).
    pub record_id: String,
    /// Feed the record came from.
    pub source: String,
    /// Relation of the record to the finding's vulnerability.
    pub role: EvidenceRole,
    /// Outcome of the record's evaluation.
    pub outcome: EvidenceOutcome,
    /// Ecosystem of the `affected[]` entry.
    pub ecosystem: String,
    /// Package of the `affected[]` entry.
    pub package: String,
    /// The interval that matched, readable (`>= 0, < 3.0.15-1~deb12u1`); `None` unless the
    /// outcome is [`EvidenceOutcome::Affected`].
    pub range: Option<String>,
    /// Installed version compared (the component's advisory version).
    pub installed_version: String,
    /// First fixed version of the matched interval, when any.
    pub fixed_version: Option<String>,
    /// How the match was made: `osv-range` (ranges and `versions[]` evaluated by the
    /// ecosystem's version scheme) or `no-scheme` (the ecosystem has no version scheme).
    pub method: String,
    /// Reason the outcome is unknown or not evaluated, when it is.
    pub reason: Option<String>,
    /// The tracker's urgency for this entry (Debian `ecosystem_specific.urgency`), verbatim.
    pub urgency: Option<String>,
}

/// One (component, vulnerability) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Vulnerability id shown: the CVE when one is known, else the record id.
    pub vulnerability_id: String,
    /// Every other id of the same vulnerability, from all merged records, sorted.
    pub aliases: Vec<String>,
    /// Ids of related but distinct records (`related` of the merged records, and the fix
    /// announcements attached as [`EvidenceRole::RelatedAdvisory`]), sorted.
    pub related: Vec<String>,
    /// The component affected.
    pub component: Component,
    /// Outcome.
    pub status: FindingStatus,
    /// Version that fixes every merged record: the highest of their fixed versions. `None`
    /// unless the status is [`FindingStatus::AffectedWithFix`].
    pub fixed_version: Option<String>,
    /// One entry per (record, `affected[]` entry) evaluated, decisive records first.
    pub evidence: Vec<Evidence>,
    /// Summary of the vulnerability, from the first record that has one.
    pub summary: Option<String>,
    /// Severity entries of every merged record, then those of the NVD and CVE JSON 5
    /// records of each CVE id of the vulnerability (source `nvd:<role>:<provider>` or
    /// `cve5:<role>:<provider>`), without duplicates. Debian urgencies are included with
    /// kind `Debian`. Announcements attached as related evidence add none.
    pub severity: Vec<ward_intel::Severity>,
}

impl Finding {
    /// Returns the vulnerability id followed by every alias.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.vulnerability_id.as_str())
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// Returns every CVE id among the vulnerability id and aliases. A fix announcement with
    /// no CVE among them (AlmaLinux `ALSA-…` and Rocky `RLSA-…` records list the CVEs they
    /// fix under `related`) returns its related CVE ids instead, so that KEV, EPSS and CVE
    /// scores reach its findings.
    pub fn cve_ids(&self) -> impl Iterator<Item = &str> {
        let is_cve = |id: &&str| crate::identity::is_cve_id(id);
        let fixed_cves: &[String] = if self.ids().any(|id| is_cve(&id)) {
            &[]
        } else {
            &self.related
        };
        self.ids()
            .filter(is_cve)
            .chain(fixed_cves.iter().map(String::as_str).filter(is_cve))
    }
}
