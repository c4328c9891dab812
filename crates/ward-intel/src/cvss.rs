//! CVSS vectors of versions 2.0, 3.0, 3.1 and 4.0: parsing, scores and severity ratings.
//!
//! Parsing and the score equations come from the RustSec `cvss` crate (3.x), which
//! implements the CVSS v2.0 base/temporal/environmental equations, the v3.0 and v3.1
//! equations with their different rounding rules, and the v4.0 macro-vector lookup table.
//! This module adds what the crate lacks:
//!
//! - one entry point that dispatches on the vector's own version prefix, so a `CVSS:3.0/`
//!   vector is never scored or labelled as 3.1 (and the reverse), and NVD's v2 forms
//!   (bare `AV:N/…`, `(AV:N/…)`, `CVSS:2.0/AV:N/…`) are all accepted;
//! - which score to show: for v2 and v3.x the most specific group present
//!   (environmental, then temporal, then base), for v4.0 the score over every group
//!   present, labelled CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE;
//! - the v4.0 label itself, because the crate counts a metric set to `X` (Not Defined)
//!   as present and so labels `E:X` as CVSS-BT, which the v4.0 specification, section
//!   1.3, does not do;
//! - severity ratings per version, with "no score" as a bucket of its own.
//!
//! Traps of the specifications:
//!
//! - v3.0 rounds up to one decimal with a plain ceiling, v3.1 with the integer-based
//!   `Roundup` of its Appendix A; the two give different scores for the same metrics.
//! - v2.0 defines no severity scale. NVD's (Low < 4.0 ≤ Medium < 7.0 ≤ High) is used.
//! - A v4.0 score over base metrics only is not comparable with one that includes
//!   threat metrics, and the label shows which one it is.

mod rating;
mod v4;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

pub use rating::Rating;
pub use v4::Nomenclature;

/// A CVSS version, taken from the vector's own prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CvssVersion {
    /// CVSS v2.0 (vectors have no prefix, or `CVSS:2.0/`).
    V2_0,
    /// CVSS v3.0 (`CVSS:3.0/`).
    V3_0,
    /// CVSS v3.1 (`CVSS:3.1/`).
    V3_1,
    /// CVSS v4.0 (`CVSS:4.0/`).
    V4_0,
}

impl CvssVersion {
    /// Returns the version number as written in vectors and feeds (`3.1`).
    pub fn as_str(self) -> &'static str {
        match self {
            CvssVersion::V2_0 => "2.0",
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CVSS vector that failed to parse.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CvssError {
    /// The vector names a CVSS version ward does not score (`CVSS:5.0/…`), or none at all.
    #[error("unsupported CVSS version in vector `{vector}`")]
    UnsupportedVersion {
        /// The vector as given.
        vector: String,
    },
    /// The vector has the prefix of a known version but a metric is missing or invalid.
    #[error("invalid CVSS {version} vector `{vector}`")]
    InvalidVector {
        /// Version named by the prefix.
        version: CvssVersion,
        /// The vector as given.
        vector: String,
        /// The parser's error.
        #[source]
        source: ::cvss::Error,
    },
    /// A base metric the version requires is absent.
    #[error("CVSS {version} vector `{vector}` lacks base metric `{metric}`")]
    MissingMetric {
        /// Version named by the prefix.
        version: CvssVersion,
        /// The vector as given.
        vector: String,
        /// Abbreviated name of the absent metric (`A`).
        metric: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Parsed {
    V2(::cvss::v2::Vector),
    V3(::cvss::v3::Vector),
    V4(::cvss::v4::Vector),
}

/// A parsed CVSS vector of any supported version.
#[derive(Debug, Clone, PartialEq)]
pub struct CvssVector {
    version: CvssVersion,
    raw: String,
    parsed: Parsed,
}

/// The metric groups a score was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreKind {
    /// Base metrics only.
    Base,
    /// Base and temporal metrics.
    Temporal,
    /// Base, temporal (if any) and environmental metrics.
    Environmental,
    /// A CVSS v4.0 score with its nomenclature.
    V4(Nomenclature),
}

impl fmt::Display for ScoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoreKind::Base => f.write_str("base"),
            ScoreKind::Temporal => f.write_str("temporal"),
            ScoreKind::Environmental => f.write_str("environmental"),
            ScoreKind::V4(nomenclature) => nomenclature.fmt(f),
        }
    }
}

