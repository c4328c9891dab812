//! Renderings of a scan: the JSON document (`--format json`) and the terminal table.
//!
//! Both read one [`ScanReport`]. Its serde form is the JSON schema documented in
//! `docs/scan-json.md`; a field is only ever added, and a removal or change of meaning
//! raises [`SCAN_SCHEMA_VERSION`].

pub mod table;
pub mod terminal;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ward_inventory::{Device, Diagnostic as InventoryDiagnostic};
use ward_risk::{
    FailThreshold, PrioritizedFinding, Recommendation, RecommendationKind, SeverityLevel,
};

/// Version of the `--format json` document.
pub const SCAN_SCHEMA_VERSION: u32 = 1;

/// Everything one `ward scan` found, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// Version of this document's schema.
    pub schema_version: u32,
    /// Version of ward that wrote it.
    pub ward_version: &'static str,
    /// When the scan finished collecting and matching, in UTC.
    pub scanned_at: DateTime<Utc>,
    /// The device scanned, as the inventory describes it.
    pub device: Device,
    /// Origin and contents of the inventory.
    pub inventory: InventorySummary,
    /// The intel database used.
    pub database: DatabaseSummary,
    /// Counts over the findings.
    pub summary: Summary,
    /// Recommendations, most urgent first.
    pub recommendations: Vec<Recommendation>,
    /// Findings with their evidence and priority, most urgent first.
    pub findings: Vec<PrioritizedFinding>,
    /// Software rows deliberately not matched against their namespace, with the reason
    /// (language packages installed by OS packages, third-party builds).
    pub not_assessed: Vec<ward_assess::NotAssessed>,
    /// Problems met while matching.
    pub diagnostics: Vec<ward_assess::Diagnostic>,
    /// Warnings also printed on standard error.
    pub warnings: Vec<String>,
    /// The `--fail-on` threshold and how many findings met it; `None` without `--fail-on`.
    pub fail_on: Option<FailOnSummary>,
}

/// Origin of an inventory.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum InventoryOrigin {
    /// Collected by this scan below `root`.
    Collected {
        /// The collection root.
        root: String,
    },
    /// Read from a file written by `ward inventory`.
    File {
        /// The file read.
        path: String,
    },
}

/// The inventory side of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct InventorySummary {
    /// Origin of the inventory.
    #[serde(flatten)]
    pub origin: InventoryOrigin,
    /// When the inventory was collected, in UTC.
    pub collected_at: DateTime<Utc>,
    /// Software rows in the inventory.
    pub software_count: usize,
    /// Software rows per advisory namespace (`Debian:12`), rows without one under `none`.
    pub ecosystems: BTreeMap<String, usize>,
    /// Problems the collectors met.
    pub diagnostics: Vec<InventoryDiagnostic>,
}

/// The intel database side of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseSummary {
    /// Database file.
    pub path: String,
    /// Whether the database could be read. When `false`, no advisory was matched, so
    /// `findings` is empty for lack of data and not because nothing is affected.
    pub available: bool,
    /// Imported sources with their snapshot dates and counts.
    pub sources: Vec<ward_intel::SourceInfo>,
}

/// Counts over a scan's findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Counts from the matcher (packages, components, records and each outcome).
    #[serde(flatten)]
    pub stats: ward_assess::AssessmentStats,
    /// Findings whose vulnerability is in the CISA KEV catalog.
    pub known_exploited: usize,
    /// Findings per CVSS level (`no_score` included); unknown findings are not counted.
    pub by_severity: BTreeMap<SeverityLevel, usize>,
    /// Recommendations per kind.
    pub recommendations: BTreeMap<RecommendationKind, usize>,
}

/// The `--fail-on` outcome.
#[derive(Debug, Clone, Serialize)]
pub struct FailOnSummary {
    /// The threshold given.
    pub threshold: FailThreshold,
    /// Affected findings at or above it.
    pub findings_at_or_above: usize,
}

impl Summary {
    /// Counts the findings of a prioritized report.
    pub fn of(report: &ward_risk::RiskReport) -> Summary {
        let mut summary = Summary {
            stats: report.stats.clone(),
            ..Summary::default()
        };
        for prioritized in &report.findings {
            if prioritized.priority.is_known_exploited() {
                summary.known_exploited += 1;
            }
            if prioritized.finding.status != ward_assess::FindingStatus::Unknown {
                *summary
                    .by_severity
                    .entry(prioritized.priority.severity.level)
                    .or_default() += 1;
            }
        }
        for recommendation in &report.recommendations {
            *summary
                .recommendations
                .entry(recommendation.kind)
                .or_default() += 1;
        }
        summary
    }
}
