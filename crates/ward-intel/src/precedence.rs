//! Which of a vulnerability's severities to show, when several sources score it.
//!
//! Every severity is kept with its provenance; this module only picks the one shown. The
//! precedence, highest first:
//!
//! 1. **Vendor**: for a package of a known ecosystem, the severity given by that
//!    ecosystem's own data (`osv:Debian` for a `Debian:12` package, `alpine-secdb:…` for
//!    Alpine, `rustsec` for crates.io, `pypa` for PyPI, `osv:<Ecosystem>` in general). A
//!    distribution rates its own build, backports included, so its rating beats upstream's.
//! 2. **CNA**: the CVE Numbering Authority's vectors, from a CVE 5 CNA container or an NVD
//!    `Secondary` entry whose source is the record's `sourceIdentifier`.
//! 3. **NVD primary**: NVD's own analysis (`type: Primary`).
//! 4. **Other**: ADP containers (CISA-ADP), other secondary NVD entries, and records of
//!    other ecosystems (a GHSA's score when a Debian package is assessed).
//!
//! Within a tier a CVSS vector that parses beats a qualitative rating (Ubuntu's
//! `priority`), then CVSS v3.1 beats v3.0, v4.0 and v2.0 in that order (v3.x is what
//! nearly every feed carries, so scores stay comparable between findings), then the higher
//! score wins. A tier with no usable entry passes to the next. When no entry gives a
//! rating, there is no choice: the caller puts the vulnerability in the "no score" bucket,
//! never in `none` or `low`.
//!
//! Provenance is read from [`Severity::source`]: `osv:<Ecosystem>`, `rustsec`, `pypa`,
//! `alpine-secdb:<branch>/<repo>`, and `nvd:<role>:<provider>` or
//! `cve5:<role>:<provider>` as [`crate::IntelDb::cve_severities`] writes them.

use serde::Serialize;

use crate::cvss::{CvssScore, CvssVector, CvssVersion, Rating};
use crate::Severity;

/// Precedence tier of a severity entry; a lower tier is preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The package ecosystem's own data (a distribution's tracker).
    Vendor,
    /// The CVE Numbering Authority.
    Cna,
    /// NVD's own analysis.
    NvdPrimary,
    /// ADPs, other secondary sources and other ecosystems' records.
    Other,
}

impl Tier {
    /// Returns the tier's name as written in JSON (`nvd_primary`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Vendor => "vendor",
            Tier::Cna => "cna",
            Tier::NvdPrimary => "nvd_primary",
            Tier::Other => "other",
        }
    }
}

/// The severity entry chosen to show, with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenSeverity<'a> {
    /// The entry.
    pub entry: &'a Severity,
    /// Its tier.
    pub tier: Tier,
    /// The computed CVSS score, for a vector that parses.
    pub score: Option<CvssScore>,
    /// The rating shown: the score's rating, or the qualitative value mapped to a rating.
    /// Never [`Rating::NoScore`].
    pub rating: Rating,
}

/// Returns the tier of a severity entry from `source` for a package of `ecosystem`
/// (`Debian:12`, `PyPI`); with `None` there is no vendor tier.
pub fn tier_of(source: &str, ecosystem: Option<&str>) -> Tier {
    if let Some(rest) = source
        .strip_prefix("nvd:")
        .or_else(|| source.strip_prefix("cve5:"))
    {
        return match rest.split(':').next() {
            Some("primary") => Tier::NvdPrimary,
            Some("cna") => Tier::Cna,
            _ => Tier::Other,
        };
    }
    let Some(base) = ecosystem.and_then(|ecosystem| ecosystem.split(':').next()) else {
        return Tier::Other;
    };
    let source_base = match source {
        "rustsec" => "crates.io",
        "pypa" => "PyPI",
        _ if source.starts_with("alpine-secdb") => "Alpine",
        _ => match source.strip_prefix("osv:") {
            Some(rest) => rest.split(':').next().unwrap_or(rest),
            None => return Tier::Other,
        },
    };
    if source_base.eq_ignore_ascii_case(base) {
        Tier::Vendor
    } else {
        Tier::Other
    }
}

