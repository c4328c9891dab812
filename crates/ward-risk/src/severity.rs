//! Severity of a finding: the CVSS score chosen among its records' vectors, and the vendor's
//! own rating kept beside it.

use serde::{Deserialize, Serialize};
use ward_intel::cvss::{CvssVector, CvssVersion, Rating};
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
    /// The level used for ordering and `--fail-on`: the chosen CVSS score's rating, or
    /// `no_score`.
    pub level: SeverityLevel,
    /// The CVSS score chosen by the precedence in [`assess_severity`], when any.
    pub chosen: Option<CvssAssessment>,
    /// Every CVSS vector that could be scored.
    pub cvss: Vec<CvssAssessment>,
    /// Vectors that could not be parsed, with the reason.
    pub invalid_vectors: Vec<String>,
    /// The highest-ranked vendor rating, when any.
    pub vendor: Option<VendorSeverity>,
}

/// Scores the severity entries of a finding and chooses one.
///
/// Precedence: CVSS v3.1, then v3.0, then v4.0, then v2.0. v3.x comes first because nearly
/// all feeds (NVD, GitHub, distribution trackers) carry it, and v4.0 scores are on another
/// scale. Within one version the highest score wins, so two sources that disagree give the
/// worse case. Entries of kind `Debian` or `Ubuntu` are vendor ratings: kept apart and
/// never turned into a CVSS level.
pub fn assess_severity(entries: &[Severity]) -> SeverityAssessment {
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
            continue;
        }

        match entry.score.parse::<CvssVector>() {
            Ok(vector) => {
                let score = vector.score();
                cvss.push(CvssAssessment {
                    version: vector.version().as_str().to_owned(),
                    vector: vector.as_str().to_owned(),
                    score: score.value,
                    score_kind: score.kind.to_string(),
                    rating: score.rating().into(),
                    source: entry.source.clone(),
                });
            }
            Err(error) => {
                invalid_vectors.push(format!("{} from {}: {error}", entry.score, entry.source))
            }
        }
    }

    let chosen = cvss
        .iter()
        .max_by(|a, b| {
            let key = |c: &CvssAssessment| version_precedence(&c.version);
            key(a).cmp(&key(b)).then(a.score.total_cmp(&b.score))
        })
        .cloned();
    let level = chosen.as_ref().map_or(SeverityLevel::NoScore, |c| c.rating);

    SeverityAssessment {
        level,
        chosen,
        cvss,
        invalid_vectors,
        vendor,
    }
}

fn is_vendor_kind(kind: &str) -> bool {
    matches!(kind, "Debian" | "Ubuntu")
}

/// Returns a rank where a higher value is preferred.
fn version_precedence(version: &str) -> u8 {
    match version {
        v if v == CvssVersion::V3_1.as_str() => 4,
        v if v == CvssVersion::V3_0.as_str() => 3,
        v if v == CvssVersion::V4_0.as_str() => 2,
        v if v == CvssVersion::V2_0.as_str() => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: &str, score: &str, source: &str) -> Severity {
        Severity {
            kind: kind.to_owned(),
            score: score.to_owned(),
            source: source.to_owned(),
        }
    }

    #[test]
    fn no_vectors_is_no_score() {
        let severity = assess_severity(&[entry("Debian", "high", "osv:Debian")]);
        assert_eq!(severity.level, SeverityLevel::NoScore);
        assert_eq!(severity.chosen, None);
        assert_eq!(
            severity.vendor.as_ref().map(|v| v.value.as_str()),
            Some("high")
        );
    }

    #[test]
    fn v31_vector_scored_and_kept() {
        let vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        let severity = assess_severity(&[entry("CVSS_V3", vector, "nvd")]);
        let chosen = severity.chosen.expect("a chosen score");
        assert_eq!(chosen.score, 9.8);
        assert_eq!(chosen.rating, SeverityLevel::Critical);
        assert_eq!(chosen.vector, vector);
        assert_eq!(chosen.source, "nvd");
        assert_eq!(chosen.version, "3.1");
        assert_eq!(severity.level, SeverityLevel::Critical);
    }

    #[test]
    fn v3_preferred_over_v4_and_v2() {
        let severity = assess_severity(&[
            entry("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C", "nvd"),
            entry(
                "CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                "cna",
            ),
            entry(
                "CVSS_V3",
                "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
                "nvd",
            ),
        ]);
        assert_eq!(severity.cvss.len(), 3);
        assert_eq!(severity.chosen.map(|c| c.version), Some("3.1".to_owned()));
        assert_eq!(severity.level, SeverityLevel::Low);
    }

    #[test]
    fn highest_score_within_version() {
        let severity = assess_severity(&[
            entry(
                "CVSS_V3",
                "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
                "cna",
            ),
            entry(
                "CVSS_V3",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
                "nvd",
            ),
        ]);
        assert_eq!(severity.chosen.map(|c| c.source), Some("nvd".to_owned()));
        assert_eq!(severity.level, SeverityLevel::High);
    }

    #[test]
    fn invalid_vector_reported_not_zero() {
        let severity = assess_severity(&[entry("CVSS_V3", "CVSS:3.1/AV:N", "nvd")]);
        assert_eq!(severity.level, SeverityLevel::NoScore);
        assert_eq!(severity.invalid_vectors.len(), 1);
    }

    #[test]
    fn vendor_rating_ranks() {
        let severity = assess_severity(&[
            entry("Debian", "not yet assigned", "osv:Debian"),
            entry("Debian", "medium", "osv:Debian"),
            entry("Debian", "unimportant", "osv:Debian"),
        ]);
        assert_eq!(severity.vendor.map(|v| v.value), Some("medium".to_owned()));
    }
}