/// The scores of one vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvssScore {
    /// Version of the vector the scores were computed from.
    pub version: CvssVersion,
    /// Score of the base metrics alone (for v4.0, the CVSS-B score).
    pub base: f64,
    /// v2/v3.x temporal score, when the vector sets a temporal metric to a value other
    /// than Not Defined; always `None` for v4.0.
    pub temporal: Option<f64>,
    /// v2/v3.x environmental score, when the vector sets an environmental metric to a
    /// value other than Not Defined; always `None` for v4.0.
    pub environmental: Option<f64>,
    /// The score to show: the most specific group present (see [`CvssScore::kind`]).
    pub value: f64,
    /// The metric groups `value` was computed from.
    pub kind: ScoreKind,
}

impl CvssScore {
    /// Returns the qualitative rating of [`CvssScore::value`] on this version's scale.
    pub fn rating(&self) -> Rating {
        Rating::from_score(self.version, Some(self.value))
    }

    /// Returns the qualitative rating of the base score on this version's scale.
    pub fn base_rating(&self) -> Rating {
        Rating::from_score(self.version, Some(self.base))
    }
}

impl CvssVector {
    /// Returns the version named by the vector's prefix.
    pub fn version(&self) -> CvssVersion {
        self.version
    }

    /// Returns the vector as it was given, trimmed of surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Computes the scores of every metric group the vector sets.
    pub fn score(&self) -> CvssScore {
        match &self.parsed {
            Parsed::V2(vector) => score_v2(vector),
            Parsed::V3(vector) => score_v3(self.version, vector),
            Parsed::V4(vector) => v4::score(&self.raw, vector),
        }
    }
}

impl FromStr for CvssVector {
    type Err = CvssError;

    /// Parses a vector by its own version prefix.
    ///
    /// Returns [`CvssError::UnsupportedVersion`] for an unknown prefix and
    /// [`CvssError::InvalidVector`] or [`CvssError::MissingMetric`] when the prefix is known
    /// but the metrics are not valid for that version (a missing base metric, an unknown
    /// value, a metric given twice).
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let raw = input.trim();
        let invalid = |version: CvssVersion| {
            move |source: ::cvss::Error| CvssError::InvalidVector {
                version,
                vector: raw.to_owned(),
                source,
            }
        };

        let (version, parsed) = if raw.starts_with("CVSS:4.0/") {
            let vector = raw.parse().map_err(invalid(CvssVersion::V4_0))?;
            (CvssVersion::V4_0, Parsed::V4(vector))
        } else if raw.starts_with("CVSS:3.1/") {
            let vector = raw.parse().map_err(invalid(CvssVersion::V3_1))?;
            require_v3_base(CvssVersion::V3_1, raw, &vector)?;
            (CvssVersion::V3_1, Parsed::V3(vector))
        } else if raw.starts_with("CVSS:3.0/") {
            let vector = raw.parse().map_err(invalid(CvssVersion::V3_0))?;
            require_v3_base(CvssVersion::V3_0, raw, &vector)?;
            (CvssVersion::V3_0, Parsed::V3(vector))
        } else if let Some(metrics) = strip_v2_decoration(raw) {
            let vector = metrics.parse().map_err(invalid(CvssVersion::V2_0))?;
            (CvssVersion::V2_0, Parsed::V2(vector))
        } else {
            return Err(CvssError::UnsupportedVersion {
                vector: raw.to_owned(),
            });
        };

        Ok(CvssVector {
            version,
            raw: raw.to_owned(),
            parsed,
        })
    }
}