/// Chooses the severity to show among `entries` for a package of `ecosystem`, by the
/// precedence of the module documentation.
///
/// Returns `None` when no entry gives a rating: the "no score" bucket.
pub fn choose_severity<'a>(
    entries: &'a [Severity],
    ecosystem: Option<&str>,
) -> Option<ChosenSeverity<'a>> {
    entries
        .iter()
        .filter_map(|entry| {
            let tier = tier_of(&entry.source, ecosystem);
            let score = entry
                .score
                .parse::<CvssVector>()
                .ok()
                .map(|vector| vector.score());
            let rating = match score {
                Some(score) => score.rating(),
                None => qualitative_rating(&entry.score),
            };
            (rating != Rating::NoScore).then_some(ChosenSeverity {
                entry,
                tier,
                score,
                rating,
            })
        })
        .min_by(|a, b| {
            a.tier
                .cmp(&b.tier)
                .then(is_distribution_rating(b).cmp(&is_distribution_rating(a)))
                .then(b.score.is_some().cmp(&a.score.is_some()))
                .then(version_rank(b.score).cmp(&version_rank(a.score)))
                .then(score_value(b.score).total_cmp(&score_value(a.score)))
        })
}

/// Maps a qualitative rating (`high`, Ubuntu's `negligible`) to a [`Rating`];
/// [`Rating::NoScore`] for anything else.
pub fn qualitative_rating(text: &str) -> Rating {
    match text
        .trim()
        .trim_end_matches('*')
        .to_ascii_lowercase()
        .as_str()
    {
        "critical" => Rating::Critical,
        "high" | "important" => Rating::High,
        "medium" | "moderate" => Rating::Medium,
        // Debian's tracker rates `unimportant` what it will not fix as a security issue.
        "low" | "negligible" | "unimportant" => Rating::Low,
        _ => Rating::NoScore,
    }
}

/// Returns whether `chosen` is a distribution's own rating of the vulnerability for its
/// package (Debian's urgency, Ubuntu's priority). The CVSS vectors in distribution records
/// are mostly NVD's, copied, so within the vendor tier the distribution's own word comes
/// first.
fn is_distribution_rating(chosen: &ChosenSeverity<'_>) -> bool {
    chosen.tier == Tier::Vendor && !chosen.entry.kind.starts_with("CVSS")
}

fn version_rank(score: Option<CvssScore>) -> u8 {
    match score.map(|score| score.version) {
        Some(CvssVersion::V3_1) => 4,
        Some(CvssVersion::V3_0) => 3,
        Some(CvssVersion::V4_0) => 2,
        Some(CvssVersion::V2_0) => 1,
        None => 0,
    }
}

