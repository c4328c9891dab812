//! The priority of one finding: exploitation evidence (CISA KEV), likelihood (FIRST EPSS) and
//! severity, joined through every id of the vulnerability.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tracing::warn;
use ward_assess::{Finding, FindingStatus};
use ward_intel::{Intel, RansomwareUse};

use crate::severity::{assess_severity, SeverityAssessment, SeverityLevel};

/// Evidence of exploitation: the vulnerability's CISA KEV entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownExploited {
    /// The CVE id found in the catalog (one of the finding's ids).
    pub cve_id: String,
    /// When CISA added it.
    pub date_added: NaiveDate,
    /// When US federal agencies must have remediated it.
    pub due_date: Option<NaiveDate>,
    /// Whether CISA reports its use in ransomware campaigns; `false` also when CISA
    /// states `Unknown` or the entry has no such field (see `ransomware_use`).
    pub known_ransomware_use: bool,
    /// The catalog's `knownRansomwareCampaignUse` in its three states: `known`,
    /// `unknown` (CISA does not know, which is not a "no"), or `None` when not stated.
    #[serde(default)]
    pub ransomware_use: Option<RansomwareUse>,
    /// CISA's name for the vulnerability.
    pub vulnerability_name: String,
}

/// The EPSS score of the vulnerability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    /// The CVE id scored (one of the finding's ids; the highest-scored when several are).
    pub cve_id: String,
    /// Probability of exploitation activity in the next 30 days, 0 to 1.
    pub score: f64,
    /// Percentile of `score` among all scored CVEs, 0 to 1.
    pub percentile: f64,
    /// Day the score was computed for.
    pub date: Option<NaiveDate>,
}

/// The priority of one finding, with its inputs and the reasons in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    /// 1-based position among all findings of the report, 1 first.
    pub rank: usize,
    /// CISA KEV entry, when any id of the vulnerability is listed.
    pub known_exploited: Option<KnownExploited>,
    /// EPSS score, when any CVE id of the vulnerability is scored.
    pub epss: Option<Epss>,
    /// Severity: every entry of the records and of the CVEs' NVD and CVE 5 records, and
    /// the one shown by precedence.
    pub severity: SeverityAssessment,
    /// Lookups that failed, so that a missing KEV or EPSS value reads as unknown rather
    /// than as "not exploited" or "unlikely".
    pub enrichment_errors: Vec<String>,
    /// One sentence per component of the priority, in the order they are compared.
    pub explanation: Vec<String>,
}

impl Priority {
    /// Returns whether the vulnerability is in the CISA KEV catalog.
    pub fn is_known_exploited(&self) -> bool {
        self.known_exploited.is_some()
    }
}

/// Looks up KEV and EPSS for every CVE id of `finding` and scores its severity.
///
/// Lookups are made for every CVE id among the vulnerability id and its aliases, so a
/// finding shown as `DEBIAN-CVE-2024-1234` or `GHSA-…` still joins with `CVE-2024-1234`. A
/// failed lookup is recorded in [`Priority::enrichment_errors`] and does not drop the
/// finding. The rank is set later, once every finding is known.
pub fn prioritize_finding(finding: &Finding, intel: &dyn Intel) -> Priority {
    let mut known_exploited: Option<KnownExploited> = None;
    let mut epss: Option<Epss> = None;
    let mut enrichment_errors = Vec::new();

    for cve_id in finding.cve_ids() {
        match intel.kev(cve_id) {
            Ok(Some(entry)) if known_exploited.is_none() => {
                known_exploited = Some(KnownExploited {
                    cve_id: entry.cve_id,
                    date_added: entry.date_added,
                    due_date: entry.due_date,
                    known_ransomware_use: entry
                        .known_ransomware_use
                        .is_some_and(RansomwareUse::is_known),
                    ransomware_use: entry.known_ransomware_use,
                    vulnerability_name: entry.vulnerability_name,
                });
            }
            Ok(_) => {}
            Err(error) => {
                warn!(cve = cve_id, %error, "KEV lookup failed");
                enrichment_errors.push(format!("KEV lookup of {cve_id} failed: {error}"));
            }
        }
        match intel.epss(cve_id) {
            Ok(Some(score)) => {
                if epss
                    .as_ref()
                    .is_none_or(|current| score.score > current.score)
                {
                    epss = Some(Epss {
                        cve_id: score.cve_id,
                        score: score.score,
                        percentile: score.percentile,
                        date: score.date,
                    });
                }
            }
            Ok(None) => {}
            Err(error) => {
                warn!(cve = cve_id, %error, "EPSS lookup failed");
                enrichment_errors.push(format!("EPSS lookup of {cve_id} failed: {error}"));
            }
        }
    }

    let severity = assess_severity(&finding.severity, Some(&finding.component.ecosystem));
    let mut priority = Priority {
        rank: 0,
        known_exploited,
        epss,
        severity,
        enrichment_errors,
        explanation: Vec::new(),
    };
    priority.explanation = explain(finding, &priority);
    priority
}

