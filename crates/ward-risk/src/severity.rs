//! Severity of a finding: every severity entry of its records and of its CVEs' NVD and
//! CVE JSON 5 records, each with its provenance, and the one shown, chosen by
//! [`ward_intel::precedence::choose_severity`] for the finding's package ecosystem.

use serde::{Deserialize, Serialize};
use ward_intel::cvss::{CvssVector, Rating};
use ward_intel::precedence::{self, Tier};
use ward_intel::Severity;

/// A qualitative severity level, as used by `--fail-on` and in reports.
///
/// Ordered from least to most severe, with [`SeverityLevel::NoScore`] first: a finding
/// without any score is a bucket of its own, never counted as `none` or `low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeverityLevel {
    /// No CVSS score is known.
    NoScore,
    /// CVSS score 0.0 (v3.x, v4.0).
    None,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical (v3.x, v4.0).
    Critical,
}

impl SeverityLevel {
    /// Returns the level's name as written in JSON and accepted by `--fail-on` (`high`).
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityLevel::NoScore => "no_score",
            SeverityLevel::None => "none",
            SeverityLevel::Low => "low",
            SeverityLevel::Medium => "medium",
            SeverityLevel::High => "high",
            SeverityLevel::Critical => "critical",
        }
    }
}

impl From<Rating> for SeverityLevel {
    fn from(rating: Rating) -> Self {
        match rating {
            Rating::NoScore => SeverityLevel::NoScore,
            Rating::None => SeverityLevel::None,
            Rating::Low => SeverityLevel::Low,
            Rating::Medium => SeverityLevel::Medium,
            Rating::High => SeverityLevel::High,
            Rating::Critical => SeverityLevel::Critical,
        }
    }
}

impl std::fmt::Display for SeverityLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Precedence tier of a severity entry for the finding's package, as
/// [`ward_intel::precedence`] defines it; a lower tier is preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeverityTier {
    /// The package ecosystem's own data (a distribution's tracker, the ecosystem's OSV
    /// feed for a language package).
    Vendor,
    /// The CVE Numbering Authority.
    Cna,
    /// NVD's own analysis.
    NvdPrimary,
    /// ADPs (CISA-ADP), other secondary sources and other ecosystems' records.
    Other,
}

impl From<Tier> for SeverityTier {
    fn from(tier: Tier) -> Self {
        match tier {
            Tier::Vendor => SeverityTier::Vendor,
            Tier::Cna => SeverityTier::Cna,
            Tier::NvdPrimary => SeverityTier::NvdPrimary,
            Tier::Other => SeverityTier::Other,
        }
    }
}

impl SeverityTier {
    /// Returns the tier's name as written in JSON (`nvd_primary`).
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityTier::Vendor => "vendor",
            SeverityTier::Cna => "cna",
            SeverityTier::NvdPrimary => "nvd_primary",
            SeverityTier::Other => "other",
        }
    }
}

/// One severity entry of a finding, with its provenance and its computed rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeverityEntry {
    /// Provenance, verbatim: `osv:<Ecosystem>`, `rustsec`, `pypa`, `alpine-secdb:…`, or
    /// `nvd:<role>:<provider>` and `cve5:<role>:<provider>` for a CVE record's metric.
    pub source: String,
    /// Precedence tier of the entry for the finding's package ecosystem.
    pub tier: SeverityTier,
    /// Scorer named by an NVD or CVE JSON 5 metric (`nvd@nist.gov`, a CNA, `CISA-ADP`);
    /// `None` for an advisory record's entry, whose scorer is `source`.
    pub provider: Option<String>,
    /// NVD's metric `type`: `Primary` (NVD's own analysis) or `Secondary` (a CNA's or
    /// an ADP's); `None` for entries from other sources, which have no such type.
    #[serde(rename = "type")]
    pub metric_type: Option<String>,
    /// OSV severity type (`CVSS_V3`, `CVSS_V4`, `CVSS_V2`), or the tracker for a
    /// qualitative rating (`Debian`, `Ubuntu`).
    pub kind: String,
    /// The vector or the qualitative value, verbatim.
    pub value: String,
    /// CVSS version of a vector that parses (`3.1`).
    pub version: Option<String>,
    /// Computed CVSS score of a vector that parses (see [`CvssAssessment::score`]).
    pub score: Option<f64>,
    /// Metric groups `score` covers (`base`, `CVSS-BT`).
    pub score_kind: Option<String>,
    /// Rating of `score`, or of the qualitative value; `no_score` when neither gives one
    /// (an invalid vector, Debian's `not yet assigned`).
    pub rating: SeverityLevel,
}

