//! Findings and the evidence behind them.

use serde::{Deserialize, Serialize};

/// The result of assessing one inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// One finding per (component, vulnerability), not-affected outcomes left out.
    pub findings: Vec<Finding>,
    /// Problems met while matching (unknown scheme, unparsable version, lookup failure).
    pub diagnostics: Vec<String>,
}

/// The component a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Component {
    /// Package name as installed (binary package name for OS packages).
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Package architecture, when known.
    pub architecture: Option<String>,
    /// Advisory namespace matched (`Debian:12`).
    pub ecosystem: String,
    /// Name the advisories are keyed by (the source package for Debian).
    pub advisory_package: String,
    /// Version compared with the advisories' ranges (the source version for Debian).
    pub advisory_version: String,
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

/// Why a finding was raised: one advisory record's range and the versions compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Record id (`CVE-2024-1234`, `DSA-5678-1`).
    pub record_id: String,
    /// Feed the record came from.
    pub source: String,
    /// Ecosystem of the `affected[]` entry.
    pub ecosystem: String,
    /// Package of the `affected[]` entry.
    pub package: String,
    /// The interval that matched, readable (`>= 0, < 3.0.15-1~deb12u1`).
    pub range: String,
    /// Installed version compared.
    pub installed_version: String,
    /// First fixed version of the matched interval, when any.
    pub fixed_version: Option<String>,
    /// How the match was made (`osv-range`, `osv-versions`).
    pub method: String,
    /// Why the outcome is unknown, when it is.
    pub unknown_reason: Option<String>,
}

/// One (component, vulnerability) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Vulnerability id shown: the CVE when one is known, else the record id.
    pub vulnerability_id: String,
    /// Every other id of the same vulnerability, from all merged records.
    pub aliases: Vec<String>,
    /// The component affected.
    pub component: Component,
    /// Outcome.
    pub status: FindingStatus,
    /// Lowest version that fixes every merged record, when any fixes exist.
    pub fixed_version: Option<String>,
    /// One entry per record that contributed.
    pub evidence: Vec<Evidence>,
    /// Summary of the vulnerability, from the first record that has one.
    pub summary: Option<String>,
    /// Severity entries of every merged record.
    pub severity: Vec<ward_intel::Severity>,
}