impl fmt::Display for CvssVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Checks that every v3 base metric is present.
///
/// The `cvss` crate (3.0) checks this for v2 and v4 but not for v3, where it scores an
/// absent metric as 0 and so turns a truncated vector into a wrong score.
fn require_v3_base(
    version: CvssVersion,
    raw: &str,
    vector: &::cvss::v3::Vector,
) -> Result<(), CvssError> {
    let present = [
        ("AV", vector.av.is_some()),
        ("AC", vector.ac.is_some()),
        ("PR", vector.pr.is_some()),
        ("UI", vector.ui.is_some()),
        ("S", vector.s.is_some()),
        ("C", vector.c.is_some()),
        ("I", vector.i.is_some()),
        ("A", vector.a.is_some()),
    ];
    match present.iter().find(|(_, is_present)| !is_present) {
        Some(&(metric, _)) => Err(CvssError::MissingMetric {
            version,
            vector: raw.to_owned(),
            metric,
        }),
        None => Ok(()),
    }
}

/// Returns the bare v2 metrics of `AV:N/…`, `(AV:N/…)` or `CVSS:2.0/AV:N/…`, or `None`
/// when the text is not shaped like a v2 vector.
fn strip_v2_decoration(raw: &str) -> Option<&str> {
    let unwrapped = raw
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(raw);
    let metrics = unwrapped.strip_prefix("CVSS:2.0/").unwrap_or(unwrapped);
    metrics.starts_with("AV:").then_some(metrics)
}

fn score_v2(vector: &::cvss::v2::Vector) -> CvssScore {
    let base = vector.score().value();

    // A group counts only when one of its metrics is set to something other than ND.
    let has_temporal = [
        vector.e.map(|m| m.to_string()),
        vector.rl.map(|m| m.to_string()),
        vector.rc.map(|m| m.to_string()),
    ]
    .iter()
    .any(is_defined_v2);
    let has_environmental = [
        vector.cdp.map(|m| m.to_string()),
        vector.td.map(|m| m.to_string()),
        vector.cr.map(|m| m.to_string()),
        vector.ir.map(|m| m.to_string()),
        vector.ar.map(|m| m.to_string()),
    ]
    .iter()
    .any(is_defined_v2);

    let temporal = has_temporal.then(|| vector.temporal_score().value());
    let environmental = has_environmental.then(|| vector.environmental_score().value());
    headline(CvssVersion::V2_0, base, temporal, environmental)
}

/// Returns whether a v2 metric, displayed as `E:ND`, is set to a value other than ND.
fn is_defined_v2(metric: &Option<String>) -> bool {
    metric.as_deref().is_some_and(|text| !text.ends_with(":ND"))
}

fn score_v3(version: CvssVersion, vector: &::cvss::v3::Vector) -> CvssScore {
    let base = vector.base_score().value();

    let has_temporal = metrics_set_v3(vector, &["E", "RL", "RC"]);
    let has_environmental = metrics_set_v3(
        vector,
        &[
            "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA",
        ],
    );

    let temporal = has_temporal.then(|| vector.temporal_score().value());
    let environmental = has_environmental.then(|| vector.environmental_score().value());
    headline(version, base, temporal, environmental)
}

/// Returns whether any of `names` is set to a value other than `X` in a v3 vector.
fn metrics_set_v3(vector: &::cvss::v3::Vector, names: &[&str]) -> bool {
    vector.to_string().split('/').skip(1).any(|component| {
        let Some((name, value)) = component.split_once(':') else {
            return false;
        };
        names.contains(&name) && value != "X"
    })
}

fn headline(
    version: CvssVersion,
    base: f64,
    temporal: Option<f64>,
    environmental: Option<f64>,
) -> CvssScore {
    let (value, kind) = match (environmental, temporal) {
        (Some(value), _) => (value, ScoreKind::Environmental),
        (None, Some(value)) => (value, ScoreKind::Temporal),
        (None, None) => (base, ScoreKind::Base),
    };
    CvssScore {
        version,
        base,
        temporal,
        environmental,
        value,
        kind,
    }
}

#[cfg(test)]
mod tests;
