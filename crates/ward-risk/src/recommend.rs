//! Recommendations: findings grouped by the action that resolves them.
//!
//! Findings with a fix are grouped per (ecosystem, advisory package), so one upgrade of a
//! Debian source package resolves every CVE of every binary package built from it. The
//! target is the highest fixed version among the group's findings, because a lower one
//! leaves some of them open. Findings with no fix yet are grouped the same way into "no fix
//! available yet" items, and unknown findings into "review" items. Recommendations are
//! ordered by kind (upgrades, then no fix yet, then review) and, within a kind, by the rank
//! of their most urgent finding.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ward_assess::{Finding, FindingStatus};
use ward_version::Scheme;

use crate::priority::Priority;
use crate::severity::SeverityLevel;

/// Kind of action a recommendation requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationKind {
    /// Upgrade the package to a version that fixes its findings.
    Upgrade,
    /// The package is affected and no fixed version exists yet: watch it or mitigate.
    NoFixYet,
    /// Some advisories could not be evaluated against the package: check by hand.
    Review,
}

/// One action with the findings it resolves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// 1-based position among all recommendations, 1 first.
    pub rank: usize,
    /// Kind of action.
    pub kind: RecommendationKind,
    /// The action in words (`upgrade openssl to 3.0.15-1~deb12u1`).
    pub action: String,
    /// Advisory namespace (`Debian:12`).
    pub ecosystem: String,
    /// Package the action applies to: the source package for Debian and Ubuntu.
    pub package: String,
    /// Versions of `package` installed (several after a partial upgrade), sorted.
    pub installed_versions: Vec<String>,
    /// Version to upgrade to; `None` unless `kind` is [`RecommendationKind::Upgrade`].
    pub target_version: Option<String>,
    /// Installed packages the action touches (binary packages for Debian), without
    /// duplicates, in the order the most urgent findings name them.
    pub packages: Vec<String>,
    /// Files the installed packages were read from, relative to the collection root,
    /// without duplicates: where to act for a language package (`…/site-packages/x.dist-info`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Vulnerability ids resolved, most urgent first.
    pub vulnerabilities: Vec<String>,
    /// CVE ids among them and their aliases, sorted.
    pub cve_ids: Vec<String>,
    /// How many of the vulnerabilities are in the CISA KEV catalog.
    pub known_exploited: usize,
    /// Highest EPSS score among the vulnerabilities, when any is scored.
    pub max_epss: Option<f64>,
    /// Highest CVSS level among the vulnerabilities (`no_score` when none has a score).
    pub max_severity: SeverityLevel,
    /// Rank of the most urgent finding resolved.
    pub best_finding_rank: usize,
}

/// Groups prioritized findings into recommendations, ranked.
pub fn recommend(findings: &[(Finding, Priority)]) -> Vec<Recommendation> {
    let mut index_of: HashMap<(RecommendationKind, &str, &str), usize> = HashMap::new();
    let mut recommendations: Vec<Recommendation> = Vec::new();

    // `findings` is sorted most urgent first, so each group's first finding is its best.
    for (finding, priority) in findings {
        let kind = match finding.status {
            FindingStatus::AffectedWithFix => RecommendationKind::Upgrade,
            FindingStatus::AffectedNoFix => RecommendationKind::NoFixYet,
            FindingStatus::Unknown => RecommendationKind::Review,
        };
        let component = &finding.component;
        let key = (
            kind,
            component.ecosystem.as_str(),
            component.advisory_package.as_str(),
        );
        let index = *index_of.entry(key).or_insert_with(|| {
            recommendations.push(Recommendation {
                rank: 0,
                kind,
                action: String::new(),
                ecosystem: component.ecosystem.clone(),
                package: component.advisory_package.clone(),
                installed_versions: Vec::new(),
                target_version: None,
                packages: Vec::new(),
                paths: Vec::new(),
                vulnerabilities: Vec::new(),
                cve_ids: Vec::new(),
                known_exploited: 0,
                max_epss: None,
                max_severity: SeverityLevel::NoScore,
                best_finding_rank: priority.rank,
            });
            recommendations.len() - 1
        });
        add_finding(&mut recommendations[index], finding, priority);
    }

    for recommendation in &mut recommendations {
        recommendation.installed_versions.sort();
        recommendation.cve_ids.sort();
        recommendation.cve_ids.dedup();
        recommendation.action = action(recommendation);
    }
    recommendations.sort_by_key(|r| (r.kind, r.best_finding_rank));
    for (index, recommendation) in recommendations.iter_mut().enumerate() {
        recommendation.rank = index + 1;
    }
    recommendations
}

fn add_finding(recommendation: &mut Recommendation, finding: &Finding, priority: &Priority) {
    let component = &finding.component;
    if !recommendation
        .installed_versions
        .contains(&component.advisory_version)
    {
        recommendation
            .installed_versions
            .push(component.advisory_version.clone());
    }
    for package in &component.packages {
        if !recommendation.packages.contains(&package.name) {
            recommendation.packages.push(package.name.clone());
        }
        if let Some(path) = &package.path {
            if !recommendation.paths.contains(path) {
                recommendation.paths.push(path.clone());
            }
        }
    }
    if !recommendation
        .vulnerabilities
        .contains(&finding.vulnerability_id)
    {
        recommendation
            .vulnerabilities
            .push(finding.vulnerability_id.clone());
        if priority.is_known_exploited() {
            recommendation.known_exploited += 1;
        }
    }
    recommendation
        .cve_ids
        .extend(finding.cve_ids().map(str::to_owned));

    if let Some(epss) = &priority.epss {
        if recommendation.max_epss.is_none_or(|max| epss.score > max) {
            recommendation.max_epss = Some(epss.score);
        }
    }
    recommendation.max_severity = recommendation.max_severity.max(priority.severity.level);

    if let Some(fixed) = &finding.fixed_version {
        recommendation.target_version = Some(match recommendation.target_version.take() {
            None => fixed.clone(),
            Some(current) => higher(&component.ecosystem, current, fixed),
        });
    }
}

/// Returns the higher of two fixed versions; `current` is kept when they cannot be ordered.
fn higher(ecosystem: &str, current: String, candidate: &str) -> String {
    let order = Scheme::from_osv_ecosystem(ecosystem)
        .and_then(|scheme| scheme.compare(candidate, &current).ok());
    match order {
        Some(std::cmp::Ordering::Greater) => candidate.to_owned(),
        _ => current,
    }
}

fn action(recommendation: &Recommendation) -> String {
    let count = recommendation.vulnerabilities.len();
    let noun = if count == 1 {
        "vulnerability"
    } else {
        "vulnerabilities"
    };
    let package = package_label(recommendation);
    match (recommendation.kind, &recommendation.target_version) {
        (RecommendationKind::Upgrade, Some(target)) => format!("upgrade {package} to {target}"),
        (RecommendationKind::Upgrade, None) | (RecommendationKind::NoFixYet, _) => {
            format!("no fix available yet for {package} ({count} {noun})")
        }
        (RecommendationKind::Review, _) => {
            format!("review {package}: {count} {noun} could not be evaluated")
        }
    }
}

/// Names the package, with its ecosystem when it is a language package (`requests (PyPI)`),
/// since the same name can exist in several ecosystems and as an OS package.
pub fn package_label(recommendation: &Recommendation) -> String {
    if ward_assess::is_os_ecosystem(&recommendation.ecosystem) {
        recommendation.package.clone()
    } else {
        format!("{} ({})", recommendation.package, recommendation.ecosystem)
    }
}
