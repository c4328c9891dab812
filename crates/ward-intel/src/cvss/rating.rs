//! Qualitative severity ratings.

use std::fmt;

use super::CvssVersion;

/// A qualitative severity rating, or the bucket for a vulnerability without any score.
///
/// Variants are ordered from least to most severe, with [`Rating::NoScore`] first, so that
/// sorting puts unscored records apart instead of mixing them with `None` or `Low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rating {
    /// No score is known: no vector, or none that could be parsed. Not the same as `None`.
    NoScore,
    /// CVSS v3.x/v4.0 score 0.0.
    None,
    /// v3.x/v4.0: 0.1–3.9; v2.0: 0.0–3.9.
    Low,
    /// 4.0–6.9 on every version.
    Medium,
    /// v3.x/v4.0: 7.0–8.9; v2.0: 7.0–10.0.
    High,
    /// v3.x/v4.0: 9.0–10.0; v2.0 has no Critical rating.
    Critical,
}

impl Rating {
    /// Rates `score` on the scale of `version`; `None` gives [`Rating::NoScore`].
    ///
    /// v3.x and v4.0 use the scale of their specifications (v3.1 section 5, v4.0 section
    /// 6). v2.0 defines no scale, so NVD's v2 scale is used: Low below 4.0, Medium below
    /// 7.0, High from 7.0.
    pub fn from_score(version: CvssVersion, score: Option<f64>) -> Rating {
        let Some(score) = score else {
            return Rating::NoScore;
        };
        if score.is_nan() {
            return Rating::NoScore;
        }

        match version {
            CvssVersion::V2_0 => {
                if score < 4.0 {
                    Rating::Low
                } else if score < 7.0 {
                    Rating::Medium
                } else {
                    Rating::High
                }
            }
            CvssVersion::V3_0 | CvssVersion::V3_1 | CvssVersion::V4_0 => {
                if score < 0.1 {
                    Rating::None
                } else if score < 4.0 {
                    Rating::Low
                } else if score < 7.0 {
                    Rating::Medium
                } else if score < 9.0 {
                    Rating::High
                } else {
                    Rating::Critical
                }
            }
        }
    }

    /// Returns the rating's name in upper case, as NVD writes `baseSeverity` (`HIGH`);
    /// `NO SCORE` for the unscored bucket.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::NoScore => "NO SCORE",
            Rating::None => "NONE",
            Rating::Low => "LOW",
            Rating::Medium => "MEDIUM",
            Rating::High => "HIGH",
            Rating::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
