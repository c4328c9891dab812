//! Risk model: the priority of each finding and recommendations grouped by the fix.
//!
//! [`prioritize`] joins every finding of an [`Assessment`] with the CISA Known Exploited
//! Vulnerabilities catalog and FIRST EPSS scores through all of the vulnerability's CVE ids,
//! scores its severity from the records' CVSS vectors, ranks the findings and groups them
//! into [`Recommendation`]s.
//!
//! Order of findings: known exploited first, then EPSS score, then CVSS severity; each
//! finding's [`Priority`] carries the inputs and one sentence per component.
//!
//! Traps this crate handles:
//!
//! - KEV and EPSS are keyed by CVE id, but a finding may be shown under another id
//!   (`DEBIAN-CVE-…`, `GHSA-…`), so every CVE alias is looked up.
//! - "No score" is a bucket of its own, never 0 or low; a failed KEV or EPSS lookup is
//!   reported as unknown and never drops the finding.
//! - A distribution's urgency (Debian `low`) and a CVSS rating (`critical`) are kept apart,
//!   each with its source.
//!
//! ```
//! use ward_assess::Assessment;
//! use ward_intel::MemoryIntel;
//!
//! let report = ward_risk::prioritize(Assessment::default(), &MemoryIntel::new());
//! assert!(report.recommendations.is_empty());
//! ```

#![warn(missing_docs)]

mod priority;
mod recommend;
mod severity;

use serde::{Deserialize, Serialize};
use ward_assess::{Assessment, Finding};
use ward_intel::Intel;

pub use priority::{compare, prioritize_finding, Epss, FailThreshold, KnownExploited, Priority};
pub use recommend::{package_label, recommend, Recommendation, RecommendationKind};
pub use severity::{
    assess_severity, CvssAssessment, SeverityAssessment, SeverityEntry, SeverityLevel,
    SeverityTier, VendorSeverity,
};

/// An assessment with every finding prioritized and grouped into recommendations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskReport {
    /// Recommendations, most urgent first.
    pub recommendations: Vec<Recommendation>,
    /// Findings with their priority, most urgent first.
    pub findings: Vec<PrioritizedFinding>,
    /// The assessment's diagnostics, unchanged.
    pub diagnostics: Vec<ward_assess::Diagnostic>,
    /// The assessment's counts, unchanged.
    pub stats: ward_assess::AssessmentStats,
    /// The software rows the assessment set aside, unchanged.
    #[serde(default)]
    pub not_assessed: Vec<ward_assess::NotAssessed>,
}

/// A finding and its priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrioritizedFinding {
    /// The finding, with its evidence.
    #[serde(flatten)]
    pub finding: Finding,
    /// Its priority, with the reasons.
    pub priority: Priority,
}

/// Prioritizes every finding of `assessment` and groups them into recommendations.
#[tracing::instrument(skip_all, fields(findings = assessment.findings.len()))]
pub fn prioritize(assessment: Assessment, intel: &dyn Intel) -> RiskReport {
    let mut findings: Vec<(Finding, Priority)> = assessment
        .findings
        .into_iter()
        .map(|finding| {
            let priority = prioritize_finding(&finding, intel);
            (finding, priority)
        })
        .collect();

    findings.sort_by(|a, b| compare((&a.0, &a.1), (&b.0, &b.1)));
    for (index, (_, priority)) in findings.iter_mut().enumerate() {
        priority.rank = index + 1;
    }

    let recommendations = recommend(&findings);
    RiskReport {
        recommendations,
        findings: findings
            .into_iter()
            .map(|(finding, priority)| PrioritizedFinding { finding, priority })
            .collect(),
        diagnostics: assessment.diagnostics,
        stats: assessment.stats,
        not_assessed: assessment.not_assessed,
    }
}