/// Orders two prioritized findings, most urgent first.
///
/// Keys, in order: known exploited (KEV) first; then EPSS score, highest first, with
/// unscored findings after every scored one; then the shown severity's level, `no_score`
/// after `low`; then the tracker's rating; then findings with a fix before those without
/// (the action is available now); then vulnerability id and package name, so the order is
/// stable.
pub fn compare(a: (&Finding, &Priority), b: (&Finding, &Priority)) -> Ordering {
    let (finding_a, priority_a) = a;
    let (finding_b, priority_b) = b;

    priority_b
        .is_known_exploited()
        .cmp(&priority_a.is_known_exploited())
        .then_with(|| {
            let score = |p: &Priority| p.epss.as_ref().map(|e| e.score);
            match (score(priority_a), score(priority_b)) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        })
        .then_with(|| priority_b.severity.level.cmp(&priority_a.severity.level))
        .then_with(|| {
            let vendor = |p: &Priority| p.severity.vendor.as_ref().map_or(0, |v| v.rank());
            vendor(priority_b).cmp(&vendor(priority_a))
        })
        .then_with(|| status_rank(finding_a.status).cmp(&status_rank(finding_b.status)))
        .then_with(|| finding_a.vulnerability_id.cmp(&finding_b.vulnerability_id))
        .then_with(|| {
            finding_a
                .component
                .advisory_package
                .cmp(&finding_b.component.advisory_package)
        })
}

fn status_rank(status: FindingStatus) -> u8 {
    match status {
        FindingStatus::AffectedWithFix => 0,
        FindingStatus::AffectedNoFix => 1,
        FindingStatus::Unknown => 2,
    }
}

/// Writes one sentence per priority component, in the order [`compare`] uses them.
fn explain(finding: &Finding, priority: &Priority) -> Vec<String> {
    let mut lines = Vec::new();

    match &priority.known_exploited {
        Some(kev) => {
            let mut line = format!(
                "known exploited: {} is in the CISA KEV catalog since {}",
                kev.cve_id, kev.date_added
            );
            if let Some(due) = kev.due_date {
                line.push_str(&format!(", remediation due {due}"));
            }
            if kev.known_ransomware_use {
                line.push_str(", used in ransomware campaigns");
            }
            lines.push(line);
        }
        None if finding.cve_ids().next().is_none() => {
            lines.push("not joinable with CISA KEV: the vulnerability has no CVE id".to_owned());
        }
        None => lines.push("not in the CISA KEV catalog".to_owned()),
    }

    match &priority.epss {
        Some(epss) => {
            let date = epss.date.map(|d| format!(" on {d}")).unwrap_or_default();
            lines.push(format!(
                "EPSS {:.5} ({:.1} percentile) for {}{date}",
                epss.score,
                epss.percentile * 100.0,
                epss.cve_id
            ));
        }
        None => {
            lines.push("no EPSS score: likelihood unknown, ranked after scored findings".to_owned())
        }
    }

    lines.push(explain_severity(&priority.severity));

    if let Some(vendor) = &priority.severity.vendor {
        let is_shown = priority
            .severity
            .shown
            .as_ref()
            .is_some_and(|shown| shown.kind == vendor.kind && shown.value == vendor.value);
        if !is_shown {
            lines.push(format!(
                "{} urgency `{}` from {} (not shown: it gives no rating or another entry \
                 takes precedence)",
                vendor.kind, vendor.value, vendor.source
            ));
        }
    }

    for error in &priority.enrichment_errors {
        lines.push(format!("unknown: {error}"));
    }

    lines
}

/// Describes the shown severity: its rating, the entry and the precedence tier it won in.
fn explain_severity(severity: &SeverityAssessment) -> String {
    let Some(shown) = &severity.shown else {
        return format!(
            "severity no_score: none of {} severity entries gives a rating",
            severity.entries.len()
        );
    };
    let others = severity.entries.len().saturating_sub(1);
    let what = match (&shown.version, shown.score) {
        (Some(version), Some(score)) => format!(
            "CVSS {version} {} score {score:.1} ({})",
            shown.score_kind.as_deref().unwrap_or("base"),
            shown.value
        ),
        _ => format!("{} rating `{}`", shown.kind, shown.value),
    };
    format!(
        "severity {} from {what}, source {}, precedence tier {} ({others} other entries kept)",
        shown.rating,
        shown.source,
        shown.tier.as_str()
    )
}

/// The lowest severity that makes `ward scan --fail-on` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailThreshold {
    /// Findings rated critical.
    Critical,
    /// Findings rated high or critical.
    High,
    /// Findings rated medium or above.
    Medium,
    /// Findings rated low or above.
    Low,
    /// Every affected finding, including those rated `none` and those with no score.
    Any,
}

impl FailThreshold {
    /// Returns the threshold as written on the command line and in JSON (`critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailThreshold::Critical => "critical",
            FailThreshold::High => "high",
            FailThreshold::Medium => "medium",
            FailThreshold::Low => "low",
            FailThreshold::Any => "any",
        }
    }

    /// Returns whether an affected finding with this priority meets the threshold.
    ///
    /// A known exploited vulnerability meets every threshold, because exploitation in the
    /// wild outranks any score. A finding with no CVSS score meets only [`FailThreshold::Any`]:
    /// it is not counted as low, and its unknown severity is reported instead.
    pub fn is_met_by(self, priority: &Priority) -> bool {
        if priority.is_known_exploited() {
            return true;
        }
        let level = priority.severity.level;
        let minimum = match self {
            FailThreshold::Any => return true,
            FailThreshold::Low => SeverityLevel::Low,
            FailThreshold::Medium => SeverityLevel::Medium,
            FailThreshold::High => SeverityLevel::High,
            FailThreshold::Critical => SeverityLevel::Critical,
        };
        level >= minimum
    }
}