/// One CVSS vector of a finding, scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvssAssessment {
    /// CVSS version from the vector's prefix (`3.1`).
    pub version: String,
    /// The vector, verbatim.
    pub vector: String,
    /// The score shown: for v2 and v3.x the most specific metric group present, for v4.0
    /// the score over every group present.
    pub score: f64,
    /// Metric groups the score covers (`base`, `CVSS-BT`).
    pub score_kind: String,
    /// Rating of `score` on the version's scale.
    pub rating: SeverityLevel,
    /// Assigner of the vector (the severity entry's source).
    pub source: String,
}

/// A rating given by a distribution's tracker (Debian urgency, Ubuntu priority).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorSeverity {
    /// Tracker that gave it (`Debian`, `Ubuntu`).
    pub kind: String,
    /// The rating, verbatim (`not yet assigned`, `unimportant`, `low`, `medium`, `high`).
    pub value: String,
    /// Feed it came from (`osv:Debian`).
    pub source: String,
}

impl VendorSeverity {
    /// Returns the rating's rank for ordering: 4 `critical`, 3 `high`, 2 `medium`, 1 `low`,
    /// 0 anything else (`unimportant`, `not yet assigned`, `negligible`).
    pub fn rank(&self) -> u8 {
        let value = self.value.trim_end_matches('*').trim().to_ascii_lowercase();
        match value.as_str() {
            "critical" => 4,
            "high" => 3,
            "medium" => 2,
            "low" => 1,
            _ => 0,
        }
    }
}

/// The severity of one finding, with every input kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeverityAssessment {
    /// The level used for ordering and `--fail-on`: the rating of `shown`, or `no_score`
    /// when no entry gives a rating.
    pub level: SeverityLevel,
    /// The entry shown, chosen by the precedence of [`assess_severity`]; `None` is the
    /// "no score" bucket.
    #[serde(default)]
    pub shown: Option<SeverityEntry>,
    /// The CVSS score of `shown` when `shown` is a CVSS vector; `None` when it is a
    /// qualitative rating or there is none.
    pub chosen: Option<CvssAssessment>,
    /// Every severity entry of the finding, in the finding's order, with its provenance.
    #[serde(default)]
    pub entries: Vec<SeverityEntry>,
    /// Every CVSS vector that could be scored.
    pub cvss: Vec<CvssAssessment>,
    /// Vectors that could not be parsed, with the reason.
    pub invalid_vectors: Vec<String>,
    /// The highest-ranked tracker rating (Debian urgency, Ubuntu priority), when any.
    pub vendor: Option<VendorSeverity>,
}