fn score_value(score: Option<CvssScore>) -> f64 {
    score.map_or(f64::MIN, |score| score.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V31_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const V31_MEDIUM: &str = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N";
    const V40_HIGH: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N";
    const V2_HIGH: &str = "AV:N/AC:L/Au:N/C:P/I:P/A:P";

    fn severity(kind: &str, score: &str, source: &str) -> Severity {
        Severity {
            kind: kind.to_owned(),
            score: score.to_owned(),
            source: source.to_owned(),
        }
    }

    #[test]
    fn tiers_by_source() {
        let cases = [
            ("osv:Debian", Some("Debian:12"), Tier::Vendor),
            ("osv:Debian", Some("PyPI"), Tier::Other),
            ("osv:Debian", None, Tier::Other),
            (
                "alpine-secdb:v3.20/main",
                Some("Alpine:v3.20"),
                Tier::Vendor,
            ),
            ("rustsec", Some("crates.io"), Tier::Vendor),
            ("pypa", Some("PyPI"), Tier::Vendor),
            ("osv:Rocky Linux", Some("Rocky Linux:9"), Tier::Vendor),
            (
                "nvd:primary:nvd@nist.gov",
                Some("Debian:12"),
                Tier::NvdPrimary,
            ),
            ("nvd:cna:cna@example.org", None, Tier::Cna),
            ("cve5:cna:palo_alto", None, Tier::Cna),
            ("cve5:adp:CISA-ADP", None, Tier::Other),
            ("nvd:adp:134c704f", None, Tier::Other),
            ("file:/tmp/x.json", Some("Debian:12"), Tier::Other),
        ];
        for (source, ecosystem, expected) in cases {
            assert_eq!(
                tier_of(source, ecosystem),
                expected,
                "case {source} {ecosystem:?}"
            );
        }
    }

    #[test]
    fn vendor_beats_cna_beats_nvd() {
        let entries = [
            severity("CVSS_V3", V31_CRITICAL, "nvd:primary:nvd@nist.gov"),
            severity("CVSS_V3", V31_MEDIUM, "nvd:cna:cna@example.org"),
            severity("Ubuntu", "low", "osv:Ubuntu"),
        ];

        let for_ubuntu = choose_severity(&entries, Some("Ubuntu:22.04")).unwrap();
        assert_eq!(for_ubuntu.tier, Tier::Vendor);
        assert_eq!(for_ubuntu.rating, Rating::Low);
        assert_eq!(for_ubuntu.score, None);

        let for_pypi = choose_severity(&entries, Some("PyPI")).unwrap();
        assert_eq!(for_pypi.tier, Tier::Cna);
        assert_eq!(for_pypi.rating, Rating::Medium);

        let without_cna = choose_severity(&entries[..1], None).unwrap();
        assert_eq!(without_cna.tier, Tier::NvdPrimary);
        assert_eq!(without_cna.rating, Rating::Critical);
    }

    #[test]
    fn within_tier_v31_then_higher_score() {
        let entries = [
            severity("CVSS_V4", V40_HIGH, "cve5:cna:x"),
            severity("CVSS_V2", V2_HIGH, "cve5:cna:x"),
            severity("CVSS_V3", V31_MEDIUM, "cve5:cna:x"),
            severity("CVSS_V3", V31_CRITICAL, "cve5:cna:x"),
        ];
        let chosen = choose_severity(&entries, None).unwrap();
        assert_eq!(chosen.entry.score, V31_CRITICAL);

        let chosen = choose_severity(&entries[..2], None).unwrap();
        assert_eq!(chosen.entry.score, V40_HIGH, "v4.0 beats v2.0");
    }

    #[test]
    fn unusable_entries_fall_through() {
        let entries = [
            severity("CVSS_V3", "CVSS:3.1/garbage", "osv:Debian"),
            severity("Debian", "not yet assigned", "osv:Debian"),
            severity("CVSS_V2", V2_HIGH, "osv:GHSA"),
        ];
        let chosen = choose_severity(&entries, Some("Debian:12")).unwrap();
        assert_eq!(chosen.tier, Tier::Other);
        assert_eq!(chosen.rating, Rating::High);
    }

    #[test]
    fn distribution_rating_beats_copied_vector() {
        // Debian records carry NVD's vector beside the tracker's own urgency.
        let entries = [
            severity("CVSS_V3", V31_CRITICAL, "osv:Debian"),
            severity("Debian", "unimportant", "osv:Debian"),
        ];
        let chosen = choose_severity(&entries, Some("Debian:12")).unwrap();
        assert_eq!(chosen.entry.kind, "Debian");
        assert_eq!(chosen.rating, Rating::Low);
    }

    #[test]
    fn nothing_scored_is_no_choice() {
        let entries = [severity("CVSS_V3", "not a vector", "osv:Debian")];
        assert_eq!(choose_severity(&entries, Some("Debian:12")), None);
        assert_eq!(choose_severity(&[], None), None);
    }
}