/// Scores the severity entries of a finding and chooses the one shown for a package of
/// `ecosystem` (`Debian:12`, `npm`).
///
/// The choice is [`ward_intel::precedence::choose_severity`]'s. Tiers, first wins: the
/// package ecosystem's own data (`osv:Debian` and Debian's urgency for a `Debian:12`
/// package, `osv:npm` for an npm package), then the CNA, then NVD's own analysis, then
/// everything else (ADPs, other ecosystems' records). Within a tier a CVSS vector beats a
/// qualitative rating, CVSS v3.1 beats v3.0, v4.0 and v2.0 in that order, then the higher
/// score wins. An entry without a rating (an invalid vector, `not yet assigned`) is passed
/// over; with no rating at all the level is `no_score`. `ecosystem` `None` has no vendor
/// tier.
pub fn assess_severity(entries: &[Severity], ecosystem: Option<&str>) -> SeverityAssessment {
    let mut scored = Vec::with_capacity(entries.len());
    let mut cvss = Vec::new();
    let mut invalid_vectors = Vec::new();
    let mut vendor: Option<VendorSeverity> = None;

    for entry in entries {
        if is_vendor_kind(&entry.kind) {
            let candidate = VendorSeverity {
                kind: entry.kind.clone(),
                value: entry.score.clone(),
                source: entry.source.clone(),
            };
            if vendor
                .as_ref()
                .is_none_or(|current| candidate.rank() > current.rank())
            {
                vendor = Some(candidate);
            }
            scored.push(qualitative_entry(entry, ecosystem));
            continue;
        }

        match entry.score.parse::<CvssVector>() {
            Ok(vector) => {
                let score = vector.score();
                let assessment = CvssAssessment {
                    version: vector.version().as_str().to_owned(),
                    vector: vector.as_str().to_owned(),
                    score: score.value,
                    score_kind: score.kind.to_string(),
                    rating: score.rating().into(),
                    source: entry.source.clone(),
                };
                let mut scored_entry = provenance(entry, ecosystem);
                scored_entry.version = Some(assessment.version.clone());
                scored_entry.score = Some(assessment.score);
                scored_entry.score_kind = Some(assessment.score_kind.clone());
                scored_entry.rating = assessment.rating;
                scored.push(scored_entry);
                cvss.push(assessment);
            }
            Err(error) if entry.kind.starts_with("CVSS") => {
                invalid_vectors.push(format!("{} from {}: {error}", entry.score, entry.source));
                scored.push(provenance(entry, ecosystem));
            }
            // A non-CVSS type with a word (a feed's `HIGH`): rated like a tracker's word.
            Err(_) => scored.push(qualitative_entry(entry, ecosystem)),
        }
    }

    let shown_index = precedence::choose_severity(entries, ecosystem).and_then(|choice| {
        entries
            .iter()
            .position(|entry| std::ptr::eq(entry, choice.entry))
    });
    let shown = shown_index.map(|index| scored[index].clone());
    let chosen = shown.as_ref().and_then(|shown| {
        cvss.iter()
            .find(|c| c.vector == shown.value && c.source == shown.source)
            .cloned()
    });
    let level = shown.as_ref().map_or(SeverityLevel::NoScore, |s| s.rating);

    SeverityAssessment {
        level,
        shown,
        chosen,
        entries: scored,
        cvss,
        invalid_vectors,
        vendor,
    }
}

/// Builds an entry's provenance, with no rating yet.
fn provenance(entry: &Severity, ecosystem: Option<&str>) -> SeverityEntry {
    let (provider, metric_type) = cve_metric_provenance(&entry.source);
    SeverityEntry {
        source: entry.source.clone(),
        tier: precedence::tier_of(&entry.source, ecosystem).into(),
        provider,
        metric_type,
        kind: entry.kind.clone(),
        value: entry.score.clone(),
        version: None,
        score: None,
        score_kind: None,
        rating: SeverityLevel::NoScore,
    }
}

/// Builds the entry of a qualitative rating (`low`, `not yet assigned`).
fn qualitative_entry(entry: &Severity, ecosystem: Option<&str>) -> SeverityEntry {
    SeverityEntry {
        rating: precedence::qualitative_rating(&entry.score).into(),
        ..provenance(entry, ecosystem)
    }
}

/// Splits `nvd:<role>:<provider>` and `cve5:<role>:<provider>` into the provider and NVD's
/// metric type; `(None, None)` for other sources.
///
/// NVD states `Primary` for its own metrics and `Secondary` for every other scorer's; CVE
/// JSON 5 has no such type, its role (CNA or ADP container) is in the source.
fn cve_metric_provenance(source: &str) -> (Option<String>, Option<String>) {
    let mut parts = source.splitn(3, ':');
    let (Some(format), Some(role), Some(provider)) = (parts.next(), parts.next(), parts.next())
    else {
        return (None, None);
    };
    let metric_type = match (format, role) {
        ("nvd", "primary") => Some("Primary"),
        ("nvd", _) => Some("Secondary"),
        ("cve5", _) => None,
        _ => return (None, None),
    };
    (Some(provider.to_owned()), metric_type.map(str::to_owned))
}

fn is_vendor_kind(kind: &str) -> bool {
    matches!(kind, "Debian" | "Ubuntu")
}

#[cfg(test)]
mod tests {
    use super::*;

    const V31_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const V31_HIGH: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
    const V31_LOW: &str = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N";
    const V40_MEDIUM: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N";

    fn entry(kind: &str, score: &str, source: &str) -> Severity {
        Severity {
            kind: kind.to_owned(),
            score: score.to_owned(),
            source: source.to_owned(),
        }
    }

    #[test]
    fn qualitative_rating_without_vectors() {
        let severity = assess_severity(&[entry("Debian", "high", "osv:Debian")], None);
        assert_eq!(severity.level, SeverityLevel::High);
        assert_eq!(severity.chosen, None);
        assert_eq!(
            severity.shown.as_ref().map(|s| s.kind.as_str()),
            Some("Debian")
        );
        assert_eq!(
            severity.vendor.as_ref().map(|v| v.value.as_str()),
            Some("high")
        );
    }

    #[test]
    fn unassigned_urgency_is_no_score() {
        let severity = assess_severity(
            &[entry("Debian", "not yet assigned", "osv:Debian")],
            Some("Debian:12"),
        );
        assert_eq!(severity.level, SeverityLevel::NoScore);
        assert_eq!(severity.shown, None);
        assert_eq!(severity.entries.len(), 1);
        assert_eq!(severity.entries[0].rating, SeverityLevel::NoScore);
    }

    #[test]
    fn v31_vector_scored_and_kept() {
        let severity = assess_severity(&[entry("CVSS_V3", V31_CRITICAL, "nvd")], None);
        let chosen = severity.chosen.expect("a chosen score");
        assert_eq!(chosen.score, 9.8);
        assert_eq!(chosen.rating, SeverityLevel::Critical);
        assert_eq!(chosen.vector, V31_CRITICAL);
        assert_eq!(chosen.source, "nvd");
        assert_eq!(chosen.version, "3.1");
        assert_eq!(severity.level, SeverityLevel::Critical);
    }

    #[test]
    fn cna_v40_beats_nvd_primary_v31() {
        let entries = [
            entry("Debian", "not yet assigned", "osv:Debian"),
            entry("CVSS_V3", V31_CRITICAL, "nvd:primary:nvd@nist.gov"),
            entry("CVSS_V4", V40_MEDIUM, "cve5:cna:example"),
        ];
        let severity = assess_severity(&entries, Some("Debian:12"));

        let shown = severity.shown.expect("a shown severity");
        assert_eq!(shown.source, "cve5:cna:example");
        assert_eq!(shown.tier, SeverityTier::Cna);
        assert_eq!(shown.version.as_deref(), Some("4.0"));
        assert_eq!(shown.provider.as_deref(), Some("example"));
        assert_eq!(shown.metric_type, None, "CVE 5 has no metric type");
        assert_eq!(severity.level, SeverityLevel::Medium);
        assert_eq!(
            severity.chosen.map(|c| c.vector),
            Some(V40_MEDIUM.to_owned())
        );

        let nvd = &severity.entries[1];
        assert_eq!(nvd.tier, SeverityTier::NvdPrimary);
        assert_eq!(nvd.metric_type.as_deref(), Some("Primary"));
        assert_eq!(nvd.provider.as_deref(), Some("nvd@nist.gov"));
        assert_eq!(nvd.rating, SeverityLevel::Critical);
    }

    #[test]
    fn nvd_secondary_type_for_cna() {
        let severity = assess_severity(
            &[entry("CVSS_V3", V31_LOW, "nvd:cna:secalert@redhat.com")],
            None,
        );
        let shown = severity.shown.expect("a shown severity");
        assert_eq!(shown.metric_type.as_deref(), Some("Secondary"));
        assert_eq!(shown.provider.as_deref(), Some("secalert@redhat.com"));
        assert_eq!(shown.tier, SeverityTier::Cna);
    }

    #[test]
    fn ecosystem_record_beats_nvd_for_language_package() {
        let entries = [
            entry("CVSS_V3", V31_CRITICAL, "nvd:primary:nvd@nist.gov"),
            entry("CVSS_V3", V31_LOW, "osv:npm"),
        ];
        let for_npm = assess_severity(&entries, Some("npm"));
        assert_eq!(for_npm.level, SeverityLevel::Low);
        assert_eq!(for_npm.shown.map(|s| s.tier), Some(SeverityTier::Vendor));

        // The same npm record is another ecosystem's for a PyPI package.
        let for_pypi = assess_severity(&entries, Some("PyPI"));
        assert_eq!(for_pypi.level, SeverityLevel::Critical);
    }

    #[test]
    fn distro_urgency_beats_nvd_for_distro_package() {
        let entries = [
            entry("CVSS_V3", V31_CRITICAL, "nvd:primary:nvd@nist.gov"),
            entry("Debian", "low", "osv:Debian"),
        ];
        let severity = assess_severity(&entries, Some("Debian:12"));
        assert_eq!(severity.level, SeverityLevel::Low);
        assert_eq!(
            severity.chosen, None,
            "a qualitative rating has no CVSS score"
        );
        let shown = severity.shown.expect("a shown severity");
        assert_eq!(shown.kind, "Debian");
        assert_eq!(shown.tier, SeverityTier::Vendor);
        assert_eq!(severity.cvss.len(), 1, "the NVD score is kept");
    }

    #[test]
    fn v3_preferred_over_v4_and_v2_in_tier() {
        let severity = assess_severity(
            &[
                entry("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C", "nvd"),
                entry(
                    "CVSS_V4",
                    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                    "cna",
                ),
                entry("CVSS_V3", V31_LOW, "nvd"),
            ],
            None,
        );
        assert_eq!(severity.cvss.len(), 3);
        assert_eq!(severity.chosen.map(|c| c.version), Some("3.1".to_owned()));
        assert_eq!(severity.level, SeverityLevel::Low);
    }

    #[test]
    fn highest_score_within_version() {
        let severity = assess_severity(
            &[
                entry("CVSS_V3", V31_LOW, "cna"),
                entry("CVSS_V3", V31_HIGH, "nvd"),
            ],
            None,
        );
        assert_eq!(severity.chosen.map(|c| c.source), Some("nvd".to_owned()));
        assert_eq!(severity.level, SeverityLevel::High);
    }

    #[test]
    fn invalid_vector_reported_not_zero() {
        let severity = assess_severity(&[entry("CVSS_V3", "CVSS:3.1/AV:N", "nvd")], None);
        assert_eq!(severity.level, SeverityLevel::NoScore);
        assert_eq!(severity.invalid_vectors.len(), 1);
        assert_eq!(severity.entries[0].rating, SeverityLevel::NoScore);
    }

    #[test]
    fn vendor_rating_ranks() {
        let severity = assess_severity(
            &[
                entry("Debian", "not yet assigned", "osv:Debian"),
                entry("Debian", "medium", "osv:Debian"),
                entry("Debian", "unimportant", "osv:Debian"),
            ],
            Some("Debian:12"),
        );
        assert_eq!(severity.vendor.map(|v| v.value), Some("medium".to_owned()));
        assert_eq!(severity.level, SeverityLevel::Medium);
    }
}
